// One configuration of the sweep benchmark, in a fresh process: opens a cache with the library found at
// `lib` (this commit's, or an earlier commit's for the before side), then either fills it and times
// sweepExpired over a given number of expired entries, or times awaited sets. Prints one JSON line.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { SweepJob, SweepRun } from "./sweep.ts";
import { mixSeed, seededRng } from "../shared/rng.ts";

const job = JSON.parse(process.argv[2]!) as SweepJob;
const { openLmdbCache } = (await import(pathToFileURL(join(job.lib, "index.ts")).href)) as typeof import("../../lib/index.ts");

const HOUR = 3_600_000;
const FILL_BATCH = 1000;
const value = "v".repeat(100);
const cache = await openLmdbCache<string>({ path: job.dir });

async function put(keys: (i: number) => string, count: number, ttlMs: number | undefined): Promise<void> {
  for (let at = 0; at < count; at += FILL_BATCH) {
    const ops = [];
    for (let i = at; i < Math.min(count, at + FILL_BATCH); i++) ops.push({ type: "put" as const, key: keys(i), value, ttlMs });
    await cache.batch(ops);
  }
}

// For sweeps every entry has an expiry, so the index holds one record per entry: its largest. Plain
// sets replace entries without one, so that they measure the write path with no index record at all.
const started = performance.now();
await put((i) => `live:${String(i).padStart(8, "0")}`, job.size, job.measure === "set-plain" ? undefined : HOUR);
const fillMs = performance.now() - started;
const result: SweepRun = { fillMs, sweeps: [], setsPerSecond: undefined, cpuUsPerSet: undefined };
if (job.measure === "sweep") {
  // A first sweep, untimed: what is compared is a warm process's sweeps, not its first compilation.
  await put((i) => `warm-up:${i}`, 10, -1);
  await cache.sweepExpired();
  for (let rep = 0; rep < job.reps; rep++) {
    for (const expired of job.expired) {
      // Spread over the key space, as expired entries are: a TTL of -1 ms stores them already expired.
      await put((i) => `live:${String(Math.floor((i * job.size) / expired)).padStart(8, "0")}:gone${rep}`, expired, -1);
      const t = performance.now();
      const removed = await cache.sweepExpired();
      const ms = performance.now() - t;
      if (removed !== expired) throw new Error(`sweepExpired removed ${removed} entries, ${expired} had expired`);
      result.sweeps.push({ expired, rep, ms });
    }
  }
} else {
  const rng = seededRng(mixSeed(job.seed, job.size));
  const ttl = job.measure === "set-ttl" ? { ttlMs: HOUR } : undefined;
  const set = () => cache.set(`live:${String(rng.below(job.size)).padStart(8, "0")}`, value, ttl);
  // Untimed first, as for sweeps: a fresh process's first sets run before its code is compiled.
  for (const warm = performance.now() + job.setMs / 2; performance.now() < warm; ) await set();
  let sets = 0;
  const cpu = process.cpuUsage();
  const t = performance.now();
  const deadline = t + job.setMs;
  while (performance.now() < deadline) {
    await set();
    sets++;
  }
  result.setsPerSecond = sets / ((performance.now() - t) / 1000);
  // The process's own CPU time: on a shared machine, less at the mercy of the others than the wall clock.
  const used = process.cpuUsage(cpu);
  result.cpuUsPerSet = (used.user + used.system) / sets;
}
await cache.close();
console.log(JSON.stringify(result));
