// Lifecycle part 2: processes SIGKILLed at seeded points of their open-close loop (most often inside an
// open or a close), while survivors keep working: churners that reopen every round, a writer and a reader
// that keep the cache open. After the kills every survivor must still open, write and read, a fresh
// process too, and every acknowledged write must be there.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { atLeast, type CampaignContext, sample, zero } from "./campaign.ts";
import type { PartFindings } from "./lifecycle-churn.ts";
import { checkWithFreshProcess, workerErrorText, diedOf, errorsOf, finish, startWatchdog, type Watched, watch } from "./lifecycle-fleet.ts";
import { type Phase, PHASES, type ProcessJob, type ProcessRole, STUCK_MS } from "./lifecycle-plan.ts";
import { seededRng } from "../shared/rng.ts";
import { countBy } from "../shared/stats.ts";
import { monotonicNow } from "../shared/clock.ts";

export type KillSettings = { kills: number; concurrency: number };

/** Kill delays from the start of a victim's loop: long enough for tens of open-close rounds. */
const KILL_AFTER_US: [number, number] = [500, 200_000];
/** Where each of four victims in turn is killed once its delay has passed: wherever it is, or at its next open or close. */
const AIMED: readonly (Phase | undefined)[] = [undefined, "close", undefined, "open"];
/**
 * How long survivors get, after the last kill, to show they still work: the bound that calls any
 * process stuck. A survivor blocked by a dead process's lock never makes it; a loaded machine
 * (two cores shared by the whole test suite) can take seconds to schedule one that is not.
 */
const AFTER_KILLS_MS = STUCK_MS;

export async function runKills(context: CampaignContext, settings: KillSettings, dir: string): Promise<PartFindings & { byPhase: Record<string, number> }> {
  const path = join(dir, "cache");
  const stopFile = join(dir, "stop");
  const script = context.bundles.script("lifecycle-process");
  const rng = seededRng(context.seed ^ 0x6c696665);
  // The whole plan is drawn up front, so the seed decides it whatever order the lanes take victims in.
  // One victim in four is killed at the first close after its delay, one in four at the first open.
  const plan = Array.from({ length: settings.kills }, (_, i) => ({
    role: (i % 2 === 0 ? "open-close" : "churn") as ProcessRole,
    killAfterUs: rng.int(...KILL_AFTER_US),
    killIn: AIMED[i % 4],
  }));
  const job = (role: ProcessRole, owner: string, seed: number, killAfterUs?: number, killIn?: Phase): ProcessJob => ({
    role, path, owner, reads: ["kw0"], stopFile, maxSeconds: 600, seed, killAfterUs, killIn,
  });
  const survivors: Watched[] = [
    watch(script, job("writer", "kw0", context.seed), "survivor writer kw0"),
    watch(script, job("reader", "kr0", context.seed + 1), "survivor reader kr0"),
    watch(script, job("churn", "ks0", context.seed + 2), "survivor churn ks0"),
    watch(script, job("churn", "ks1", context.seed + 3), "survivor churn ks1"),
    watch(script, job("open-close", "ks2", context.seed + 4), "survivor open-close ks2"),
  ];
  const victims: Watched[] = [];
  const stopWatchdog = startWatchdog(survivors);
  const unplanned: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < plan.length) {
      const index = next++;
      const { role, killAfterUs, killIn } = plan[index]!;
      const at = `kill after ${killAfterUs} µs${killIn === undefined ? "" : `, in ${killIn}`}`;
      const victim = watch(script, job(role, `kv${index}`, context.seed + 100 + index, killAfterUs, killIn), `victim ${role} kv${index} (${at})`);
      victims.push(victim);
      await finish([victim], STUCK_MS + killAfterUs / 1000);
      const exit = victim.tally.exit;
      if (exit?.signal !== "SIGKILL" || victim.tally.kill === undefined) unplanned.push(`${victim.tally.label}: ended with ${exit?.signal ?? `exit ${exit?.exitCode}`}${victim.tally.stuck ? " (stuck)" : ""} ${exit?.stderr.slice(-200) ?? ""}`);
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, lane));
  const lastKillAt = monotonicNow();
  context.log(`lifecycle: ${victims.filter((v) => v.tally.kill !== undefined).length} kills done`);
  // Each survivor must show progress (a round, a write, a batch of reads) after the last kill.
  const until = lastKillAt + AFTER_KILLS_MS;
  while (monotonicNow() < until && survivors.some((s) => s.tally.lastProgressAt <= lastKillAt && s.tally.exit === undefined)) await sleep(50);
  const stalled = survivors.filter((s) => s.tally.lastProgressAt <= lastKillAt);
  writeFileSync(stopFile, "");
  await finish(survivors, STUCK_MS);
  stopWatchdog();

  const tallies = [...survivors, ...victims].map((w) => w.tally);
  const fresh = await checkWithFreshProcess(context, dir, path, tallies);
  const kills = victims.filter((v) => v.tally.kill !== undefined && v.tally.exit?.signal === "SIGKILL");
  const byPhase = countBy(kills, (v) => v.tally.kill!.phase);
  const survivorTallies = survivors.map((s) => s.tally);
  const failedOpens = errorsOf(tallies, (s) => s === "open");
  const survivorIo = errorsOf(survivorTallies, (s) => s !== "open");
  const victimIo = errorsOf(victims.map((v) => v.tally), (s) => s !== "open");
  const stuck = tallies.filter((t) => t.stuck || t.slow.length > 0);
  const died = survivorTallies.map(diedOf).filter((d) => d !== undefined);
  const failures: string[] = [];
  sample(failures, "kills: failed open", failedOpens.map(workerErrorText));
  sample(failures, "kills: survivor error", survivorIo.map(workerErrorText));
  sample(failures, "kills: victim error before its kill", victimIo.map(workerErrorText));
  sample(failures, "kills: survivor without progress after the last kill", stalled.map((s) => s.tally.label));
  sample(failures, "kills: victim not ended by its planned kill", unplanned);
  sample(failures, "kills: stuck", stuck.map((t) => t.label));
  sample(failures, "kills: survivor died", died);
  if (fresh.failed !== undefined) failures.push(`kills: a fresh process after the kills could not open, write and read: ${fresh.failed}`);
  sample(failures, "kills: lost acknowledged write", fresh.lost);
  return {
    figures: [
      { name: "kills: processes SIGKILLed in their open-close loop", value: kills.length, rule: atLeast(settings.kills) },
      ...(["open", "close"] as const).map((phase) => ({ name: `kills: of them inside ${phase}`, value: byPhase[phase] ?? 0, rule: settings.kills >= 20 ? atLeast(1) : undefined })),
      { name: "kills: failed opens (survivors and victims)", value: failedOpens.length, rule: zero },
      { name: "kills: survivor write, read or close errors", value: survivorIo.length, rule: zero },
      { name: "kills: victim write, read or close errors before the kill", value: victimIo.length, rule: zero },
      { name: `kills: survivors without progress within ${AFTER_KILLS_MS / 1000} s of the last kill`, value: stalled.length, rule: zero },
      { name: "kills: victims not ended by their planned kill", value: unplanned.length, rule: zero },
      { name: "kills: fresh process after the kills failed to open, write and read", value: fresh.failed === undefined ? 0 : 1, rule: zero },
      { name: "kills: acknowledged writes checked", value: fresh.checked },
      { name: "kills: lost acknowledged writes", value: fresh.lost.length, rule: zero },
      { name: "kills: stuck processes", value: stuck.length, rule: zero },
      { name: "kills: survivors that died", value: died.length, rule: zero },
    ],
    failures,
    tallies,
    byPhase: Object.fromEntries(PHASES.map((p) => [p, byPhase[p] ?? 0])),
  };
}
