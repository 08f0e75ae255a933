import { DEFAULT_COMPRESS_ABOVE, DEFAULT_COMPRESSION_THRESHOLD, NEVER_COMPRESS } from "./codec.ts";
import { DEFAULT_FILE_MODE } from "./env.ts";
import { CacheError } from "./errors.ts";
import { DEFAULT_READ_CACHE_BYTES } from "./read-cache.ts";
import { checkTtl } from "./ttl.ts";
import type { CacheOptions, Durability, Millis, ValueCodec } from "./types.ts";

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
  readCacheBytes: number;
  mode: number;
};

function option<V>(value: unknown, name: string, allowed: readonly V[], fallback: V): V {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as V)) {
    throw new CacheError("CACHE_INVALID_OPTION", `${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
  }
  return value as V;
}

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
  const { path, namespace = "", now = Date.now } = opts;
  if (typeof path !== "string" || path === "") {
    throw new CacheError("CACHE_INVALID_PATH", "path must be a non-empty string");
  }
  if (typeof namespace !== "string") throw new CacheError("CACHE_INVALID_OPTION", "namespace must be a string");
  if (typeof now !== "function") throw new CacheError("CACHE_INVALID_OPTION", "now must be a function");
  let defaultTtl;
  try {
    defaultTtl = checkTtl(opts.defaultTtlMs, "defaultTtlMs");
  } catch (error) {
    throw new CacheError("CACHE_INVALID_OPTION", (error as Error).message, { cause: error });
  }
  const codec = option<ValueCodec>(opts.values, "values", ["json", "structured"], "json");
  const compress = compressAbove(opts.compression);
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
  return { path, namespace, now, defaultTtl, codec, compressAbove: compress, durability, maxSizeBytes, readCacheBytes, mode };
}
