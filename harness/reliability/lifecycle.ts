// Campaign: the cache's lifecycle under concurrency. Processes that open and close it over and over
// beside steady work, processes killed inside open and close, worker threads opening what their
// process holds open, and one directory opened by several names in one process. Every open, write and
// read must work throughout, nothing may stall, and every acknowledged write must be there at the end.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CampaignContext, CampaignFindings, Table } from "./campaign.ts";
import { type ChurnSettings, type PartFindings, runChurn } from "./lifecycle-churn.ts";
import type { Tally } from "./lifecycle-fleet.ts";
import { type InProcessSettings, runAliases, runThreads } from "./lifecycle-in-process.ts";
import { runKills } from "./lifecycle-kills.ts";
import { STUCK_MS } from "./lifecycle-plan.ts";

export type LifecycleSettings = ChurnSettings & InProcessSettings & { kills: number; killConcurrency: number };

/** Each part on a cache of its own, so that one part's broken cache does not fail the next. */
async function inFreshDir<T>(label: string, part: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `reliability-lifecycle-${label}-`));
  try {
    return await part(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The errors of a part by stage and code, with one message of each: what a failing run points at. */
function errorRows(part: string, tallies: readonly Tally[]): (string | number)[][] {
  const groups = new Map<string, { count: number; example: string }>();
  for (const tally of tallies) {
    for (const error of tally.errors) {
      const key = `${error.stage}\u0000${error.code}`;
      const group = groups.get(key) ?? { count: 0, example: `${tally.label}: ${error.message}` };
      group.count++;
      groups.set(key, group);
    }
  }
  return [...groups].map(([key, { count, example }]) => [part, ...key.split("\u0000"), count, example.slice(0, 200)]);
}

export async function runLifecycle(context: CampaignContext, settings: LifecycleSettings): Promise<CampaignFindings> {
  const parts: [string, PartFindings][] = [];
  parts.push(["churn", await inFreshDir("churn", (dir) => runChurn(context, settings, dir))]);
  context.log(`lifecycle: churn done`);
  const kills = await inFreshDir("kills", (dir) => runKills(context, { kills: settings.kills, concurrency: settings.killConcurrency }, dir));
  parts.push(["kills", kills]);
  parts.push(["threads", await inFreshDir("threads", (dir) => runThreads(context, settings, dir))]);
  context.log(`lifecycle: threads done`);
  parts.push(["aliases", await inFreshDir("aliases", (dir) => runAliases(context, settings, dir))]);
  const errors: Table = {
    title: "Errors by part, stage and code",
    columns: ["part", "stage", "code", "count", "example"],
    rows: parts.flatMap(([name, part]) => errorRows(name, part.tallies)),
  };
  const killTable: Table = {
    title: "Kills by where they landed",
    columns: Object.keys(kills.byPhase),
    rows: [Object.values(kills.byPhase)],
  };
  return {
    id: "lifecycle",
    title: "Lifecycle",
    figures: parts.flatMap(([, part]) => part.figures),
    tables: [killTable, errors],
    notes: [
      `Churn: ${settings.churners} processes open, write, read and close the cache every round, ${settings.openClosers} more only open and close, for ${settings.churnSeconds / 2} s alone (the cache goes wholly closed again and again) and ${settings.churnSeconds / 2} s beside ${settings.writers} writers and ${settings.readers} readers that keep it open. A failing open is retried after 10 ms and counted each time.`,
      `Kills: ${settings.kills} processes looping open-close (half with a write and a read each round) SIGKILLed by their own thread after a seeded delay (one in four at the first close after it, one in four at the first open), ${settings.killConcurrency} at a time, beside two churners, an open-closer, a writer and a reader that must keep working.`,
      `Threads: for ${settings.threadSeconds} s the main thread of one process writes to the cache it holds open while ${settings.threads} worker threads of the same process open, write, read and close the same path.`,
      `Aliases: ${settings.aliasRounds} rounds each of one process opening the same directory by its absolute path, by a relative path (after chdir to its parent) and through a symlink, all at once, then in three worker threads; every name reads the others' writes, and they close in seeded orders.`,
      `A worker silent for ${STUCK_MS / 1000} s, a round over ${STUCK_MS / 1000} s, or one not ending when stopped counts as stuck; every acknowledged write (the last of each key) is read back by a fresh process.`,
    ],
    failures: parts.flatMap(([, part]) => part.failures),
  };
}
