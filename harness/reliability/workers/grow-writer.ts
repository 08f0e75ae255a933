// Growth campaign worker. "write": puts batches of large values until it has written `targetBytes`
// (or, with a size bound, until its puts keep failing with CACHE_FULL), printing "a <n> <bytes>" per
// acknowledged batch and "e <code> <message>" per failure. "verify": reads every namespace back and
// prints what it found as JSON; with `deleteAfter`, then deletes that many entries of the fuller namespace
// and tries one put.
import { openLmdbCache } from "../../../lib/index.ts";
import { cacheErrorCode } from "../../shared/error-code.ts";
import { growKey, growValue, isGrowValue } from "../growth-plan.ts";

type Job = {
  path: string;
  mode: "write" | "verify";
  ns: string;
  namespaces?: string[];
  targetBytes?: number;
  valueBytes: number;
  perBatch?: number;
  maxSizeBytes?: number;
  fullsToStop?: number;
  deleteAfter?: number;
};
const job = JSON.parse(process.argv[2]!) as Job;

let cache;
try {
  // A bound here tests the refusal contract (CACHE_FULL, nothing lost), so nothing is evicted.
  const bound = job.maxSizeBytes === undefined ? {} : { maxSizeBytes: job.maxSizeBytes, eviction: "none" as const };
  cache = await openLmdbCache<string>({ path: job.path, ...bound });
} catch (error) {
  console.log(`open-failed ${cacheErrorCode(error)} ${(error as Error).message}`);
  process.exit(2);
}
if (job.mode === "write") {
  const view = cache.withNamespace(job.ns);
  let written = 0;
  let fulls = 0;
  for (let n = 0; written < (job.targetBytes ?? Infinity); n++) {
    const ops = [];
    for (let i = 0; i < (job.perBatch ?? 1); i++) ops.push({ type: "put" as const, key: growKey(n, i), value: growValue(job.ns, n, i, job.valueBytes) });
    try {
      await view.batch(ops);
      written += ops.length * job.valueBytes;
      fulls = 0;
      console.log(`a ${n} ${written}`);
    } catch (error) {
      console.log(`e ${cacheErrorCode(error)} ${(error as Error).message.replaceAll("\n", " ")}`);
      if (cacheErrorCode(error) !== "CACHE_FULL" || ++fulls >= (job.fullsToStop ?? 1)) break;
    }
  }
} else {
  const found: Record<string, { count: number; bytes: number; bad: number; keys: string[] }> = {};
  for (const ns of job.namespaces ?? []) {
    const mine = { count: 0, bytes: 0, bad: 0, keys: [] as string[] };
    for await (const [key, value] of cache.withNamespace(ns).entries()) {
      mine.count++;
      mine.bytes += value.length;
      mine.keys.push(key);
      if (!isGrowValue(ns, key, value, job.valueBytes)) mine.bad++;
    }
    found[ns] = mine;
  }
  let afterDelete: string | undefined;
  if (job.deleteAfter !== undefined) {
    // The fuller namespace: on a loaded machine one writer can fill the bound before the other's first put.
    const ns = job.namespaces!.reduce((fuller, other) => (found[other]!.count > found[fuller]!.count ? other : fuller));
    for (const key of found[ns]!.keys.slice(0, job.deleteAfter)) await cache.withNamespace(ns).del(key);
    try {
      await cache.withNamespace(ns).set(growKey(-1, 0), growValue(ns, -1, 0, job.valueBytes));
      afterDelete = "ok";
    } catch (error) {
      afterDelete = cacheErrorCode(error);
    }
  }
  for (const mine of Object.values(found)) mine.keys = mine.keys.length > 100_000 ? [] : mine.keys;
  console.log(JSON.stringify({ found, afterDelete }));
}
await cache.close();
