// level-cache's public types, written out from its description, against this library's: code written
// against level-cache compiles against this library, whose Cache has level-cache's members with their
// exact types, plus getOrSet, clear and stats. Checked by tsc.
import { expectTypeOf } from "vitest";
import { type Cache, type CacheOptions, type Millis, openLevelCache, type PutOptions } from "./index.ts";

type LevelMillis = number;
type LevelCacheOptions = Readonly<{ path: string; defaultTtlMs?: LevelMillis; namespace?: string }>;
type LevelPutOptions = Readonly<{ ttlMs?: LevelMillis }>;
type LevelCache<T = unknown> = Readonly<{
  get: (key: string) => Promise<T | undefined>;
  has: (key: string) => Promise<boolean>;
  set: (key: string, value: T, opts?: LevelPutOptions) => Promise<void>;
  del: (key: string) => Promise<void>;
  batch: (
    ops: ReadonlyArray<{ type: "put"; key: string; value: T; ttlMs?: LevelMillis } | { type: "del"; key: string }>,
  ) => Promise<void>;
  entries: (opts?: Readonly<{ limit?: number }>) => AsyncGenerator<[string, T]>;
  sweepExpired: () => Promise<number>;
  withNamespace: (ns: string) => LevelCache<T>;
  close: () => Promise<void>;
}>;
type OpenLevelCache = <T = unknown>(opts: LevelCacheOptions) => Promise<LevelCache<T>>;

/** Ours is a level-cache Cache, for every T. */
export function cachesAssign<T>(ours: Cache<T>): LevelCache<T> {
  return ours;
}

/** The members this library adds; nothing else differs. */
type Additions = "getOrSet" | "clear" | "stats";
type Shared<T> = Omit<Cache<T>, Additions | "withNamespace">;

export function optionsAssignBothWays(ours: CacheOptions, theirs: LevelCacheOptions): [LevelCacheOptions, CacheOptions] {
  return [ours, theirs];
}

export function putOptionsAssignBothWays(ours: PutOptions, theirs: LevelPutOptions): [LevelPutOptions, PutOptions] {
  return [ours, theirs];
}

export function factoriesAssign(): OpenLevelCache {
  return openLevelCache;
}

// level-cache's members and the additions, no more, no fewer; level-cache's types for concrete T too.
expectTypeOf<keyof Cache>().toEqualTypeOf<keyof LevelCache | Additions>();
expectTypeOf<Shared<{ n: number }>>().toEqualTypeOf<Omit<LevelCache<{ n: number }>, "withNamespace">>();
expectTypeOf<Shared<string | null>>().toEqualTypeOf<Omit<LevelCache<string | null>, "withNamespace">>();
expectTypeOf<ReturnType<Cache<string>["withNamespace"]>>().toEqualTypeOf<Cache<string>>();
expectTypeOf<Millis>().toEqualTypeOf<LevelMillis>();
expectTypeOf<PutOptions>().toEqualTypeOf<LevelPutOptions>();
// Our options are level-cache's plus optional extras.
expectTypeOf<LevelCacheOptions>().toExtend<CacheOptions>();
expectTypeOf<Pick<CacheOptions, keyof LevelCacheOptions>>().toEqualTypeOf<LevelCacheOptions>();

/** Code written against level-cache, unchanged, given this library's factory. */
export async function levelCacheApplication(open: OpenLevelCache): Promise<number> {
  const cache = await open<{ n: number }>({ path: "/tmp/app", defaultTtlMs: 5_000, namespace: "app" });
  const users = cache.withNamespace("users");
  await users.set("u1", { n: 1 }, { ttlMs: 100 });
  await users.batch([
    { type: "put", key: "u2", value: { n: 2 } },
    { type: "put", key: "u3", value: { n: 3 }, ttlMs: 10 },
    { type: "del", key: "u1" },
  ]);
  const one: { n: number } | undefined = await users.get("u2");
  const present: boolean = await users.has("u3");
  let total = (one?.n ?? 0) + Number(present);
  for await (const [key, value] of users.entries({ limit: 10 })) total += key.length + value.n;
  const swept: number = await cache.sweepExpired();
  await users.del("u2");
  await cache.close();
  return total + swept;
}
export const compilesAgainstThisLibrary = () => levelCacheApplication(openLevelCache);

// The checks bite: a different value type or a missing member is refused.
// @ts-expect-error get would return strings where level-cache code expects numbers
export const wrongValue: LevelCache<number> = {} as Cache<string>;
// @ts-expect-error a cache without sweepExpired is not this library's Cache
export const missingMember: Cache<number> = {} as Omit<LevelCache<number>, "sweepExpired">;
