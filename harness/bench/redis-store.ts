// The Redis backend in the benchmarks: the run's one redis-server (loopback, started by measure()), and a
// cache `dir` that names a data set as the key prefix of its entries. Where the other backends copy a
// data set's files, a Redis data set is copied through the cache itself: entries() into batch().
import { openRedisCache } from "../../lib/redis/index.ts";
import type { BatchOp } from "../../lib/types.ts";
import type { Profile } from "./dataset.ts";

/** The run's server, passed to the worker processes, which inherit the environment. */
export const REDIS_URL_ENV = "LMDB_CACHE_BENCH_REDIS_URL";

const CHUNK = 1000;

export function openRedisBench(dir: string) {
  const url = process.env[REDIS_URL_ENV];
  if (url === undefined) throw new Error(`the redis-cache backend needs a server: ${REDIS_URL_ENV} is not set`);
  return openRedisCache<Profile>({ url, prefix: dir });
}

/** Streams the data set `from` into `apply` a chunk of batch operations at a time. */
async function eachChunk(from: string, op: (key: string, value: Profile) => BatchOp<Profile>, apply: (ops: BatchOp<Profile>[]) => Promise<void>) {
  const source = await openRedisBench(from);
  try {
    let ops: BatchOp<Profile>[] = [];
    for await (const [key, value] of source.entries()) {
      ops.push(op(key, value));
      if (ops.length === CHUNK) await apply(ops.splice(0));
    }
    if (ops.length > 0) await apply(ops);
  } finally {
    await source.close();
  }
}

export async function copyRedisData(from: string, to: string): Promise<void> {
  const target = await openRedisBench(to);
  try {
    await eachChunk(from, (key, value) => ({ type: "put", key, value }), (ops) => target.batch(ops));
  } finally {
    await target.close();
  }
}

export async function removeRedisData(dir: string): Promise<void> {
  const store = await openRedisBench(dir);
  try {
    // The deletes go through another open: entries() lists every key before it reads any.
    await eachChunk(dir, (key) => ({ type: "del", key }), (ops) => store.batch(ops));
  } finally {
    await store.close();
  }
}
