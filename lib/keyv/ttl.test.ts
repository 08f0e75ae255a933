import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "../index.ts";
import { manualClock, tempDir } from "../test-support.ts";
import { KeyvLmdbCache } from "./index.ts";

const YEAR = 365 * 24 * 3600_000;

describe("keyv TTLs", () => {
  it("expire the cache's entry after that many milliseconds, by the cache's clock", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache({ path: tempDir(), now: clock.now });
    const store = new KeyvLmdbCache(cache);
    await store.set("one", "v", 1000);
    await store.setMany([{ key: "two", value: "v", ttl: 2000 }, { key: "none", value: "v" }]);
    clock.advance(999);
    expect(await store.hasMany(["one", "two", "none"])).toEqual([true, true, true]);
    clock.advance(1);
    expect(await store.hasMany(["one", "two", "none"])).toEqual([false, true, true]);
    clock.advance(1000);
    // The cache's own expiry, not only keyv's: its sweep finds the entry expired.
    expect(await cache.sweepExpired()).toBe(1);
    expect(await store.hasMany(["one", "two", "none"])).toEqual([false, false, true]);
    await cache.close();
  });

  it("of 0, none or Infinity never expire (where the cache would read 0 as already expired)", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache({ path: tempDir(), now: clock.now });
    const store = new KeyvLmdbCache(cache);
    await store.set("zero", "v", 0);
    await store.set("none", "v");
    await store.set("infinite", "v", Infinity);
    await store.setMany([{ key: "many-zero", value: "v", ttl: 0 }]);
    clock.advance(100 * YEAR);
    expect(await store.hasMany(["zero", "none", "infinite", "many-zero"])).toEqual([true, true, true, true]);
    await cache.close();
  });

  it("through keyv: its ttl option and a set's ttl reach the cache; its ttl 0 means none", async () => {
    const clock = manualClock(Date.now());
    const cache = await openLmdbCache({ path: tempDir(), now: clock.now });
    const keyv = new Keyv({ store: new KeyvLmdbCache(cache), ttl: 5000 });
    await keyv.set("default", 1);
    await keyv.set("own", 1, 60_000);
    await keyv.set("forever", 1, 0);
    clock.advance(5000);
    const stored = cache.withNamespace("keyv");
    expect([await stored.has("keyv:default"), await stored.has("keyv:own"), await stored.has("keyv:forever")]).toEqual([false, true, true]);
    await cache.close();
  });

  it("of none take the cache's defaultTtlMs when the cache was opened with one", async () => {
    const clock = manualClock();
    const store = new KeyvLmdbCache({ path: tempDir(), now: clock.now, defaultTtlMs: 1000 });
    await store.set("none", "v");
    await store.set("own", "v", 5000);
    clock.advance(1000);
    expect(await store.hasMany(["none", "own"])).toEqual([false, true]);
    await store.disconnect();
  });

  it("below zero store an entry that is already expired, as the cache does", async () => {
    const store = new KeyvLmdbCache({ path: tempDir() });
    await store.set("k", "v", -1);
    expect(await store.get("k")).toBeUndefined();
    await store.disconnect();
  });
});
