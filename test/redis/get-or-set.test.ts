// getOrSet, clear and stats on Redis. Separate opens have separate connections: to the server they are
// separate hosts, so one computation among them is the cross-host claim at work.
import { createClient } from "redis";
import { afterEach, beforeEach, expect, it } from "vitest";
import { isCacheError } from "../../lib/errors.ts";
import { openRedisCache } from "../../lib/redis/index.ts";
import { claimKey, namespaceHead } from "../../lib/redis/keys.ts";
import type { Cache } from "../../lib/types.ts";
import { collect } from "../suite/suite.ts";
import { describeRedis } from "./server.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeRedis("Redis getOrSet, clear and stats", (server) => {
  let admin: ReturnType<typeof createClient>;
  let opened: Array<Cache<string>>;
  let prefix: string;
  let runs = 0;
  beforeEach(async () => {
    admin = createClient({ url: server().url });
    await admin.connect();
    opened = [];
    prefix = `gos-${runs++}`;
  });
  afterEach(async () => {
    for (const cache of opened) await cache.close();
    await admin.close();
  });
  const open = async (opts: { now?: () => number } = {}) => {
    const cache = await openRedisCache<string>({ url: server().url, prefix, ...opts });
    opened.push(cache);
    return cache;
  };
  /** A claim on `key` as another host's owner leaves it: its token, for `ms`. */
  const foreignClaim = (key: string, ms: number) => admin.set(claimKey(namespaceHead(prefix, ""), key), "someone else", { PX: ms });

  it("computes once among several connections that ask at once, and all get its value", async () => {
    const caches = await Promise.all([open(), open(), open(), open()]);
    let computes = 0;
    const compute = async () => {
      computes++;
      await sleep(100);
      return "v";
    };
    const values = await Promise.all(caches.flatMap((cache) => [cache.getOrSet("k", compute), cache.getOrSet("k", compute)]));
    expect(values).toEqual(Array(8).fill("v"));
    expect(computes).toBe(1);
    expect(await admin.keys(`*`)).toHaveLength(1);
  });

  it("waits for another host's claim, and takes over once its lease ends (a dead owner is known by its lease only)", async () => {
    const cache = await open();
    await foreignClaim("k", 300);
    const started = performance.now();
    expect(await cache.getOrSet("k", () => "mine", { waitMs: 5000 })).toBe("mine");
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    await foreignClaim("other", 60_000);
    const waited = await cache.getOrSet("other", () => "x", { waitMs: 100 }).catch((error: unknown) => error);
    expect(isCacheError(waited, "CACHE_TIMEOUT")).toBe(true);
  });

  it("a late owner, whose lease ended and was taken over, returns its value but stores nothing", async () => {
    const [late, next] = await Promise.all([open(), open()]);
    const slow = late.getOrSet("k", async () => {
      await sleep(400);
      return "late";
    }, { leaseMs: 100 });
    await sleep(200);
    expect(await next.getOrSet("k", () => "next", { leaseMs: 100 })).toBe("next");
    expect(await slow).toBe("late");
    expect(await next.get("k")).toBe("next");
  });

  it("a compute that fails rejects with its error, stores nothing and drops the claim at once", async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const failure = new Error("no");
    await expect(a.getOrSet("k", () => Promise.reject(failure))).rejects.toBe(failure);
    const started = performance.now();
    expect(await b.getOrSet("k", () => "b", { waitMs: 5000 })).toBe("b");
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(a.getOrSet("u", () => ({ fn: () => 1 }) as unknown as string)).rejects.toMatchObject({ code: "CACHE_INVALID_VALUE" });
    expect(await admin.keys("*u")).toEqual([]);
  });

  it("close drops the claims of its open", async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const pending = a.getOrSet("k", () => new Promise<string>(() => undefined)).catch(() => undefined);
    await sleep(50);
    await a.close();
    expect(await b.getOrSet("k", () => "b", { waitMs: 200 })).toBe("b");
    void pending;
  });

  it("early refresh: a certain draw recomputes a live value, a draw of 1 never does", async () => {
    const clock = { t: 1_000_000 };
    const cache = await openRedisCache<string>({ url: server().url, prefix, now: () => clock.t, expiryGraceMs: 600_000 });
    opened.push(cache);
    let n = 0;
    const compute = () => `v${++n}`;
    expect(await cache.getOrSet("k", compute, { ttlMs: 1000, earlyRefresh: 1 })).toBe("v1");
    expect(await cache.getOrSet("k", compute, { ttlMs: 1000, earlyRefresh: 1, random: () => 1 })).toBe("v1");
    expect(await cache.getOrSet("k", compute, { ttlMs: 1000, earlyRefresh: 1, random: () => 0 })).toBe("v2");
    expect(await cache.get("k")).toBe("v2");
    clock.t += 1000;
    expect(await cache.getOrSet("k", compute)).toBe("v3");
  });

  it("early refresh needs a timing and a free claim: without either, the live value is returned as it is", async () => {
    const cache = await open();
    await cache.set("plain", "set");
    expect(await cache.getOrSet("plain", () => "computed", { earlyRefresh: 1, random: () => 0 })).toBe("set");
    let n = 0;
    expect(await cache.getOrSet("k", () => `v${++n}`, { ttlMs: 60_000, earlyRefresh: 1 })).toBe("v1");
    await foreignClaim("k", 60_000);
    expect(await cache.getOrSet("k", () => `v${++n}`, { ttlMs: 60_000, earlyRefresh: 1, random: () => 0 })).toBe("v1");
    expect(n).toBe(1);
  });

  it("clear removes the view's namespace only, claims included; stats counts this open and the cache's entries", async () => {
    const root = await open();
    const users = root.withNamespace("users");
    await root.set("r", "1");
    await users.batch([{ type: "put", key: "a", value: "1" }, { type: "put", key: "b", value: "2" }]);
    await users.withNamespace("deep").set("d", "3");
    await users.getOrSet("c", () => "4");
    expect(await root.get("r")).toBe("1");
    expect(await root.get("missing")).toBeUndefined();
    await users.del("a");
    const stats = await root.stats();
    expect(stats).toMatchObject({ hits: 1, misses: 2, sets: 5, deletes: 1, expiredOnRead: 0, computes: 1, entries: 4 });
    expect(stats.bytes).toBeGreaterThan(0);
    await users.clear();
    expect(await collect(users.entries())).toEqual([]);
    expect(await collect(users.withNamespace("deep").entries())).toEqual([["d", "3"]]);
    expect(await collect(root.entries())).toEqual([["r", "1"]]);
    expect((await root.stats()).entries).toBe(2);
  });
});
