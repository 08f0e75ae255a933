import { DEFAULT_COMPRESS_ABOVE, DEFAULT_COMPRESSION_THRESHOLD, NEVER_COMPRESS } from "./codec.ts";
import { DEFAULT_FILE_MODE } from "./env.ts";
import { CacheError } from "./errors.ts";
import { EVICTIONS } from "./eviction.ts";
import { DEFAULT_READ_CACHE_BYTES } from "./read-cache.ts";
import { MIN_BOUND_BYTES } from "./size-bound.ts";
import { checkCommonOptions, option } from "./checks.ts";
import type { CacheOptions, Durability, Eviction, Millis, ValueCodec } from "./types.ts";

/** Open options with every default filled in, checked. */
export type CheckedOptions = {
  path: string;
  namespace: string;
  now: () => number;
  defaultTtl: Millis | undefined;
  codec: ValueCodec;
  /** Payloads longer than this are compressed; `NEVER_COMPRESS` when compression is off. */
  compressAbove: number;
  durability: Durability;
  maxSizeBytes: number | undefined;
  /** "none" when there is no bound. */
  eviction: Eviction;
  readCacheBytes: number;
  mode: number;
};

function compressAbove(given: unknown): number {
  if (given === undefined) return DEFAULT_COMPRESS_ABOVE;
  if (given === false) return NEVER_COMPRESS;
  if (typeof given !== "object" || given === null) {
    throw new CacheError("CACHE_INVALID_OPTION", "compression must be false or an object { thresholdBytes? }");
  }
  const { thresholdBytes = DEFAULT_COMPRESSION_THRESHOLD } = given as { thresholdBytes?: unknown };
  if (!(typeof thresholdBytes === "number" && Number.isInteger(thresholdBytes) && thresholdBytes >= 0)) {
    throw new CacheError("CACHE_INVALID_OPTION", "compression.thresholdBytes must be a whole number of bytes, 0 or more");
  }
  return thresholdBytes;
}

/**
 * Checks open options without touching the filesystem, so that a caller which opens later (the keyv
 * store opens on first use) can refuse bad options at once. `what` names the caller in the messages.
 */
export function checkOptions(given: unknown, what = "openLmdbCache"): CheckedOptions {
  if (typeof given !== "object" || given === null) {
    throw new CacheError("CACHE_INVALID_OPTION", `${what} takes an options object`);
  }
  const opts = given as CacheOptions;
  const { path } = opts;
  if (typeof path !== "string" || path === "") {
    throw new CacheError("CACHE_INVALID_PATH", "path must be a non-empty string");
  }
  const { namespace, now, defaultTtl, codec } = checkCommonOptions(opts, what);
  const compress = compressAbove(opts.compression);
  const durability = option<Durability>(opts.durability, "durability", ["process", "fsync"], "process");
  const { maxSizeBytes } = opts;
  if (maxSizeBytes !== undefined && !(typeof maxSizeBytes === "number" && maxSizeBytes > 0 && Number.isFinite(maxSizeBytes))) {
    throw new CacheError("CACHE_INVALID_OPTION", "maxSizeBytes must be a positive finite number of bytes");
  }
  if (maxSizeBytes !== undefined && maxSizeBytes < MIN_BOUND_BYTES) {
    throw new CacheError("CACHE_INVALID_OPTION", `maxSizeBytes must be at least one page (${MIN_BOUND_BYTES} bytes)`);
  }
  const eviction = option<Eviction>(opts.eviction, "eviction", EVICTIONS, maxSizeBytes === undefined ? "none" : "lru");
  // A policy without a bound would never run: refused, so that a forgotten bound does not pass unnoticed.
  if (opts.eviction !== undefined && maxSizeBytes === undefined) {
    throw new CacheError("CACHE_INVALID_OPTION", "eviction takes effect only with maxSizeBytes");
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
  return { path, namespace, now, defaultTtl, codec, compressAbove: compress, durability, maxSizeBytes, eviction, readCacheBytes, mode };
}
