// Clock-skew campaign worker. The cache's clock is this machine's wall clock plus `offsetMs`.
// "writer": sets k<i> with `ttlMs` at startAt + i*gapMs, then records its invocation and completion
// times (true wall clock) under ack/<i>. "reader": polls the keys near their expiry and measures, on
// the true wall clock, how long past its expiry a value was served and which values went missing early.
import { openLmdbCache } from "../../../lib/index.ts";
import { wallNow } from "../../shared/clock.ts";

type Job = { path: string; role: "writer" | "reader"; offsetMs: number; startAt: number; gapMs: number; count: number; ttlMs: number; windowMs: number };
const job = JSON.parse(process.argv[2]!) as Job;
const cache = await openLmdbCache<unknown>({ path: job.path, now: () => wallNow() + job.offsetMs });
const sleepUntil = async (at: number) => {
  const wait = at - wallNow();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
};

if (job.role === "writer") {
  for (let i = 0; i < job.count; i++) {
    await sleepUntil(job.startAt + i * job.gapMs);
    const t0 = wallNow();
    await cache.set(`k${i}`, { i }, { ttlMs: job.ttlMs });
    const t1 = wallNow();
    await cache.set(`ack/${i}`, [t0, t1]);
  }
  console.log(JSON.stringify({ written: job.count }));
} else {
  const acks = new Map<number, [number, number]>();
  const early = new Set<number>();
  let maxLateMs = -Infinity;
  let maxEarlyMs = 0;
  let reads = 0;
  const end = job.startAt + job.count * job.gapMs + job.ttlMs + job.windowMs + 100;
  await sleepUntil(job.startAt);
  while (wallNow() < end) {
    const now = wallNow();
    const first = Math.max(0, Math.floor((now - job.windowMs - job.ttlMs - job.startAt) / job.gapMs));
    const last = Math.min(job.count - 1, Math.ceil((now + job.windowMs - job.ttlMs - job.startAt) / job.gapMs));
    for (let i = first; i <= last; i++) {
      let ack = acks.get(i);
      if (ack === undefined) {
        ack = (await cache.get(`ack/${i}`)) as [number, number] | undefined;
        if (ack === undefined) continue;
        acks.set(i, ack);
      }
      const [t0, t1] = ack;
      const r0 = wallNow();
      const value = await cache.get(`k${i}`);
      const r1 = wallNow();
      reads++;
      if (value !== undefined) maxLateMs = Math.max(maxLateMs, r0 - (t1 + job.ttlMs));
      else if (r0 > t1 && r1 < t0 + job.ttlMs) {
        early.add(i);
        maxEarlyMs = Math.max(maxEarlyMs, t0 + job.ttlMs - r1);
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  console.log(JSON.stringify({ reads, keys: acks.size, maxLateMs, early: early.size, maxEarlyMs }));
}
await cache.close();
