import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { manualClock, tempDir } from "./test-support.ts";

describe("ttl", () => {
  it("serves a value until its expiry and not from the expiry on", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache({ path: tempDir(), now: clock.now });
    await cache.set("k", "v", { ttlMs: 500 });
    clock.advance(499);
    expect(await cache.get("k")).toBe("v");
    clock.advance(1);
    expect(await cache.get("k")).toBeUndefined();
    expect(await cache.has("k")).toBe(false);
    await cache.close();
  });

  it("applies defaultTtlMs to set and batch puts that give none, and lets an explicit TTL win", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache({ path: tempDir(), now: clock.now, defaultTtlMs: 100 });
    await cache.set("default", 1);
    await cache.set("explicit", 2, { ttlMs: 1000 });
    await cache.batch([
      { type: "put", key: "batchDefault", value: 3 },
      { type: "put", key: "batchExplicit", value: 4, ttlMs: 1000 },
    ]);
    clock.advance(100);
    expect(await cache.get("default")).toBeUndefined();
    expect(await cache.get("batchDefault")).toBeUndefined();
    expect(await cache.get("explicit")).toBe(2);
    expect(await cache.get("batchExplicit")).toBe(4);
    await cache.close();
  });

  it("stores an entry that is already expired for a TTL of zero or less", async () => {
    const cache = await openLmdbCache({ path: tempDir(), now: manualClock().now });
    await cache.set("zero", 1, { ttlMs: 0 });
    await cache.set("negative", 1, { ttlMs: -5 });
    expect(await cache.get("zero")).toBeUndefined();
    expect(await cache.get("negative")).toBeUndefined();
    await cache.close();
  });

  it("never expires an entry without a TTL, and an overwrite replaces the expiry", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache({ path: tempDir(), now: clock.now });
    await cache.set("k", 1, { ttlMs: 10 });
    await cache.set("k", 2);
    clock.advance(1e12);
    expect(await cache.get("k")).toBe(2);
    await cache.close();
  });

  it("treats a null ttlMs like an absent one, as level-cache's ?? does", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache({ path: tempDir(), now: clock.now, defaultTtlMs: 10 });
    await cache.set("k", 1, { ttlMs: null as unknown as number });
    clock.advance(10);
    expect(await cache.get("k")).toBeUndefined();
    await cache.close();
  });
});
