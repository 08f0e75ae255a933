import { describe, expect, it } from "vitest";
import { FORMAT } from "./env.ts";
import { openLmdbCache } from "./index.ts";
import { META_KEY } from "./keys.ts";
import { rawPut, tempDir } from "./test-support.ts";


describe("environment", () => {
  it("refuses a directory written in another format, keeping it as it is", async () => {
    const path = tempDir();
    rawPut(path, META_KEY, Buffer.from("lmdb-cache/0"));
    await expect(openLmdbCache({ path })).rejects.toMatchObject({ code: "CACHE_INCOMPATIBLE" });
    rawPut(path, META_KEY, Buffer.from(FORMAT));
    const cache = await openLmdbCache({ path });
    await cache.close();
  });

  it("refuses an LMDB database that is not a cache", async () => {
    const path = tempDir();
    rawPut(path, Buffer.from("someone else's key"), Buffer.from("value"));
    await expect(openLmdbCache({ path })).rejects.toMatchObject({ code: "CACHE_INCOMPATIBLE" });
  });

  it("refuses a second open in one process with another durability", async () => {
    const path = tempDir();
    const cache = await openLmdbCache({ path });
    await expect(openLmdbCache({ path, durability: "fsync" })).rejects.toMatchObject({ code: "CACHE_INCOMPATIBLE" });
    await cache.close();
  });

  it("writes and reads with fsync durability", async () => {
    const path = tempDir();
    const cache = await openLmdbCache({ path, durability: "fsync" });
    await cache.set("k", 1);
    await cache.close();
    const again = await openLmdbCache({ path });
    expect(await again.get("k")).toBe(1);
    await again.close();
  });

  it("opens a path twice at once in one process and shares one environment", async () => {
    const path = tempDir();
    const [a, b] = await Promise.all([openLmdbCache({ path }), openLmdbCache({ path })]);
    await a.set("k", 1);
    expect(await b.get("k")).toBe(1);
    await a.close();
    await b.close();
  });
});
