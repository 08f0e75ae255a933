// openRedisCache's options: bad ones are refused with a typed error before anything connects.
import { createClient } from "redis";
import { expect, it } from "vitest";
import { isCacheError } from "../../lib/errors.ts";
import { openRedisCache, type RedisCacheOptions } from "../../lib/redis/index.ts";
import { describeRedis } from "./server.ts";

const code = (work: Promise<unknown>) => work.then(() => "resolved", (error: unknown) => (isCacheError(error) ? error.code : String(error)));

describeRedis("Redis options", (server) => {
  it("refuses bad options with CACHE_INVALID_OPTION", async () => {
    const client = createClient({ url: server().url });
    await client.connect();
    const bad: unknown[] = [
      undefined,
      { url: 1 },
      { url: server().url, client },
      { client: {} },
      { prefix: 1 },
      { connectTimeoutMs: 0 },
      { commandTimeoutMs: Infinity },
      { expiryGraceMs: -1 },
      { namespace: 1 },
      { now: 1 },
      { defaultTtlMs: NaN },
      { values: "xml" },
      { url: "http://nowhere" },
    ];
    for (const opts of bad) expect(await code(openRedisCache(opts as RedisCacheOptions)), JSON.stringify(opts)).toBe("CACHE_INVALID_OPTION");
    await client.close();
  });

  it("uses a client the caller made, leaves it open at close, and refuses one that is not connected", async () => {
    const client = createClient({ url: server().url });
    expect(await code(openRedisCache({ client }))).toBe("CACHE_UNAVAILABLE");
    await client.connect();
    const cache = await openRedisCache<number>({ client, prefix: "given" });
    await cache.set("k", 1);
    await cache.close();
    expect(await code(cache.get("k"))).toBe("CACHE_CLOSED");
    expect(await client.ping()).toBe("PONG");
    expect(await (await openRedisCache<number>({ client, prefix: "given" })).get("k")).toBe(1);
    await client.close();
  });
});
