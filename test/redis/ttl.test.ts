// Expiry on Redis: judged by the `now` clock as on LMDB, with the server's own expiry (PX) as the backstop
// that drops an entry `expiryGraceMs` after its expiry.
import { createClient } from "redis";
import { afterEach, beforeEach, expect, it } from "vitest";
import { openRedisCache } from "../../lib/redis/index.ts";
import type { Cache } from "../../lib/types.ts";
import { describeRedis } from "./server.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeRedis("Redis expiry", (server) => {
  let admin: ReturnType<typeof createClient>;
  let cache: Cache<string>;
  const clock = { t: 1_000_000 };
  beforeEach(async () => {
    admin = createClient({ url: server().url });
    await admin.connect();
    await admin.flushAll();
  });
  afterEach(async () => {
    await cache.close();
    await admin.close();
  });
  /** The PTTL of the one key the cache holds: -1 for none, -2 when the key is gone. */
  const pttl = async () => {
    const keys = await admin.keys("*");
    return keys.length === 0 ? -2 : admin.pTTL(keys[0]!);
  };

  it("the server drops an entry expiryGraceMs after its expiry, even while the injected clock says it is live", async () => {
    cache = await openRedisCache<string>({ url: server().url, now: () => clock.t, expiryGraceMs: 1000 });
    await cache.set("k", "v", { ttlMs: 50 });
    // PX is the TTL plus the grace; what the server reports has only counted down since.
    expect(await pttl()).toBeGreaterThan(0);
    expect(await pttl()).toBeLessThanOrEqual(1050);
    expect(await cache.get("k")).toBe("v");
    await sleep(1500);
    expect(await cache.get("k")).toBeUndefined();
  });

  it("an entry without a TTL has none on the server, and overwriting one clears the server's", async () => {
    cache = await openRedisCache<string>({ url: server().url, now: () => clock.t });
    await cache.set("k", "v", { ttlMs: 10_000 });
    expect(await pttl()).toBeGreaterThan(10_000);
    await cache.set("k", "w");
    expect(await pttl()).toBe(-1);
    await cache.batch([{ type: "put", key: "k", value: "x", ttlMs: 5 }]);
    expect(await pttl()).toBeGreaterThan(5);
  });

  it("a TTL of 0 or less is no server error: the entry reads missing, and the server drops it at once without grace", async () => {
    cache = await openRedisCache<string>({ url: server().url, now: () => clock.t, expiryGraceMs: 0 });
    await cache.set("k", "old");
    await cache.set("k", "new", { ttlMs: -5 });
    expect(await cache.get("k")).toBeUndefined();
    await cache.batch([{ type: "put", key: "k", value: "newer", ttlMs: 0 }]);
    await sleep(20);
    expect(await pttl()).toBe(-2);
    expect(await cache.get("k")).toBeUndefined();
  });
});
