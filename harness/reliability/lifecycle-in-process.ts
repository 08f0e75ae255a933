// Lifecycle parts 3 and 4: several opens of one cache inside one process.
// Threads: the main thread holds the cache open and writes while worker threads of the same process
// open, write, read and close it round after round; the main thread's writes must keep working and
// stay readable by another process.
// Aliases: the same directory opened at once by its absolute path, a relative path and a symlink, in
// the main thread and then one name per worker thread, closed in seeded orders.
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { atLeast, type CampaignContext, sample, zero } from "./campaign.ts";
import type { PartFindings } from "./lifecycle-churn.ts";
import { checkWithFreshProcess, workerErrorText, diedOf, errorsOf, finish, startWatchdog, watch } from "./lifecycle-fleet.ts";
import { type AliasJob, STUCK_MS, type ThreadsJob } from "./lifecycle-plan.ts";

export type InProcessSettings = { threads: number; threadSeconds: number; aliasRounds: number };

export async function runThreads(context: CampaignContext, settings: InProcessSettings, dir: string): Promise<PartFindings> {
  const path = join(dir, "cache");
  const job: ThreadsJob & { mode: "threads" } = { mode: "threads", path, threads: settings.threads, seconds: settings.threadSeconds, seed: context.seed };
  const worker = watch(context.bundles.script("lifecycle-threads"), job, "threads process");
  const stopWatchdog = startWatchdog([worker]);
  await finish([worker], settings.threadSeconds * 1000 + 2 * STUCK_MS);
  stopWatchdog();
  const { tally } = worker;
  const fresh = await checkWithFreshProcess(context, dir, path, [tally]);
  const mainErrors = errorsOf([tally], (s) => s.startsWith("main:"));
  const threadErrors = errorsOf([tally], (s) => s.startsWith("thread:"));
  const died = diedOf(tally);
  const mainWrites = [...tally.acks.values()].filter((a) => a.owner === "m").length;
  const failures: string[] = [];
  sample(failures, "threads: main-thread error", mainErrors.map(workerErrorText));
  sample(failures, "threads: worker-thread error", threadErrors.map(workerErrorText));
  if (tally.stuck) failures.push(`threads: the process was silent for ${STUCK_MS} ms or did not end`);
  if (died !== undefined) failures.push(`threads: ${died}`);
  if (fresh.failed !== undefined) failures.push(`threads: another process could not open, write and read: ${fresh.failed}`);
  sample(failures, "threads: lost acknowledged write", fresh.lost);
  return {
    figures: [
      { name: "threads: worker-thread open-write-read-close rounds completed", value: tally.rounds.thread ?? 0, rule: atLeast(settings.threads) },
      { name: "threads: main-thread writes acknowledged", value: tally.acksBy.m ?? 0, rule: atLeast(1) },
      { name: "threads: main-thread errors (open, write, read, close)", value: mainErrors.length, rule: zero },
      { name: "threads: worker-thread errors (open, write, read, close)", value: threadErrors.length, rule: zero },
      { name: "threads: keys of the main thread and threads checked by another process", value: fresh.checked },
      { name: "threads: of them, main-thread keys", value: mainWrites },
      { name: "threads: lost acknowledged writes", value: fresh.lost.length, rule: zero },
      { name: "threads: another process failed to open, write and read afterwards", value: fresh.failed === undefined ? 0 : 1, rule: zero },
      { name: "threads: process stuck or died", value: tally.stuck || died !== undefined ? 1 : 0, rule: zero },
    ],
    failures,
    tallies: [tally],
  };
}

export async function runAliases(context: CampaignContext, settings: InProcessSettings, dir: string): Promise<PartFindings> {
  const base = join(dir, "base");
  const link = join(dir, "link");
  mkdirSync(join(base, "cache"), { recursive: true });
  symlinkSync(join(base, "cache"), link, "dir");
  const job: AliasJob & { mode: "aliases" } = { mode: "aliases", base, link, rounds: settings.aliasRounds, seed: context.seed };
  const worker = watch(context.bundles.script("lifecycle-threads"), job, "aliases process");
  const stopWatchdog = startWatchdog([worker]);
  // Each round is a few opens and closes: a second per round is far more than a working cache needs.
  await finish([worker], settings.aliasRounds * 2 * 1000 + 2 * STUCK_MS);
  stopWatchdog();
  const { tally } = worker;
  const inMain = errorsOf([tally], (s) => s.startsWith("alias:"));
  const inThreads = errorsOf([tally], (s) => s.startsWith("alias-thread:"));
  const died = diedOf(tally);
  const failures: string[] = [];
  sample(failures, "aliases: error in one thread", inMain.map(workerErrorText));
  sample(failures, "aliases: error in worker threads", inThreads.map(workerErrorText));
  if (tally.stuck) failures.push(`aliases: the process was silent for ${STUCK_MS} ms or did not end`);
  if (died !== undefined) failures.push(`aliases: ${died}`);
  return {
    figures: [
      { name: "aliases: rounds in one thread (absolute, relative and symlinked path open at once)", value: tally.rounds.alias ?? 0, rule: atLeast(settings.aliasRounds) },
      { name: "aliases: errors in one thread (open, write, read another name's write, close)", value: inMain.length, rule: zero },
      { name: "aliases: rounds with one name per worker thread", value: tally.rounds["alias-thread"] ?? 0, rule: atLeast(settings.aliasRounds) },
      { name: "aliases: errors with one name per worker thread", value: inThreads.length, rule: zero },
      { name: "aliases: process stuck or died", value: tally.stuck || died !== undefined ? 1 : 0, rule: zero },
    ],
    failures,
    tallies: [tally],
  };
}
