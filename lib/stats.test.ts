import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { manualClock, tempDir } from "./test-support.ts";

describe("stats", () => {
  it("counts this open's hits, misses, sets, deletes and expired reads, over all its views", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache({ path: tempDir(), now: clock.now });
    const ns = cache.withNamespace("ns");
    await cache.set("a", 1);
    await ns.set("b", 2, { ttlMs: 10 });
    await ns.batch([
      { type: "put", key: "c", value: 3 },
      { type: "del", key: "x" },
    ]);
    await cache.get("a");
    await ns.has("c");
    await cache.get("missing");
    clock.advance(10);
    await ns.get("b");
    await cache.del("a");
    expect(await cache.stats()).toMatchObject({ hits: 2, misses: 2, sets: 3, deletes: 2, expiredOnRead: 1, computes: 0 });
    await cache.close();
  });

  it("tells entries and bytes of the whole store, written by any open, without the library's own records", async () => {
    const path = tempDir();
    const cache = await openLmdbCache({ path });
    const empty = await cache.stats();
    expect(empty.entries).toBe(0);
    const other = await openLmdbCache({ path, namespace: "other" });
    await other.batch(Array.from({ length: 300 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: "v".repeat(100) })));
    await cache.set("root", 1);
    const full = await cache.stats();
    expect(full.entries).toBe(301);
    expect(full.bytes).toBeGreaterThan(300 * 100);
    expect(full).toMatchObject({ sets: 1, hits: 0 });
    expect(await other.stats()).toMatchObject({ sets: 300 });
    await other.clear();
    expect((await cache.stats()).entries).toBe(1);
    await other.close();
    await cache.close();
  });

  it("rejects with CACHE_CLOSED after close", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    await cache.close();
    await expect(cache.stats()).rejects.toMatchObject({ code: "CACHE_CLOSED" });
  });
});
