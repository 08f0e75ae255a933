// The Redis backend as the behaviour suite and the differential test open it: each cache `path` of
// theirs becomes a key prefix of its own on the file's server.
import { openRedisCache } from "../../lib/redis/index.ts";
import type { Cache } from "../../lib/types.ts";
import type { OpenOptions } from "../suite/differences.ts";

/**
 * Long enough that the server never drops an entry during a test: expiry there is judged by the
 * tests' injected clocks alone, as in the LMDB backend (test/redis/ttl.test.ts covers the server's own).
 */
const TEST_GRACE_MS = 10 * 60_000;

export function openOnRedis<T>(url: string, { path, ...rest }: OpenOptions): Promise<Cache<T>> {
  return openRedisCache<T>({ ...rest, url, prefix: path, expiryGraceMs: TEST_GRACE_MS });
}
