/**
 * Reference level-cache: the baseline this project is compared against, NOT the product.
 *
 * Built on `level` from the behaviour description in shared/level-cache-spec.md, quirks included:
 * single-process (LEVEL_LOCKED), unconditional lazy-expiry delete, U+241F aliasing, lone surrogates
 * folded to U+FFFD, astral keys skipped by namespaced entries(), root entries() showing stored keys,
 * `limit` counting raw entries, read errors swallowed by get, and after close get resolving undefined
 * while writes reject with level's not-open error. The only addition is the `now` clock for tests.
 */
import { Level } from "level";
import type { Cache, Millis } from "../../lib/types.ts";

/** level-cache's members: what the library's Cache has besides its additions, and all the reference has. */
export type LevelCacheApi<T> = Readonly<
  Omit<Cache<T>, "getOrSet" | "clear" | "stats" | "withNamespace"> & { withNamespace: (ns: string) => LevelCacheApi<T> }
>;

export type ReferenceLevelCacheOptions = Readonly<{
  path: string;
  defaultTtlMs?: Millis;
  namespace?: string;
  /** Clock in epoch milliseconds (level-cache always uses Date.now; tests inject one). */
  now?: () => number;
}>;

/** The separator between namespace and key in a stored key (SYMBOL FOR UNIT SEPARATOR). */
export const LEVEL_CACHE_SEPARATOR = "\u241F";

/** The envelope level-cache stores as the JSON value: `v` the value, `x` the absolute expiry. */
export type LevelCacheEnvelope = { v?: unknown; x?: unknown };

type Db = Level<string, LevelCacheEnvelope>;

/** The stored key of `key` in the view of namespace `ns`. */
export function levelCacheStoredKey(ns: string, key: string): string {
  return ns ? ns + LEVEL_CACHE_SEPARATOR + key : key;
}

/** Whether an envelope read at time `now` is expired (a numeric `x` at or before now). */
export function isLevelCacheExpired(envelope: LevelCacheEnvelope, now: number): boolean {
  return typeof envelope.x === "number" && envelope.x <= now;
}

/** Opens the reference level-cache at `opts.path`: one opener at a time, like level-cache. */
export async function openReferenceLevelCache<T = unknown>(opts: ReferenceLevelCacheOptions): Promise<LevelCacheApi<T>> {
  const db: Db = new Level<string, LevelCacheEnvelope>(opts.path, { keyEncoding: "utf8", valueEncoding: "json" });
  await db.open();
  return referenceView<T>(db, opts.namespace ?? "", opts.defaultTtlMs, opts.now ?? Date.now);
}

function referenceView<T>(db: Db, namespace: string, defaultTtlMs: Millis | undefined, now: () => number): LevelCacheApi<T> {
  const stored = (key: string) => levelCacheStoredKey(namespace, key);

  const envelope = (value: T, ttlMs: Millis | undefined): LevelCacheEnvelope =>
    typeof ttlMs === "number" ? { v: value, x: now() + ttlMs } : { v: value };

  const get = async (key: string): Promise<T | undefined> => {
    try {
      const env = await db.get(stored(key));
      if (env === undefined) return undefined;
      if (isLevelCacheExpired(env, now())) {
        await db.del(stored(key)).catch(() => undefined);
        return undefined;
      }
      return env.v as T | undefined;
    } catch {
      return undefined;
    }
  };

  async function* entries(opts?: Readonly<{ limit?: number }>): AsyncGenerator<[string, T]> {
    const prefix = namespace ? namespace + LEVEL_CACHE_SEPARATOR : "";
    const range = namespace ? { gte: prefix, lt: prefix + "\uFFFF" } : {};
    const iterator = db.iterator({ ...range, limit: opts?.limit });
    try {
      for await (const [key, env] of iterator) {
        if (isLevelCacheExpired(env, now())) {
          await db.del(key);
          continue;
        }
        yield [key.slice(prefix.length), env.v as T];
      }
    } finally {
      await iterator.close();
    }
  }

  return Object.freeze({
    get,
    has: async (key: string) => (await get(key)) !== undefined,
    set: (key: string, value: T, opts?: Readonly<{ ttlMs?: Millis }>) =>
      db.put(stored(key), envelope(value, opts?.ttlMs ?? defaultTtlMs)),
    del: (key: string) => db.del(stored(key)),
    batch: (ops) =>
      db.batch(
        ops.map((op) =>
          op.type === "put"
            ? { type: "put" as const, key: stored(op.key), value: envelope(op.value, op.ttlMs ?? defaultTtlMs) }
            : // Any other type goes to level as given, which refuses it.
              { type: op.type, key: stored(op.key) },
        ),
      ),
    entries,
    sweepExpired: async () => {
      let deleted = 0;
      for await (const [key, env] of db.iterator()) {
        if (isLevelCacheExpired(env, now())) {
          await db.del(key);
          deleted++;
        }
      }
      return deleted;
    },
    withNamespace: (ns: string) =>
      referenceView<T>(db, ns ? (namespace ? namespace + "/" + ns : ns) : namespace, defaultTtlMs, now),
    close: () => db.close(),
  });
}
