// A strict TypeScript application, compiled by the consumer check under --module nodenext and under
// --moduleResolution bundler, without skipLibCheck and without @types/node, then run: the package's
// published types stand alone. The app declares the two Node globals it uses itself.
import {
  type BatchOp,
  type Cache,
  type CacheErrorCode,
  type CacheOptions,
  type CacheStats,
  ERROR_CODES,
  type GetOrSetOptions,
  isCacheError,
  type MigrateSummary,
  openLevelCache,
  openLmdbCache,
  resetCache,
  verifyCache,
  type VerifyResult,
} from "@promethean/lmdb-cache";
import { openRedisCache, type RedisCacheOptions } from "@promethean/lmdb-cache/redis";

declare const process: { argv: string[] };
declare const console: { log(...data: unknown[]): void };

type User = { name: string; visits: number };

const options: CacheOptions = { path: process.argv[2]!, defaultTtlMs: 60_000, values: "json" };
const root: Cache<User> = await openLmdbCache<User>(options);
const users = root.withNamespace("users");
// @ts-expect-error the cache holds Users: a number is refused, so the types are not `any`
await users.set("bad", 1);
await users.set("ada", { name: "Ada", visits: 1 }, { ttlMs: 1000 });
const ops: BatchOp<User>[] = [{ type: "put", key: "bob", value: { name: "Bob", visits: 2 } }, { type: "del", key: "bad" }];
await users.batch(ops);
const ada: User | undefined = await users.get("ada");
let visits = 0;
for await (const [, user] of users.entries()) visits += user.visits;
const once: GetOrSetOptions = { ttlMs: 1000, leaseMs: 5000, waitMs: 5000 };
const cyd: User = await users.getOrSet("cyd", async (key) => ({ name: key, visits: 4 }), once);
// A type check only, never called: compute must give a User.
// @ts-expect-error a number is not a User
export const wrongCompute = () => users.getOrSet("bad", async () => 1);
visits += cyd.visits;
await users.del("cyd");
const stats: CacheStats = await root.stats();

let code: CacheErrorCode | undefined;
try {
  await users.get(42 as unknown as string);
} catch (error) {
  if (isCacheError(error)) code = error.code;
}
await root.close();

const verified: VerifyResult = await verifyCache(options.path);
const describe = (summary: MigrateSummary) => `${summary.copied} copied`;
const sameOpen: typeof openLmdbCache = openLevelCache;
const redisOptions: RedisCacheOptions = { url: "redis://127.0.0.1:6379", prefix: "app", namespace: "users", commandTimeoutMs: 500 };
const openRedis: (opts: typeof redisOptions) => Promise<Cache<User>> = openRedisCache<User>;
await resetCache(options.path);
console.log(JSON.stringify({ ada: ada?.name, visits, computes: stats.computes, code, known: ERROR_CODES.includes(code!), entries: verified.entries, describe: typeof describe, sameOpen: sameOpen === openLmdbCache, redis: typeof openRedis }));
