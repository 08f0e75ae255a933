// What the Redis backend does when the server fails: a typed error within a bound, never a hang, and
// no torn batch. Each test starts a server of its own, since it breaks it.
import { createClient } from "redis";
import { afterEach, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../../harness/shared/redis-server.ts";
import { isCacheError } from "../../lib/errors.ts";
import { openRedisCache } from "../../lib/redis/index.ts";
import type { Cache } from "../../lib/types.ts";
import { describeRedis } from "./server.ts";

const CONNECT_MS = 500;
const COMMAND_MS = 300;
/** Timers fire late on a loaded machine: a bound is met when the error comes within it plus this. */
const SLACK_MS = 700;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The code the work rejected with (or "resolved"), and how long it took. */
async function timed(work: () => Promise<unknown>): Promise<{ code: string; ms: number }> {
  const start = performance.now();
  const code = await work().then(
    () => "resolved",
    (error: unknown) => (isCacheError(error) ? error.code : `untyped: ${String(error)}`),
  );
  return { code, ms: performance.now() - start };
}

describeRedis("Redis faults", () => {
  const servers: RedisServer[] = [];
  const caches: Array<Cache<unknown>> = [];
  const start = async (password?: string) => {
    const server = await startRedisServer({ password });
    servers.push(server);
    return server;
  };
  const open = async <T>(url: string) => {
    const cache = await openRedisCache<T>({ url, connectTimeoutMs: CONNECT_MS, commandTimeoutMs: COMMAND_MS });
    caches.push(cache as Cache<unknown>);
    return cache;
  };
  afterEach(async () => {
    for (const cache of caches.splice(0)) await cache.close();
    for (const server of servers.splice(0)) await server.stop();
  });

  it("a server that is not there: open rejects with CACHE_UNAVAILABLE within connectTimeoutMs", async () => {
    const server = await start();
    await server.stop();
    servers.pop();
    const result = await timed(() => open(server.url));
    expect(result.code).toBe("CACHE_UNAVAILABLE");
    expect(result.ms).toBeLessThan(CONNECT_MS + SLACK_MS);
  });

  it("a server that dies mid-run: every call rejects with CACHE_UNAVAILABLE within commandTimeoutMs, none hangs", async () => {
    const server = await start();
    const cache = await open<number>(server.url);
    await cache.set("k", 1);
    await server.stop();
    servers.pop();
    const calls = [() => cache.get("k"), () => cache.set("k", 2), () => cache.batch([{ type: "del", key: "k" }]), () => cache.sweepExpired()];
    for (const call of calls) {
      const result = await timed(call);
      expect(result.code).toBe("CACHE_UNAVAILABLE");
      expect(result.ms).toBeLessThan(COMMAND_MS + SLACK_MS);
    }
  });

  it("a server restarted mid-run: calls fail typed while it is down, the client comes back, and no batch is torn", async () => {
    const server = await start();
    const cache = await open<number>(server.url);
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    const codes = new Map<string, number>();
    let stop = false;
    // Batches that each write one generation to all 50 keys, racing the restart.
    const writer = (async () => {
      for (let generation = 0; !stop; generation++) {
        const result = await timed(() => cache.batch(keys.map((key) => ({ type: "put" as const, key, value: generation }))));
        codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
        expect(result.ms).toBeLessThan(COMMAND_MS + SLACK_MS);
        if (result.code !== "resolved") await sleep(10);
      }
    })();
    await sleep(100);
    await server.restart();
    // Back within the reconnection delay (at most 1 s) and a batch's time.
    const back = performance.now();
    while ((await timed(() => cache.get("probe"))).code !== "resolved") {
      expect(performance.now() - back).toBeLessThan(1000 + SLACK_MS);
      await sleep(20);
    }
    await sleep(100);
    stop = true;
    await writer;
    expect(codes.get("resolved")).toBeGreaterThan(0);
    expect([...codes.keys()].every((code) => code === "resolved" || code === "CACHE_UNAVAILABLE"), JSON.stringify([...codes])).toBe(true);
    const values = new Set<number | undefined>();
    for (const key of keys) values.add(await cache.get(key));
    expect(values.size).toBe(1);
  });

  it("a password: the url's credentials work; a wrong one rejects with CACHE_ACCESS_DENIED after one connection attempt", async () => {
    const server = await start("s3cret");
    const cache = await open<number>(server.url);
    await cache.set("k", 1);
    expect(await cache.get("k")).toBe(1);
    const admin = createClient({ url: server.url });
    await admin.connect();
    const connections = async () => Number(/total_connections_received:(\d+)/.exec(await admin.info("stats"))![1]);
    const before = await connections();
    const result = await timed(() => open(server.url.replace("s3cret", "wrong")));
    expect(result.code).toBe("CACHE_ACCESS_DENIED");
    expect(result.ms).toBeLessThan(CONNECT_MS + SLACK_MS);
    const missing = await timed(() => open(server.url.replace(":s3cret@", "")));
    expect(missing.code).toBe("CACHE_ACCESS_DENIED");
    // No retries afterwards: the two failed opens made one connection each.
    await sleep(1500);
    expect((await connections()) - before).toBe(2);
    await admin.close();
  });

  it("a server that stops answering (SIGSTOP): calls reject with CACHE_UNAVAILABLE within commandTimeoutMs, and work once it answers again", async () => {
    const server = await start();
    const cache = await open<number>(server.url);
    await cache.set("k", 1);
    server.pause();
    try {
      for (const call of [() => cache.get("k"), () => cache.batch([{ type: "put", key: "k", value: 2 }]), async () => cache.entries().next()]) {
        const result = await timed(call);
        expect(result.code).toBe("CACHE_UNAVAILABLE");
        expect(result.ms).toBeLessThan(COMMAND_MS + SLACK_MS);
      }
    } finally {
      server.resume();
    }
    // The timed-out batch may still be applied: late, but whole.
    expect([1, 2]).toContain(await cache.get("k"));
    await cache.set("k", 3);
    expect(await cache.get("k")).toBe(3);
  });

  it("a call still waiting for a stopped server when the cache closes rejects with CACHE_CLOSED, and close ends within commandTimeoutMs", async () => {
    const server = await start();
    const cache = await openRedisCache<number>({ url: server.url, connectTimeoutMs: CONNECT_MS, commandTimeoutMs: COMMAND_MS });
    server.pause();
    try {
      const pending = timed(() => cache.get("k"));
      const closing = await timed(() => cache.close());
      expect(closing).toMatchObject({ code: "resolved" });
      expect(closing.ms).toBeLessThan(COMMAND_MS + SLACK_MS);
      expect((await pending).code).toBe("CACHE_CLOSED");
    } finally {
      server.resume();
    }
  });
});
