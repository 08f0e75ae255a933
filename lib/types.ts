/** Milliseconds, as level-cache names them. */
export type Millis = number;

/** How a value is turned into bytes. Every record says which codec wrote it, so processes may differ. */
export type ValueCodec = "json" | "structured";

/**
 * Whether this process compresses the values it writes: `false`, or payloads longer than
 * `thresholdBytes` (256 unless given). Every record says whether it is compressed, so processes may differ.
 */
export type Compression = false | Readonly<{ thresholdBytes?: number }>;

/** When a resolved write is safe: after the process dies ("process"), or after the machine loses power ("fsync"). */
export type Durability = "process" | "fsync";

/** What a cache bounded by `maxSizeBytes` deletes to make room (docs/eviction.md). */
export type Eviction = "lru" | "expiry-first" | "none";

export type CacheOptions = Readonly<{
  /** Directory of the cache; created when missing. */
  path: string;
  /** TTL used by `set` and by batch puts that give none. */
  defaultTtlMs?: Millis;
  /** Logical key prefix of the view that `open` returns. */
  namespace?: string;
  /** Clock for expiry, in epoch milliseconds; `Date.now` unless given (tests inject one). */
  now?: () => number;
  /** Value encoding of this process's writes; `"json"` (level-cache's exact behaviour) unless given. */
  values?: ValueCodec;
  /** Compression of this process's writes; see `Compression`. */
  compression?: Compression;
  /** `"process"` unless given: see the README's durability contract. */
  durability?: Durability;
  /**
   * Upper bound, in bytes (one page, 4096, at least), of the pages holding live entries: a put that
   * would pass it first evicts by `eviction`, and rejects with `CACHE_FULL` only when nothing is left to evict.
   */
  maxSizeBytes?: number;
  /**
   * What a bounded cache deletes to make room, after expired entries: the least recently used
   * (`"lru"`, the default with `maxSizeBytes`), those that expire soonest (`"expiry-first"`), or
   * nothing (`"none"`: puts past the bound reject with `CACHE_FULL`). Only with `maxSizeBytes`.
   */
  eviction?: Eviction;
  /**
   * Budget, in bytes of stored records, for the decoded values this open keeps of records it read
   * more than once (4 MiB unless given; 0 turns it off). Every get still reads the stored record.
   */
  readCacheBytes?: number;
  /**
   * Permission bits of the cache's files when this open creates them (0o600 unless given: the
   * owner only); the directory gets search permission where its files get read permission. A
   * cache that several users share takes, for example, 0o660 with a common group. An existing
   * cache keeps its mode.
   */
  mode?: number;
}>;

export type PutOptions = Readonly<{ ttlMs?: Millis }>;

/** How `getOrSet` computes a missing value, and how long it lets others wait for it. */
export type GetOrSetOptions = Readonly<{
  /** TTL of the computed value; the view's `defaultTtlMs` unless given. */
  ttlMs?: Millis;
  /** How long one caller's claim to compute a key holds; after it, another caller may take over (30 s unless given). */
  leaseMs?: Millis;
  /** How long a caller waits for another's computation before rejecting with `CACHE_TIMEOUT` (30 s unless given). */
  waitMs?: Millis;
  /**
   * Probabilistic refresh before expiry (XFetch, Vattani et al., VLDB 2015): the β of its formula.
   * 0 (the default) never refreshes early; 1 is the paper's choice; larger refreshes earlier.
   */
  earlyRefresh?: number;
  /** Random source in [0, 1) for early refresh; `Math.random` unless given (tests inject one). */
  random?: () => number;
}>;

/** What a cache has done since this open, and what it holds. */
export type CacheStats = Readonly<{
  /** Reads through this open (all its views) that found a live entry. */
  hits: number;
  /** Reads through this open that found none, or an expired one. */
  misses: number;
  /** Entries this open wrote: `set`, batch puts, values `getOrSet` computed. */
  sets: number;
  /** Deletes this open asked for: `del` and batch deletes. */
  deletes: number;
  /** Expired entries this open's reads found and deleted (also counted as misses by `get`). */
  expiredOnRead: number;
  /** Computations `getOrSet` ran in this open. */
  computes: number;
  /** Entries stored now, by every process, all namespaces, expired ones not yet deleted included. */
  entries: number;
  /** Bytes of the pages that hold them now. */
  bytes: number;
}>;

export type BatchOp<T> =
  | { type: "put"; key: string; value: T; ttlMs?: Millis }
  | { type: "del"; key: string };

export type Cache<T = unknown> = Readonly<{
  get: (key: string) => Promise<T | undefined>;
  has: (key: string) => Promise<boolean>;
  set: (key: string, value: T, opts?: PutOptions) => Promise<void>;
  del: (key: string) => Promise<void>;
  batch: (ops: ReadonlyArray<BatchOp<T>>) => Promise<void>;
  entries: (opts?: Readonly<{ limit?: number }>) => AsyncGenerator<[string, T]>;
  /**
   * Deletes every entry, all namespaces, expired by now, and resolves with how many: through the
   * expiry index, so at a cost that follows the number expired, not the cache's size.
   */
  sweepExpired: () => Promise<number>;
  /**
   * The value under `key`; when it is missing or expired, `compute(key)` runs once on the whole
   * machine (one caller claims the key, the others wait for its value) and its value is stored.
   */
  getOrSet: (key: string, compute: (key: string) => T | Promise<T>, opts?: GetOrSetOptions) => Promise<T>;
  /** Deletes every entry of this view's namespace (not those of namespaces nested in it), atomically. */
  clear: () => Promise<void>;
  stats: () => Promise<CacheStats>;
  withNamespace: (ns: string) => Cache<T>;
  close: () => Promise<void>;
}>;
