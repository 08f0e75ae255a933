// The lifecycle campaign's side of its workers: what each one told (rounds, acknowledged writes,
// errors, the kill), a watchdog for workers that go silent, bounded waits for their ends, and the
// fresh process that checks at the end that every acknowledged write is there.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CampaignContext } from "./campaign.ts";
import { type Child, type Exit, runChild, startChild } from "../shared/child.ts";
import { keeps, PHASES, type Phase, slotKey, STUCK_MS, type Verified, type VerifyJob } from "./lifecycle-plan.ts";
import { monotonicNow } from "../shared/clock.ts";

export type WorkerError = { stage: string; code: string; message: string };

export type Tally = {
  label: string;
  rounds: Record<string, number>;
  /** The last acknowledged write of each key: its writer and its number. */
  acks: Map<string, { owner: string; n: number }>;
  ackCount: number;
  /** Acknowledged writes by writer (the main thread and each worker thread of one process write as different writers). */
  acksBy: Record<string, number>;
  errors: WorkerError[];
  /** Rounds or steps the worker itself timed past STUCK_MS. */
  slow: string[];
  kill?: { phase: Phase; at: number };
  done: boolean;
  /** When the parent last heard from it, and last heard of a round or a write that worked. */
  lastLineAt: number;
  lastProgressAt: number;
  /** Killed by the watchdog or by a bounded wait. */
  stuck: boolean;
  exit?: Exit;
};

export type Watched = { child: Child; tally: Tally };

function record(tally: Tally, text: string): void {
  const now = monotonicNow();
  tally.lastLineAt = now;
  const [tag, a, b] = text.split(" ");
  if (tag === "r") {
    tally.rounds[a!] = (tally.rounds[a!] ?? 0) + 1;
    tally.lastProgressAt = now;
  } else if (tag === "a") {
    const n = Number(b);
    tally.acks.set(slotKey(a!, n), { owner: a!, n });
    tally.ackCount++;
    tally.acksBy[a!] = (tally.acksBy[a!] ?? 0) + 1;
    tally.lastProgressAt = now;
  } else if (tag === "e") {
    const rest = text.split(" ").slice(3).join(" ");
    tally.errors.push({ stage: a!, code: b!, message: rest });
  } else if (tag === "slow") {
    tally.slow.push(`${a} took ${b} ms`);
  } else if (tag === "k") {
    tally.kill = { phase: PHASES[Number(a)] ?? "between", at: Number(b) };
  } else if (tag === "done") {
    tally.done = true;
  }
}

export function watch(script: string, job: unknown, label: string): Watched {
  const now = monotonicNow();
  const tally: Tally = { label, rounds: {}, acks: new Map(), ackCount: 0, acksBy: {}, errors: [], slow: [], done: false, lastLineAt: now, lastProgressAt: now, stuck: false };
  const child = startChild(script, job, (text) => record(tally, text));
  void child.exited.then((exit) => (tally.exit = exit));
  return { child, tally };
}

/** SIGKILLs, and marks stuck, any watched worker that has said nothing for STUCK_MS. */
export function startWatchdog(fleet: readonly Watched[]): () => void {
  const timer = setInterval(() => {
    for (const { child, tally } of fleet) {
      if (tally.exit !== undefined || tally.stuck || tally.kill !== undefined) continue;
      if (monotonicNow() - tally.lastLineAt > STUCK_MS) {
        tally.stuck = true;
        child.kill();
      }
    }
  }, 500);
  return () => clearInterval(timer);
}

/** Waits up to `ms` for every worker to end; the ones still running are SIGKILLed and marked stuck. */
export async function finish(fleet: readonly Watched[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([Promise.all(fleet.map((w) => w.child.exited)), late]);
  clearTimeout(timer);
  for (const { child, tally } of fleet) {
    if (tally.exit !== undefined) continue;
    tally.stuck = true;
    child.kill();
  }
  await Promise.all(fleet.map((w) => w.child.exited));
}

/** A worker that ended other than by finishing its job (and not by a planned kill or the watchdog). */
export function diedOf(tally: Tally): string | undefined {
  if (tally.stuck || tally.kill !== undefined) return undefined;
  if (tally.done && tally.exit?.exitCode === 0) return undefined;
  return `${tally.label} ended with ${tally.exit?.signal ?? `exit ${tally.exit?.exitCode}`}${tally.done ? "" : " before finishing"}: ${tally.exit?.stderr.slice(-300) ?? ""}`;
}

export const errorsOf = (tallies: readonly Tally[], stage: (stage: string) => boolean) =>
  tallies.flatMap((t) => t.errors.filter((e) => stage(e.stage)).map((e) => ({ ...e, label: t.label })));

export const workerErrorText = (e: WorkerError & { label: string }) => `${e.label} ${e.stage}: ${e.code} ${e.message}`;

export type FreshCheck = {
  /** The fresh process could not open, write or read (or did not end within STUCK_MS). */
  failed: string | undefined;
  checked: number;
  lost: string[];
};

/** A fresh process opens the cache, writes and reads, and dumps it: every acknowledged write must be there. */
export async function checkWithFreshProcess(context: CampaignContext, dir: string, path: string, tallies: readonly Tally[]): Promise<FreshCheck> {
  const out = join(dir, "dump.json");
  const job: VerifyJob = { role: "verify", path, out };
  const run = await runChild<Verified>(context.bundles.script("lifecycle-process"), job, { timeoutMs: STUCK_MS });
  const verified = run.result;
  const acks = new Map<string, { owner: string; n: number }>();
  for (const tally of tallies) for (const [key, ack] of tally.acks) acks.set(key, ack);
  if (verified === undefined || !verified.opened || !verified.wrote || !verified.read || verified.code !== undefined) {
    const why = run.timedOut ? `no answer within ${STUCK_MS} ms` : verified === undefined ? `${run.signal ?? `exit ${run.exitCode}`} ${run.stderr.slice(-300)}` : JSON.stringify(verified);
    // Nothing to compare against: the failure is counted on its own, the writes as not checked.
    return { failed: why, checked: 0, lost: [] };
  }
  const stored = new Map(JSON.parse(readFileSync(out, "utf8")) as [string, unknown][]);
  const lost: string[] = [];
  for (const [key, { owner, n }] of acks) {
    if (!keeps(stored.get(key), owner, n)) lost.push(`${key}: acknowledged ${n}, found ${JSON.stringify(stored.get(key))}`);
  }
  return { failed: undefined, checked: acks.size, lost };
}
