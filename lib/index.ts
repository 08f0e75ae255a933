import { createView } from "./cache.ts";
import { type Core, newCounts } from "./core.ts";
import { acquireEnv, DEFAULT_FILE_MODE } from "./env.ts";
import { DEFAULT_READ_CACHE_BYTES, ReadCache } from "./read-cache.ts";
import { SizeBound } from "./size-bound.ts";
import { CacheError } from "./errors.ts";
import { checkCommonOptions, option } from "./checks.ts";
import type { Cache, CacheOptions, Durability } from "./types.ts";

export { resetCache } from "./reset.ts";
export { verifyCache, type VerifyResult } from "./verify.ts";
export { migrateFromLevel, type MigrateMismatch, type MigrateOptions, type MigrateProgress, type MigrateSummary } from "./migrate.ts";
export { CacheError, ERROR_CODES, isCacheError, type CacheErrorCode } from "./errors.ts";
export type { BatchOp, Cache, CacheOptions, CacheStats, Durability, GetOrSetOptions, Millis, PutOptions, ValueCodec } from "./types.ts";

/** Opens (or creates) the cache at `opts.path`; any number of processes may hold it open at once. */
export async function openLmdbCache<T = unknown>(opts: CacheOptions): Promise<Cache<T>> {
  if (typeof opts !== "object" || opts === null) {
    throw new CacheError("CACHE_INVALID_OPTION", "openLmdbCache takes an options object");
  }
  const { path } = opts;
  if (typeof path !== "string" || path === "") {
    throw new CacheError("CACHE_INVALID_PATH", "path must be a non-empty string");
  }
  const { namespace, now, defaultTtl, codec } = checkCommonOptions(opts, "openLmdbCache");
  const durability = option<Durability>(opts.durability, "durability", ["process", "fsync"], "process");
  const { maxSizeBytes } = opts;
  if (maxSizeBytes !== undefined && !(typeof maxSizeBytes === "number" && maxSizeBytes > 0 && Number.isFinite(maxSizeBytes))) {
    throw new CacheError("CACHE_INVALID_OPTION", "maxSizeBytes must be a positive finite number of bytes");
  }
  const { readCacheBytes = DEFAULT_READ_CACHE_BYTES } = opts;
  if (!(typeof readCacheBytes === "number" && readCacheBytes >= 0 && Number.isFinite(readCacheBytes))) {
    throw new CacheError("CACHE_INVALID_OPTION", "readCacheBytes must be a finite number of bytes, 0 or more");
  }
  const { mode = DEFAULT_FILE_MODE } = opts;
  // The owner must be able to read and write the files it creates; nothing beyond permission bits.
  if (!(Number.isInteger(mode) && mode >= 0 && mode <= 0o777 && (mode & 0o600) === 0o600)) {
    throw new CacheError("CACHE_INVALID_OPTION", "mode must be permission bits (0 to 0o777) that let the owner read and write");
  }
  const env = await acquireEnv(path, durability, mode);
  const bound = maxSizeBytes === undefined ? undefined : new SizeBound(env.db, maxSizeBytes);
  const reads = readCacheBytes > 0 ? new ReadCache(readCacheBytes) : undefined;
  const core: Core = { env, db: env.db, now, codec, defaultTtl, bound, reads, closed: false, counts: newCounts(), pending: new Map(), claims: new Map() };
  return createView<T>(core, namespace);
}

/** The same function under level-cache's name: switching is a change of package name only. */
export const openLevelCache = openLmdbCache;
