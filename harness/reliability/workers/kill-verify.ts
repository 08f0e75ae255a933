// Opens a cache after its writers were killed and writes every entry of the given namespaces to a file,
// for the parent to check against what the writers acknowledged, and checks the expiry index against
// the entries. With `evict` it opens the cache with that bound and eviction "lru", checks the recency
// records too, and then writes a quarter of a bound more, to show the cache goes on evicting.
// Prints {"opened": true, "indexProblems": [...], ...} or the error.
import { writeFileSync } from "node:fs";
import { acquireEnv, releaseEnv } from "../../../lib/env.ts";
import { checkExpiryIndex } from "../../../lib/fixtures/expiry-index-check.ts";
import { checkRecency } from "../../../lib/fixtures/recency-check.ts";
import { openLmdbCache } from "../../../lib/index.ts";
import { evictKey, evictValue } from "../kill-plan.ts";

type Job = { path: string; namespaces: string[]; out: string; durability?: "process" | "fsync"; evict?: { boundBytes: number; valueBytes: number } };
export type KillVerified = {
  opened: boolean;
  code?: string;
  message?: string;
  indexProblems?: string[];
  /** evict: */
  recencyProblems?: string[];
  /** Entries stats() counts against those a walk of every namespace found. */
  counted?: number;
  walked?: number;
  /** Pages in use after a quarter of a bound more was written. */
  bytesAfter?: number;
};
const job = JSON.parse(process.argv[2]!) as Job;

try {
  const bound = job.evict === undefined ? {} : { maxSizeBytes: job.evict.boundBytes, eviction: "lru" as const };
  const cache = await openLmdbCache<unknown>({ path: job.path, durability: job.durability, ...bound });
  const dump: Record<string, [string, unknown][]> = {};
  let walked = 0;
  for (const ns of job.namespaces) {
    const entries: [string, unknown][] = [];
    for await (const pair of cache.withNamespace(ns).entries()) entries.push(pair);
    dump[ns] = entries;
    walked += entries.length;
  }
  writeFileSync(job.out, JSON.stringify(dump));
  const result: KillVerified = { opened: true };
  const env = await acquireEnv(job.path, job.durability ?? "process");
  try {
    result.indexProblems = checkExpiryIndex(env.db).problems.slice(0, 10);
    if (job.evict !== undefined) result.recencyProblems = checkRecency(env.db).problems.slice(0, 10);
  } finally {
    await releaseEnv(env);
  }
  if (job.evict !== undefined) {
    result.counted = (await cache.stats()).entries;
    result.walked = walked;
    const after = cache.withNamespace("after");
    for (let n = 0; n < job.evict.boundBytes / job.evict.valueBytes / 4; n++) await after.set(evictKey(n), evictValue(n, job.evict.valueBytes));
    result.bytesAfter = (await cache.stats()).bytes;
  }
  await cache.close();
  console.log(JSON.stringify(result));
} catch (error) {
  const { code, message } = error as { code?: string; message?: string };
  console.log(JSON.stringify({ opened: false, code: code ?? "untyped", message }));
}
