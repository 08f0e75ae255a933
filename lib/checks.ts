// Checks of callers' input that every backend makes alike, so bad input gets the same typed error
// whatever stores the entries.
import { CacheError } from "./errors.ts";
import { encodeRecord } from "./codec.ts";
import { checkTtl, expiryOf } from "./ttl.ts";
import type { Millis, PutOptions, ValueCodec } from "./types.ts";

export function closedError(): CacheError {
  return new CacheError("CACHE_CLOSED", "the cache is closed");
}

export function checkKey(key: unknown): asserts key is string {
  if (typeof key !== "string") {
    throw new CacheError("CACHE_INVALID_KEY", `a key must be a string, got ${key === null ? "null" : typeof key}`);
  }
}

/** `entries`' limit: Infinity when there is none. */
export function checkLimit(opts: unknown): number {
  if (opts === undefined || opts === null) return Infinity;
  if (typeof opts !== "object") throw new CacheError("CACHE_INVALID_OPTION", "entries options must be an object");
  const { limit } = opts as { limit?: unknown };
  if (limit === undefined || limit === null) return Infinity;
  if (typeof limit !== "number") throw new CacheError("CACHE_INVALID_OPTION", `limit must be a number, got ${typeof limit}`);
  // As in level's iterators: a limit that is not a whole number of zero or more means no limit.
  return Number.isInteger(limit) && limit >= 0 ? limit : Infinity;
}

/** The TTL a put takes: its own, else the open's default. */
function checkPutOptions(opts: unknown, defaultTtl: Millis | undefined): Millis | undefined {
  if (opts === undefined || opts === null) return defaultTtl;
  if (typeof opts !== "object") throw new CacheError("CACHE_INVALID_OPTION", "put options must be an object");
  const ttl = checkTtl((opts as PutOptions).ttlMs, "ttlMs");
  return ttl ?? defaultTtl;
}

/** What a backend's `set` needs to make its record; `compressAbove` is Infinity where nothing is compressed. */
export type PutSettings = { readonly codec: ValueCodec; readonly defaultTtl: Millis | undefined; readonly now: () => number; readonly compressAbove: number };

/** `set`'s key and options checked, and the record of its value with the TTL they give. */
export function preparePut(
  settings: PutSettings,
  key: unknown,
  value: unknown,
  opts: unknown,
): { key: string; ttl: Millis | undefined; expiry: number | undefined; record: Buffer } {
  checkKey(key);
  const ttl = checkPutOptions(opts, settings.defaultTtl);
  const expiry = expiryOf(ttl, settings.now());
  return { key, ttl, expiry, record: encodeRecord(value, settings.codec, expiry, settings.compressAbove) };
}

/** A put or a del of a batch, checked: the key, and for a put its value and TTL. */
export type CheckedOp = { type: "put"; key: string; value: unknown; ttl: Millis | undefined } | { type: "del"; key: string };

export function checkBatch(ops: unknown, defaultTtl: Millis | undefined): CheckedOp[] {
  if (!Array.isArray(ops)) throw new CacheError("CACHE_INVALID_BATCH", "batch takes an array of operations");
  return ops.map((op: unknown, index): CheckedOp => {
    if (typeof op !== "object" || op === null) {
      throw new CacheError("CACHE_INVALID_BATCH", `operation ${index} is not an object`);
    }
    const { type, key, value, ttlMs } = op as { type?: unknown; key?: unknown; value?: unknown; ttlMs?: unknown };
    checkKey(key);
    if (type === "del") return { type, key };
    if (type !== "put") throw new CacheError("CACHE_INVALID_BATCH", `operation ${index} has unknown type ${String(type)}`);
    return { type, key, value, ttl: checkTtl(ttlMs, `ttlMs of operation ${index}`) ?? defaultTtl };
  });
}

export function option<V>(value: unknown, name: string, allowed: readonly V[], fallback: V): V {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as V)) {
    throw new CacheError("CACHE_INVALID_OPTION", `${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
  }
  return value as V;
}

/** The open options every backend takes, checked. */
export type CommonOptions = { namespace: string; now: () => number; defaultTtl: Millis | undefined; codec: ValueCodec };

export function checkCommonOptions(opts: unknown, opener: string): CommonOptions {
  if (typeof opts !== "object" || opts === null) {
    throw new CacheError("CACHE_INVALID_OPTION", `${opener} takes an options object`);
  }
  const { namespace = "", now = Date.now, defaultTtlMs, values } = opts as Record<string, unknown>;
  if (typeof namespace !== "string") throw new CacheError("CACHE_INVALID_OPTION", "namespace must be a string");
  if (typeof now !== "function") throw new CacheError("CACHE_INVALID_OPTION", "now must be a function");
  let defaultTtl;
  try {
    defaultTtl = checkTtl(defaultTtlMs, "defaultTtlMs");
  } catch (error) {
    throw new CacheError("CACHE_INVALID_OPTION", (error as Error).message, { cause: error });
  }
  const codec = option<ValueCodec>(values, "values", ["json", "structured"], "json");
  return { namespace, now: now as () => number, defaultTtl, codec };
}

/** The namespace of `withNamespace(ns)` on a view of `namespace`: nested namespaces join with "/". */
export function nestedNamespace(namespace: string, ns: unknown): string {
  if (typeof ns !== "string") throw new CacheError("CACHE_INVALID_OPTION", "a namespace must be a string");
  return ns ? (namespace ? `${namespace}/${ns}` : ns) : namespace;
}
