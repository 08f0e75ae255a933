// Campaign 2: reader processes SIGKILLed while an entries() iteration holds a read snapshot, while
// writers keep overwriting. New processes must still open and read, the dead readers' slots must be
// reclaimed (lmdb-js runs LMDB's reader check when a process opens), and the file must not keep
// growing. A second phase measures what happens when dead snapshots are left and nobody opens.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { atLeast, type CampaignContext, type CampaignFindings, zero } from "./campaign.ts";
import { type Child, runChild, startChild } from "../shared/child.ts";
import type { KillWriterJob } from "./kill-plan.ts";
import { readLockTable, staleSlots } from "./lock-file.ts";
import { seededRng } from "../shared/rng.ts";
import { round } from "../shared/stats.ts";

export type StaleSettings = { readers: number; concurrency: number; quietKills: number; quietSeconds: number };

const KEY_SPACE = 2000;
const VALUE_BYTES = 1000;
const WRITES_PER_SECOND = 2000;
const MiB = 1024 * 1024;

type Probe = { ok: boolean; code?: string; message?: string; found?: boolean; entry?: boolean };

/** Starts a child and resolves once it prints `word` (or ends first, with false). */
function startUntil(script: string, job: unknown, word: string, onLine?: (line: string) => void): { child: Child; reached: Promise<boolean> } {
  let reach: (value: boolean) => void = () => {};
  const reached = new Promise<boolean>((resolve) => (reach = resolve));
  const child = startChild(script, job, (line) => {
    onLine?.(line);
    if (line.startsWith(word)) reach(true);
  });
  void child.exited.then(() => reach(false));
  return { child, reached };
}

export async function runStaleReaders(context: CampaignContext, settings: StaleSettings): Promise<CampaignFindings> {
  const rng = seededRng(context.seed ^ 0x72656164);
  const dir = mkdtempSync(join(tmpdir(), "reliability-stale-"));
  const path = join(dir, "cache");
  const size = () => statSync(join(path, "data.mdb")).size;
  const failures: string[] = [];
  const writers: Child[] = [];
  const holders: Child[] = [];
  try {
    // Two writers overwrite a fixed set of keys: the live data stays the same size, so any growth
    // of the file is pages kept for snapshots.
    let passes = 0;
    for (let w = 0; w < 2; w++) {
      const job: KillWriterJob = { path, mode: "churn", ns: "", seed: context.seed + w, keySpace: KEY_SPACE, valueBytes: VALUE_BYTES, ratePerSecond: WRITES_PER_SECOND };
      writers.push(
        startChild(context.bundles.script("kill-writer"), job, (line) => {
          const [tag, n] = line.split(" ");
          if (tag === "a" && Number(n) >= KEY_SPACE * 2) passes++;
        }),
      );
    }
    while (passes < 2) await sleep(20);
    const baseline = size();
    context.log(`stale readers: writers running, data file ${round(baseline / MiB)} MiB`);

    let killed = 0;
    let confirmed = 0;
    let openFailures = 0;
    let maxStale = 0;
    let maxSize = baseline;
    const killedPids: number[] = [];
    const sizes: number[] = [];
    const hold = async () => {
      let report: Probe | undefined;
      const { child, reached } = startUntil(
        context.bundles.script("stale-reader"),
        { path, mode: "hold", pauseAfter: rng.int(1, 1500) },
        "holding",
        (line) => {
          if (line.startsWith("{")) report = JSON.parse(line) as Probe;
        },
      );
      if (!(await reached)) {
        openFailures++;
        failures.push(`reader could not open or read: ${report?.code ?? "no report"} ${report?.message ?? ""} ${(await child.exited).stderr.slice(-200)}`);
        return;
      }
      const mine = readLockTable(path).readers.find((slot) => slot.pid === child.pid);
      if (mine?.txnId !== undefined) confirmed++;
      child.kill();
      const exit = await child.exited;
      if (exit.signal === "SIGKILL") {
        killed++;
        killedPids.push(child.pid);
      }
    };
    let next = 0;
    const lane = async () => {
      // Until enough readers died holding a snapshot; a reader that failed to open is counted, then replaced.
      while (killed + openFailures < settings.readers * 2 && next < settings.readers + openFailures) {
        next++;
        await hold();
        if (killed % 25 === 0) {
          const now = size();
          sizes.push(now);
          maxSize = Math.max(maxSize, now);
          maxStale = Math.max(maxStale, staleSlots(readLockTable(path)).length);
        }
      }
    };
    await Promise.all(Array.from({ length: settings.concurrency }, lane));
    const lastKill = performance.now();
    const staleBefore = staleSlots(readLockTable(path)).length;
    maxStale = Math.max(maxStale, staleBefore);
    const probe = await runChild<Probe>(context.bundles.script("stale-reader"), { path, mode: "probe", key: "k1" });
    const recoverSeconds = (performance.now() - lastKill) / 1000;
    if (probe.result?.ok !== true || probe.result.found !== true) {
      openFailures++;
      failures.push(`probe after the last kill failed: ${JSON.stringify(probe.result)} ${probe.stderr.slice(-200)}`);
    }
    const table = readLockTable(path);
    const staleAfter = staleSlots(table).length;
    const present = new Set(table.readers.map((slot) => slot.pid));
    const reclaimed = killedPids.filter((pid) => !present.has(pid)).length;
    const endSize = size();
    maxSize = Math.max(maxSize, endSize);
    const half = sizes[Math.floor(sizes.length / 2)] ?? baseline;
    context.log(`stale readers: ${killed} killed, ${reclaimed} slots reclaimed, file ${round(endSize / MiB)} MiB`);

    // Dead snapshots left behind while nobody opens the cache: LMDB keeps every page they might read.
    // On a fresh cache, so that no free pages from the phase above can absorb the writes.
    const quiet = join(dir, "quiet");
    const quietWriters: Child[] = [];
    let quietPasses = 0;
    for (let w = 0; w < 2; w++) {
      const job: KillWriterJob = { path: quiet, mode: "churn", ns: "", seed: context.seed + 10 + w, keySpace: KEY_SPACE, valueBytes: VALUE_BYTES, ratePerSecond: WRITES_PER_SECOND };
      quietWriters.push(
        startChild(context.bundles.script("kill-writer"), job, (line) => {
          const [tag, n] = line.split(" ");
          if (tag === "a" && Number(n) >= KEY_SPACE * 2) quietPasses++;
        }),
      );
    }
    writers.push(...quietWriters);
    while (quietPasses < 2) await sleep(20);
    const quietSize = () => statSync(join(quiet, "data.mdb")).size;
    for (let i = 0; i < settings.quietKills; i++) {
      const { child, reached } = startUntil(context.bundles.script("stale-reader"), { path: quiet, mode: "hold", pauseAfter: 1 }, "holding");
      holders.push(child);
      await reached;
    }
    for (const child of holders) child.kill();
    await Promise.all(holders.map((c) => c.exited));
    const pinned = staleSlots(readLockTable(quiet)).filter((slot) => slot.txnId !== undefined).length;
    const quietStart = quietSize();
    await sleep(settings.quietSeconds * 1000);
    const quietEnd = quietSize();
    const checker = startUntil(context.bundles.script("stale-reader"), { path: quiet, mode: "reader-check", everyMs: 200 }, "ready");
    await checker.reached;
    const checkedStart = quietSize();
    await sleep(settings.quietSeconds * 1000);
    const checkedEnd = quietSize();
    checker.child.kill();
    await checker.child.exited;
    const growthUnchecked = (quietEnd - quietStart) / MiB;
    const growthChecked = (checkedEnd - checkedStart) / MiB;
    context.log(`stale readers: ${round(growthUnchecked)} MiB growth with dead snapshots, ${round(growthChecked)} MiB with reader checks`);

    return {
      id: "stale-readers",
      title: "Stale readers",
      figures: [
        { name: "readers killed holding a snapshot", value: killed, rule: atLeast(settings.readers) },
        { name: "of them, snapshot seen in the lock file at the kill", value: confirmed, rule: atLeast(settings.readers) },
        { name: "new processes that failed to open or read", value: openFailures, rule: zero },
        { name: "slots reclaimed (dead readers' slots cleared)", value: reclaimed, rule: atLeast(killed) },
        { name: "stale slots left after the next open", value: staleAfter, rule: zero },
        { name: "most stale slots at once", value: maxStale },
        { name: "seconds to recover (last kill to a fresh process reading)", value: round(recoverSeconds, 3), unit: "s" },
        { name: "data file at start", value: round(baseline / MiB), unit: "MiB" },
        { name: "data file growth, first half of the kills", value: round((half - baseline) / MiB), unit: "MiB" },
        { name: "data file growth, second half of the kills", value: round((endSize - half) / MiB), unit: "MiB" },
        { name: "data file growth, largest over the campaign", value: round((maxSize - baseline) / MiB), unit: "MiB" },
        { name: `growth in ${settings.quietSeconds} s with ${pinned} dead snapshots and no new process`, value: round(growthUnchecked), unit: "MiB" },
        { name: `growth in ${settings.quietSeconds} s with a reader check every 200 ms`, value: round(growthChecked), unit: "MiB" },
      ],
      tables: [],
      notes: [
        `Two writers overwrite ${KEY_SPACE} keys of ${VALUE_BYTES} bytes throughout, ${WRITES_PER_SECOND} writes per second each, so the live data does not grow; ${settings.concurrency} readers at a time open, stop an entries() iteration part-way and are SIGKILLed. Every reader that opens runs LMDB's reader check (lmdb-js does at open), so dead readers' slots are cleared by the next process that opens.`,
        `When no process opens, nothing clears them: with ${pinned} dead snapshots the writers' freed pages cannot be reused and the file grew ${round(growthUnchecked)} MiB in ${settings.quietSeconds} s; with a reader check every 200 ms it grew ${round(growthChecked)} MiB over the same time.`,
      ],
      failures,
    };
  } finally {
    for (const child of [...writers, ...holders]) child.kill();
    await Promise.all([...writers, ...holders].map((c) => c.exited));
    rmSync(dir, { recursive: true, force: true });
  }
}
