/** Milliseconds, as level-cache names them. */
export type Millis = number;

/** How a value is turned into bytes. Every record says which codec wrote it, so processes may differ. */
export type ValueCodec = "json" | "structured";

/** When a resolved write is safe: after the process dies ("process"), or after the machine loses power ("fsync"). */
export type Durability = "process" | "fsync";

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
  /** `"process"` unless given: see the README's durability contract. */
  durability?: Durability;
  /** Upper bound, in bytes, of the pages holding live entries; puts past it reject with `CACHE_FULL`. */
  maxSizeBytes?: number;
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
  sweepExpired: () => Promise<number>;
  withNamespace: (ns: string) => Cache<T>;
  close: () => Promise<void>;
}>;
