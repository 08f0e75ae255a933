import { createView } from "./cache.ts";
import { type Core, flushRecency, newCounts } from "./core.ts";
import { acquireEnv } from "./env.ts";
import { checkOptions } from "./options.ts";
import { evict, newHand } from "./eviction.ts";
import { ReadCache } from "./read-cache.ts";
import { Recency } from "./recency.ts";
import { SizeBound } from "./size-bound.ts";
import type { Cache, CacheOptions } from "./types.ts";

export { resetCache } from "./reset.ts";
export { verifyCache, type VerifyResult } from "./verify.ts";
export { migrateFromLevel, type MigrateMismatch, type MigrateOptions, type MigrateProgress, type MigrateSummary } from "./migrate.ts";
export { CacheError, ERROR_CODES, isCacheError, type CacheErrorCode } from "./errors.ts";
export type { BatchOp, Cache, CacheOptions, CacheStats, Compression, Durability, Eviction, GetOrSetOptions, Millis, PutOptions, ValueCodec } from "./types.ts";

/** Opens (or creates) the cache at `opts.path`; any number of processes may hold it open at once. */
export async function openLmdbCache<T = unknown>(opts: CacheOptions): Promise<Cache<T>> {
  const { path, namespace, now, defaultTtl, codec, compressAbove, durability, maxSizeBytes, eviction, readCacheBytes, mode } = checkOptions(opts);
  const env = await acquireEnv(path, durability, mode);
  const hand = newHand();
  const bound =
    maxSizeBytes === undefined
      ? undefined
      : new SizeBound(env.db, maxSizeBytes, eviction === "none" ? undefined : (target) => evict(core, eviction, hand, target));
  const recency = eviction === "lru" ? new Recency(() => flushRecency(core)) : undefined;
  const reads = readCacheBytes > 0 ? new ReadCache(readCacheBytes) : undefined;
  const core: Core = {
    env,
    db: env.db,
    now,
    codec,
    compressAbove,
    defaultTtl,
    bound,
    recency,
    reads,
    closed: false,
    counts: newCounts(),
    pending: new Map(),
    claims: new Map(),
  };
  return createView<T>(core, namespace);
}

/** The same function under level-cache's name: switching is a change of package name only. */
export const openLevelCache = openLmdbCache;
