import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { tempDir } from "./test-support.ts";

const MiB = 1024 * 1024;

describe("growth", () => {
  // LMDB 0.9.29 fails writes past its map (1 GiB unless set) with MDB_MAP_FULL; the library reserves more.
  it("stores more than a GiB with no size given, and reads it back", { timeout: 120_000 }, async () => {
    const cache = await openLmdbCache<string>({ path: tempDir() });
    const value = "g".repeat(MiB - 64);
    const count = 1100;
    for (let i = 0; i < count; i += 25) {
      await cache.batch(Array.from({ length: 25 }, (_, j) => ({ type: "put" as const, key: `g${i + j}`, value })));
    }
    for (const i of [0, 550, count - 1]) expect(await cache.get(`g${i}`)).toBe(value);
    let found = 0;
    for await (const [, stored] of cache.entries()) if (stored.length === value.length) found++;
    expect(found).toBe(count);
    await cache.close();
  });
});
