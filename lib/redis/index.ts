import { checkCommonOptions } from "../checks.ts";
import { NEVER_COMPRESS } from "../codec.ts";
import { CacheError } from "../errors.ts";
import type { Cache, CacheOptions } from "../types.ts";
import { createRedisView } from "./cache.ts";
import { connectOwnClient, loadRedis, type RedisClientLike } from "./connection.ts";
import { newCounts, type RedisCore } from "./core.ts";

export type { RedisClientLike } from "./connection.ts";

export type RedisCacheOptions = Readonly<
  Pick<CacheOptions, "namespace" | "defaultTtlMs" | "now" | "values"> & {
    /** `redis://[user:password@]host[:port][/db]` (or `rediss://`); node-redis's default, localhost:6379, unless given. */
    url?: string;
    /** A connected node-redis client the caller made instead of `url`; `close()` leaves it open. */
    client?: RedisClientLike;
    /** Start of every key of this cache, so several caches share one server (`"cache"` unless given). */
    prefix?: string;
    /** Bound on connecting at open, in ms (5000 unless given). */
    connectTimeoutMs?: number;
    /** Bound on each call's round trips, in ms (2000 unless given). */
    commandTimeoutMs?: number;
    /**
     * How long past its expiry the server keeps an entry, in ms (1000 unless given). Expiry is judged
     * by `now`, as in the LMDB backend; the server drops an entry only once it is surely dead, so a
     * clock that is skewed or injected by less than this behaves as it does there.
     */
    expiryGraceMs?: number;
  }
>;

function bound(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new CacheError("CACHE_INVALID_OPTION", `${name} must be a finite number of milliseconds, at least ${min}`);
  }
  return value;
}

/** Opens a cache on a Redis server, with the same `Cache<T>` as `openLmdbCache`. */
export async function openRedisCache<T = unknown>(opts: RedisCacheOptions): Promise<Cache<T>> {
  const { namespace, now, defaultTtl, codec } = checkCommonOptions(opts, "openRedisCache");
  const { url, client, prefix = "cache" } = opts;
  if (url !== undefined && typeof url !== "string") throw new CacheError("CACHE_INVALID_OPTION", "url must be a string");
  if (url !== undefined && client !== undefined) throw new CacheError("CACHE_INVALID_OPTION", "give url or client, not both");
  if (client !== undefined && (typeof client !== "object" || client === null || typeof client.sendCommand !== "function")) {
    throw new CacheError("CACHE_INVALID_OPTION", "client must be a node-redis client");
  }
  if (typeof prefix !== "string") throw new CacheError("CACHE_INVALID_OPTION", "prefix must be a string");
  const connectTimeoutMs = bound(opts.connectTimeoutMs, "connectTimeoutMs", 5000, 1);
  const commandTimeoutMs = bound(opts.commandTimeoutMs, "commandTimeoutMs", 2000, 1);
  const expiryGraceMs = bound(opts.expiryGraceMs, "expiryGraceMs", 1000, 0);
  const redis = await loadRedis();
  let used: RedisClientLike;
  let release = async () => undefined;
  if (client === undefined) {
    const own = await connectOwnClient(redis, { url, connectTimeoutMs });
    used = own;
    // A graceful close waits for the replies still due, but not past the command timeout.
    release = async () => {
      const timer = setTimeout(() => own.destroy(), commandTimeoutMs);
      await own.close().catch(() => own.destroy());
      clearTimeout(timer);
    };
  } else {
    if (!client.isReady) throw new CacheError("CACHE_UNAVAILABLE", "the client given is not connected: call its connect() first");
    used = client;
  }
  const core: RedisCore = {
    redis,
    client: used,
    release,
    prefix,
    now,
    codec,
    defaultTtl,
    compressAbove: NEVER_COMPRESS,
    commandTimeoutMs,
    expiryGraceMs,
    closed: false,
    counts: newCounts(),
    pending: new Map(),
    claims: new Map(),
  };
  return createRedisView<T>(core, namespace);
}
