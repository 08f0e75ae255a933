import { describe, expect, it, vi } from "vitest";
import { acquireEnv, releaseEnv } from "./env.ts";
import { indexCount } from "./expiry-index.ts";
import { openLmdbCache, verifyCache } from "./index.ts";
import { ACCESS_RECORDS, accessKey, fullKey, namespacePrefix, RECENCY_COUNT_KEY, RECENCY_INDEX, storedKey } from "./keys.ts";
import { accessTime, FIRST_PRECISION_MS } from "./recency.ts";
import { manualClock, tempDir } from "./test-support.ts";

const BOUND = 4 * 1024 * 1024;

/** The access time stored for a key of a namespace, read below the library. */
function storedTime(db: Awaited<ReturnType<typeof acquireEnv>>["db"], namespace: string, key: string): number | undefined {
  db.resetReadTxn();
  const record = db.getBinary(accessKey(storedKey(fullKey(namespacePrefix(namespace), key)).stored));
  return record === undefined ? undefined : accessTime(record);
}

function ownRecordCounts(db: Awaited<ReturnType<typeof acquireEnv>>["db"]): { access: number; index: number; counted: number } {
  db.resetReadTxn();
  return {
    access: [...db.getKeys(ACCESS_RECORDS)].length,
    index: [...db.getKeys(RECENCY_INDEX)].length,
    counted: indexCount(db, RECENCY_COUNT_KEY),
  };
}

/** A bounded cache with "lru" (so recency kept) in a fresh directory, on a clock the test moves. */
async function openTracked() {
  const path = tempDir();
  const clock = manualClock();
  return { path, clock, cache: await openLmdbCache<number>({ path, maxSizeBytes: BOUND, now: clock.now }) };
}

describe("recency", () => {
  it("never opens a write transaction on a get, and writes the times read later, in one transaction, only when later by the precision", async () => {
    const { path, clock, cache } = await openTracked();
    const env = await acquireEnv(path, "process");
    for (let i = 0; i < 100; i++) await cache.set(`k${i}`, i);
    const written = clock.now();
    const writes = vi.spyOn(env.db, "transactionSync");
    for (let round = 0; round < 5; round++) {
      clock.advance(FIRST_PRECISION_MS);
      for (let i = 0; i < 100; i++) expect(await cache.get(`k${i}`)).toBe(i);
    }
    expect(writes).not.toHaveBeenCalled();
    expect(storedTime(env.db, "", "k7")).toBe(written);
    // The unref'd timer writes them, in one transaction of its own.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(writes).toHaveBeenCalledTimes(1);
    expect(storedTime(env.db, "", "k7")).toBe(clock.now());
    writes.mockRestore();
    // A read then rides on the next write's transaction.
    clock.advance(FIRST_PRECISION_MS);
    await cache.get("k8");
    await cache.set("other", 1);
    expect(storedTime(env.db, "", "k8")).toBe(clock.now());
    expect(storedTime(env.db, "", "k9")).toBe(clock.now() - FIRST_PRECISION_MS);
    await releaseEnv(env);
    await cache.close();
  });

  it("keeps one access and one index record per tracked entry, counted, out of entries, stats and verifyCache, and removes them with the entry", async () => {
    const { path, clock, cache } = await openTracked();
    const other = cache.withNamespace("other");
    const env = await acquireEnv(path, "process");
    for (let i = 0; i < 30; i++) await cache.set(`k${i}`, i, i % 3 === 0 ? { ttlMs: 5000 } : undefined);
    for (let i = 0; i < 10; i++) await other.set(`o${i}`, i);
    await cache.batch([{ type: "put", key: "long".repeat(1000), value: 1 }]);
    clock.advance(FIRST_PRECISION_MS);
    for (let i = 0; i < 30; i++) await cache.get(`k${i}`);
    await cache.set("flush", 0);
    expect(ownRecordCounts(env.db)).toEqual({ access: 42, index: 42, counted: 84 });
    expect((await cache.stats()).entries).toBe(42);
    expect(await verifyCache(path)).toEqual({ entries: 42 });
    await cache.del("k1");
    await cache.batch([{ type: "del", key: "k2" }]);
    clock.advance(10_000);
    // Expired k0, k3, ... k27 go by the sweep: their records with them.
    expect(await cache.sweepExpired()).toBe(10);
    expect(ownRecordCounts(env.db)).toEqual({ access: 30, index: 30, counted: 60 });
    expect((await cache.stats()).entries).toBe(30);
    await cache.clear();
    expect(ownRecordCounts(env.db)).toEqual({ access: 10, index: 10, counted: 20 });
    expect((await other.stats()).entries).toBe(10);
    await releaseEnv(env);
    await cache.close();
  });

  it("writes the times read at close, and a scan under way then still ends with CACHE_CLOSED", async () => {
    const { path, clock, cache } = await openTracked();
    await cache.batch([
      { type: "put", key: "a", value: 1 },
      { type: "put", key: "b", value: 2 },
    ]);
    clock.advance(10 * FIRST_PRECISION_MS);
    await cache.get("a");
    const scan = cache.entries();
    expect((await scan.next()).value).toEqual(["a", 1]);
    await cache.close();
    await expect(scan.next()).rejects.toMatchObject({ code: "CACHE_CLOSED" });
    const env = await acquireEnv(path, "process");
    expect(storedTime(env.db, "", "a")).toBe(clock.now());
    await releaseEnv(env);
  });

  it("keeps no recency for expiry-first, none, or an unbounded cache", async () => {
    for (const opts of [{ maxSizeBytes: BOUND, eviction: "expiry-first" as const }, { maxSizeBytes: BOUND, eviction: "none" as const }, {}]) {
      const path = tempDir();
      const cache = await openLmdbCache<number>({ path, ...opts });
      await cache.set("k", 1);
      await cache.get("k");
      await cache.close();
      const env = await acquireEnv(path, "process");
      expect(ownRecordCounts(env.db)).toEqual({ access: 0, index: 0, counted: 0 });
      await releaseEnv(env);
    }
  });
});
