// Lifecycle part 1: processes that open, write, read and close the cache round after round (a fresh open
// each round), and processes that only open and close, beside steady writers and readers that keep it
// open the whole time. Every open, write and read must work, none may stall, and a fresh process must
// find every acknowledged write at the end.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { atLeast, type CampaignContext, type Figure, sample, zero } from "./campaign.ts";
import { checkWithFreshProcess, workerErrorText, diedOf, errorsOf, finish, startWatchdog, type Tally, type Watched, watch } from "./lifecycle-fleet.ts";
import { type ProcessJob, type ProcessRole, STUCK_MS } from "./lifecycle-plan.ts";

export type ChurnSettings = { churners: number; openClosers: number; writers: number; readers: number; churnSeconds: number };

type Stage = "alone" | "beside";

export type PartFindings = { figures: Figure[]; failures: string[]; tallies: Tally[] };

/**
 * Two stages on one cache, half the time each. Alone: only churning processes, so the cache goes from
 * open to wholly closed and back again and again (where LMDB's lock file is set up anew by whichever
 * process finds itself first). Beside steady work: the same churn while writers and readers keep it open.
 */
export async function runChurn(context: CampaignContext, settings: ChurnSettings, dir: string): Promise<PartFindings> {
  const path = join(dir, "cache");
  const script = context.bundles.script("lifecycle-process");
  const writerOwners = Array.from({ length: settings.writers }, (_, i) => `w${i}`);
  let started = 0;
  const stage = async (name: Stage, steady: boolean): Promise<Watched[]> => {
    const stopFile = join(dir, `stop-${name}`);
    const fleet: Watched[] = [];
    const start = (role: ProcessRole, owner: string) => {
      const job: ProcessJob = { role, path, owner, reads: writerOwners, stopFile, maxSeconds: settings.churnSeconds + STUCK_MS / 1000, seed: context.seed + started++ };
      fleet.push(watch(script, job, `${name}: ${role} ${owner}`));
    };
    if (steady) {
      for (const owner of writerOwners) start("writer", owner);
      for (let i = 0; i < settings.readers; i++) start("reader", `r${i}`);
    }
    // Churners write under their own names in each stage, so each stage's acknowledged writes stay its own.
    for (let i = 0; i < settings.churners; i++) start("churn", `${name}-c${i}`);
    for (let i = 0; i < settings.openClosers; i++) start("open-close", `${name}-o${i}`);
    const stopWatchdog = startWatchdog(fleet);
    await sleep((settings.churnSeconds / 2) * 1000);
    writeFileSync(stopFile, "");
    await finish(fleet, STUCK_MS);
    stopWatchdog();
    return fleet;
  };
  const alone = await stage("alone", false);
  context.log(`lifecycle: churn alone done, ${alone.reduce((sum, w) => sum + w.tally.errors.length, 0)} errors`);
  const beside = await stage("beside", true);
  const fleet = [...alone, ...beside];
  const tallies = fleet.map((w) => w.tally);
  const fresh = await checkWithFreshProcess(context, dir, path, tallies);
  const rounds = (kind: string) => tallies.reduce((sum, t) => sum + (t.rounds[kind] ?? 0), 0);
  const failedOpens = errorsOf(tallies, (s) => s === "open");
  const writeErrors = errorsOf(tallies, (s) => s === "set");
  const readErrors = errorsOf(tallies, (s) => s === "get");
  const closeErrors = errorsOf(tallies, (s) => s === "close");
  const stuck = tallies.filter((t) => t.stuck || t.slow.length > 0);
  const died = tallies.map(diedOf).filter((d) => d !== undefined);
  const failures: string[] = [];
  sample(failures, "churn: failed open", failedOpens.map(workerErrorText));
  sample(failures, "churn: write error", writeErrors.map(workerErrorText));
  sample(failures, "churn: read error", readErrors.map(workerErrorText));
  sample(failures, "churn: close error", closeErrors.map(workerErrorText));
  sample(failures, "churn: stuck", stuck.map((t) => `${t.label}: ${t.stuck ? `silent for ${STUCK_MS} ms or not ended when stopped` : t.slow.join(", ")}`));
  sample(failures, "churn: worker died", died);
  if (fresh.failed !== undefined) failures.push(`churn: a fresh process at the end could not open, write and read: ${fresh.failed}`);
  sample(failures, "churn: lost acknowledged write", fresh.lost);
  const opens = rounds("churn") + rounds("open-close") + failedOpens.length + settings.writers + settings.readers;
  return {
    figures: [
      { name: "churn: open-write-read-close rounds completed", value: rounds("churn"), rule: atLeast(settings.churners) },
      { name: "churn: open-close rounds completed", value: rounds("open-close"), rule: atLeast(settings.openClosers) },
      { name: "churn: opens tried", value: opens },
      { name: "churn: failed opens, churn alone", value: failedOpens.filter((e) => e.label.startsWith("alone")).length, rule: zero },
      { name: "churn: failed opens, churn beside steady writers and readers", value: failedOpens.filter((e) => e.label.startsWith("beside")).length, rule: zero },
      { name: "churn: write errors", value: writeErrors.length, rule: zero },
      { name: "churn: read errors (a failure or a wrong value)", value: readErrors.length, rule: zero },
      { name: "churn: close errors", value: closeErrors.length, rule: zero },
      { name: "churn: steady writes acknowledged", value: tallies.filter((t) => t.label.startsWith("beside: writer")).reduce((sum, t) => sum + t.ackCount, 0), rule: atLeast(settings.writers) },
      { name: "churn: steady reads", value: rounds("read") * 20 },
      { name: "churn: acknowledged writes checked by a fresh process", value: fresh.checked },
      { name: "churn: lost acknowledged writes", value: fresh.lost.length, rule: zero },
      { name: "churn: fresh process at the end failed to open, write and read", value: fresh.failed === undefined ? 0 : 1, rule: zero },
      { name: `churn: stuck workers (a round over ${STUCK_MS / 1000} s, silent, or not ending)`, value: stuck.length, rule: zero },
      { name: "churn: workers that died", value: died.length, rule: zero },
    ],
    failures,
    tallies,
  };
}
