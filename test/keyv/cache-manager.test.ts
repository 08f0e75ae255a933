// cache-manager 7 over the keyv store: its calls, its wrap, two tiers, and a restart that keeps values.
import { createCache } from "cache-manager";
import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "../../lib/index.ts";
import { KeyvLmdbCache } from "../../lib/keyv/index.ts";
import { manualClock, tempDir } from "../../lib/test-support.ts";

describe("cache-manager over the keyv store", () => {
  it("gets, sets, deletes and clears, one key or many", async () => {
    const cache = createCache({ stores: [new Keyv({ store: new KeyvLmdbCache({ path: tempDir() }) })] });
    await cache.set("a", { n: 1 });
    await cache.mset<unknown>([{ key: "b", value: [2] }, { key: "c", value: "three" }]);
    expect(await cache.get("a")).toEqual({ n: 1 });
    expect(await cache.mget(["a", "b", "c", "d"])).toEqual([{ n: 1 }, [2], "three", undefined]);
    await cache.del("a");
    await cache.mdel(["b"]);
    expect(await cache.mget(["a", "b", "c"])).toEqual([undefined, undefined, "three"]);
    await cache.clear();
    expect(await cache.get("c")).toBeUndefined();
    await cache.disconnect();
  });

  it("wrap computes once, and a restarted cache-manager on the same path finds the value stored", async () => {
    const path = tempDir();
    let computed = 0;
    const compute = async () => ({ computed: ++computed });
    const first = createCache({ stores: [new Keyv({ store: new KeyvLmdbCache({ path }) })] });
    const results = await Promise.all([1, 2, 3].map(() => first.wrap("report", compute, 60_000)));
    expect(results).toEqual([{ computed: 1 }, { computed: 1 }, { computed: 1 }]);
    await first.disconnect();
    const restarted = createCache({ stores: [new Keyv({ store: new KeyvLmdbCache({ path }) })] });
    expect(await restarted.wrap("report", compute, 60_000)).toEqual({ computed: 1 });
    expect(computed).toBe(1);
    await restarted.disconnect();
  });

  it("gives its TTL to the cache: the stored entry expires by the cache's clock", async () => {
    const path = tempDir();
    const clock = manualClock(Date.now());
    const cache = createCache({ stores: [new Keyv({ store: new KeyvLmdbCache({ path, now: clock.now }) })], ttl: 10_000 });
    await cache.set("default", 1);
    await cache.set("own", 1, 60_000);
    expect(await cache.ttl("own")).toBeGreaterThan(Date.now() + 50_000);
    const view = (await openLmdbCache({ path, now: clock.now })).withNamespace("keyv");
    clock.advance(10_000);
    expect([await view.has("keyv:default"), await view.has("keyv:own")]).toEqual([false, true]);
    await view.close();
    await cache.disconnect();
  });

  it("as the second tier behind memory: a value only the store holds is found and copied up", async () => {
    const path = tempDir();
    const writer = createCache({ stores: [new Keyv({ store: new KeyvLmdbCache({ path }) })] });
    await writer.set("k", "from disk", 60_000);
    await writer.disconnect();
    const memory = new Keyv();
    const tiered = createCache({ stores: [memory, new Keyv({ store: new KeyvLmdbCache({ path }) })] });
    expect(await memory.get("k")).toBeUndefined();
    expect(await tiered.wrap("k", async () => "computed", 60_000)).toBe("from disk");
    expect(await memory.get("k")).toBe("from disk");
    await tiered.disconnect();
  });
});
