// cacheable 2 with the keyv store as its secondary (memory in front, the cache behind it).
import { Cacheable } from "cacheable";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "../../lib/index.ts";
import { KeyvLmdbCache } from "../../lib/keyv/index.ts";
import { keysOf, manualClock, tempDir } from "../../lib/test-support.ts";

describe("cacheable with the keyv store as its secondary", () => {
  it("writes through to the cache, and a second instance with an empty memory reads from it", async () => {
    const path = tempDir();
    const first = new Cacheable({ secondary: new KeyvLmdbCache({ path }), ttl: "1h" });
    await first.set("a", { n: 1 });
    await first.setMany([{ key: "b", value: [2] }, { key: "c", value: "three" }]);
    const second = new Cacheable({ secondary: new KeyvLmdbCache({ path }) });
    expect(await second.get("a")).toEqual({ n: 1 });
    expect(await second.getMany(["b", "c", "d"])).toEqual([[2], "three", undefined]);
    expect(await second.hasMany(["a", "d"])).toEqual([true, false]);
    await second.delete("a");
    await second.deleteMany(["b"]);
    // The first instance's memory still has them; its secondary does not.
    const third = new Cacheable({ secondary: new KeyvLmdbCache({ path }) });
    expect(await third.getMany(["a", "b", "c"])).toEqual([undefined, undefined, "three"]);
    await Promise.all([first.disconnect(), second.disconnect(), third.disconnect()]);
  });

  it("getOrSet computes once, across instances that share the path", async () => {
    const path = tempDir();
    let computed = 0;
    const compute = async () => ({ computed: ++computed });
    const first = new Cacheable({ secondary: new KeyvLmdbCache({ path }) });
    expect(await first.getOrSet("report", compute, { ttl: "1h" })).toEqual({ computed: 1 });
    const second = new Cacheable({ secondary: new KeyvLmdbCache({ path }) });
    expect(await second.getOrSet("report", compute, { ttl: "1h" })).toEqual({ computed: 1 });
    expect(computed).toBe(1);
    await Promise.all([first.disconnect(), second.disconnect()]);
  });

  it("keeps each cacheable namespace in a cache namespace, cleared on its own, with cacheable's TTL", async () => {
    const path = tempDir();
    const clock = manualClock(Date.now());
    const tenantA = new Cacheable({ secondary: new KeyvLmdbCache({ path, now: clock.now }), namespace: "tenant-a", ttl: 5000 });
    const tenantB = new Cacheable({ secondary: new KeyvLmdbCache({ path, now: clock.now }), namespace: "tenant-b" });
    await tenantA.set("k", "a");
    await tenantB.set("k", "b");
    const cache = await openLmdbCache({ path, now: clock.now });
    expect(await keysOf(cache.withNamespace("tenant-a"))).toEqual(["tenant-a:k"]);
    await tenantA.clear();
    expect(await keysOf(cache.withNamespace("tenant-a"))).toEqual([]);
    expect(await keysOf(cache.withNamespace("tenant-b"))).toEqual(["tenant-b:k"]);
    await tenantA.set("short", "a");
    clock.advance(5000);
    expect(await cache.withNamespace("tenant-a").has("tenant-a:short")).toBe(false);
    await cache.close();
    await Promise.all([tenantA.disconnect(), tenantB.disconnect()]);
  });
});
