// One configuration of the eviction benchmark, in a fresh process; prints one JSON line.
// - get-off / get-on: awaited gets of Zipf-drawn keys of a filled cache, unbounded or bounded far above
//   its size with "lru" (recency kept, nothing evicted): what remembering reads costs a get.
// - set-off / set-below / set-pressure: awaited sets of new keys into an unbounded cache, into one
//   bounded far above its size (what keeping the bound costs a put that evicts nothing: the estimate,
//   the check inside its transaction, recency), or into one filled to its bound so that sets keep evicting.
// - hit-ratio: a Zipf trace replayed as get-or-set-on-miss against a bounded "lru" cache (its clock
//   moving 1 ms per operation) and against an exact LRU of the same number of entries.
// The timed measures run on the real clock: how often recency is rewritten follows the age of the
// least recently used entry in real time (lib/recency.ts), which a clock moving faster than the
// operations would exaggerate. For gets, the cache is filled AGE_MS in the past by its clock, as a
// cache that has been in use that long is: a freshly filled one rewrites recency far more often.
import type { EvictionJob, EvictionRun } from "./eviction.ts";
import { openLmdbCache } from "../../lib/index.ts";
import { mixSeed, seededRng, zipfSampler } from "../shared/rng.ts";

const job = JSON.parse(process.argv[2]!) as EvictionJob;
const value = "v".repeat(job.valueBytes);
const key = (i: number) => `key:${String(i).padStart(8, "0")}`;
const FAR = 1024 ** 3;

const AGE_MS = 600_000;
let time = 1_700_000_000_000;
let offset = job.measure.startsWith("get") ? -AGE_MS : 0;
const now = job.measure === "hit-ratio" ? () => time : () => Date.now() + offset;
const bounded = job.measure !== "get-off" && job.measure !== "set-off";
const cache = await openLmdbCache<string>({
  path: job.dir,
  now,
  ...(bounded ? { maxSizeBytes: job.measure === "set-pressure" || job.measure === "hit-ratio" ? job.boundBytes : FAR, eviction: "lru" as const } : {}),
});

async function timed(op: (i: number) => Promise<unknown>): Promise<{ opsPerSecond: number; cpuUsPerOp: number }> {
  // Untimed first: a fresh process's first operations run before its code is compiled.
  let i = 0;
  for (const warm = performance.now() + job.ms / 2; performance.now() < warm; ) await op(i++);
  let count = 0;
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (const deadline = t + job.ms; performance.now() < deadline; count++) await op(i++);
  const used = process.cpuUsage(cpu);
  return { opsPerSecond: count / ((performance.now() - t) / 1000), cpuUsPerOp: (used.user + used.system) / count };
}

const rng = seededRng(mixSeed(job.seed, job.keys));
const zipf = zipfSampler(rng, job.keys);
let result: EvictionRun;
if (job.measure === "hit-ratio") {
  const trace = Array.from({ length: job.traceOps }, () => zipf());
  let hits = 0;
  let held = 0;
  let samples = 0;
  for (const [n, k] of trace.entries()) {
    time += 1;
    if ((await cache.get(key(k))) !== undefined) hits++;
    else await cache.set(key(k), value);
    if (n % 1000 === 999) {
      held += (await cache.stats()).entries;
      samples++;
    }
  }
  // The exact LRU holds as many entries as the cache held on average: the same room, counted in entries.
  const capacity = Math.round(held / samples);
  const lru = new Map<number, true>();
  let exactHits = 0;
  for (const k of trace) {
    if (lru.delete(k)) exactHits++;
    else if (lru.size >= capacity) lru.delete(lru.keys().next().value!);
    lru.set(k, true);
  }
  result = { hitRatio: hits / trace.length, exactHitRatio: exactHits / trace.length, capacity };
} else {
  for (let at = 0; at < job.keys; at += 1000) {
    await cache.batch(Array.from({ length: Math.min(1000, job.keys - at) }, (_, i) => ({ type: "put" as const, key: key(at + i), value })));
  }
  offset = 0;
  if (job.measure === "set-pressure") {
    // Filled past the bound by the fill itself: every further set may have to evict.
    for (let i = 0; (await cache.stats()).bytes < job.boundBytes * 0.95; i++) await cache.set(`fill:${i}`, value);
  }
  result = job.measure.startsWith("get")
    ? await timed(() => cache.get(key(zipf())))
    : await timed((i) => cache.set(`new:${i}`, value));
}
await cache.close();
console.log(JSON.stringify(result));
