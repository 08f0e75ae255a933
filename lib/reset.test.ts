import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openLmdbCache, resetCache } from "./index.ts";
import { tempDir } from "./test-support.ts";

describe("resetCache", () => {
  it("recovers a cache whose data file is damaged: open reports CACHE_CORRUPT, reset empties it", async () => {
    const path = tempDir();
    const cache = await openLmdbCache({ path });
    await cache.set("k", 1);
    await cache.close();
    writeFileSync(join(path, "data.mdb"), Buffer.alloc(64 * 1024, 0xab));
    await expect(openLmdbCache({ path })).rejects.toMatchObject({ code: "CACHE_CORRUPT" });
    await resetCache(path);
    const fresh = await openLmdbCache({ path });
    expect(await fresh.get("k")).toBeUndefined();
    await fresh.set("k", 2);
    expect(await fresh.get("k")).toBe(2);
    await fresh.close();
  });

  it("refuses while this process has the cache open", async () => {
    const path = tempDir();
    const cache = await openLmdbCache({ path });
    await expect(resetCache(path)).rejects.toMatchObject({ code: "CACHE_INCOMPATIBLE" });
    await cache.close();
    await resetCache(path);
  });
});
