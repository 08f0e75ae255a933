import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openLmdbCache, verifyCache } from "./index.ts";
import { fullKey, namespacePrefix, storedKey } from "./keys.ts";
import { rawPut, tempDir } from "./test-support.ts";

async function filled(path: string): Promise<void> {
  const cache = await openLmdbCache({ path });
  await cache.batch(Array.from({ length: 2000 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: "v".repeat(100) })));
  await cache.close();
}

describe("verifyCache", () => {
  it("counts the records of an intact cache", async () => {
    const path = tempDir();
    await filled(path);
    expect(await verifyCache(path)).toEqual({ entries: 2000 });
  });

  it("reports damage inside the file's body as CACHE_CORRUPT, in a child that may crash in its place", async () => {
    const path = tempDir();
    await filled(path);
    const bytes = readFileSync(join(path, "data.mdb"));
    // Zero every page after the two meta pages: the tree's pages are gone.
    bytes.fill(0, 8192);
    writeFileSync(join(path, "data.mdb"), bytes);
    await expect(verifyCache(path)).rejects.toMatchObject({ code: "CACHE_CORRUPT" });
  });

  it("reports undecodable records and a damaged header as CACHE_CORRUPT", async () => {
    const path = tempDir();
    await filled(path);
    const slot = storedKey(fullKey(namespacePrefix(""), "k1")).stored;
    rawPut(path, slot, Buffer.from([0xf0]));
    await expect(verifyCache(path)).rejects.toMatchObject({ code: "CACHE_CORRUPT", message: expect.stringContaining("1 damaged records of 2000") });
    writeFileSync(join(path, "data.mdb"), Buffer.alloc(8192, 0xab));
    await expect(verifyCache(path)).rejects.toMatchObject({ code: "CACHE_CORRUPT" });
  });

  it("says so when the path cannot hold a cache", async () => {
    const file = join(tempDir(), "file");
    writeFileSync(file, "x");
    await expect(verifyCache(file)).rejects.toMatchObject({ code: "CACHE_INVALID_PATH" });
  });
});
