// Kill points inside migrateFromLevel: a migration copies a level-cache directory into a cache that
// already holds entries, in one write transaction, and is SIGKILLed at a random point. Afterwards the
// cache must hold, byte for byte, either what it held before or what a whole migration makes: never a
// mixture. And it must open.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openReferenceLevelCache } from "../../test/reference/level-cache.ts";
import { openLmdbCache } from "../../lib/index.ts";
import type { CampaignContext } from "./campaign.ts";
import { runChild, startChild } from "../shared/child.ts";
import type { KillWriterJob } from "./kill-plan.ts";
import { seededRng } from "../shared/rng.ts";

type Dump = { entries: [string, string][] };

export type MigrationKills = { kills: number; held: number; torn: string[]; reopenFailures: string[]; untouched: number; migrated: number; failures: string[] };

const SOURCE_ENTRIES = 4000;

export async function runMigrationKills(context: CampaignContext, kills: number): Promise<MigrationKills> {
  const result: MigrationKills = { kills: 0, held: 0, torn: [], reopenFailures: [], untouched: 0, migrated: 0, failures: [] };
  if (kills === 0) return result;
  const rng = seededRng(context.seed ^ 0x6d696772);
  const dir = mkdtempSync(join(tmpdir(), "reliability-migrate-"));
  const script = context.bundles.script("kill-writer");
  const dump = async (path: string) => JSON.stringify((await runChild<Dump>(context.bundles.script("raw-store"), { path, mode: "dump" })).result?.entries);
  try {
    // A level-cache source (live, expired and namespaced entries) and a target that already holds entries.
    const source = join(dir, "source");
    const level = await openReferenceLevelCache<unknown>({ path: source });
    for (let i = 0; i < SOURCE_ENTRIES; i++) {
      const view = i % 3 === 0 ? level.withNamespace(`n${i % 5}`) : level;
      await view.set(`s${i}`, { i, text: "m".repeat(i % 500) }, i % 11 === 0 ? { ttlMs: -1000 } : { ttlMs: 3_600_000 });
    }
    await level.close();
    const template = join(dir, "template");
    const target = await openLmdbCache<unknown>({ path: template });
    for (let i = 0; i < 1500; i++) await target.set(i % 2 === 0 ? `s${i}` : `t${i}`, { old: i });
    await target.close();
    const before = await dump(template);

    // One whole migration, for what the cache holds after it and how long it takes.
    const whole = join(dir, "whole");
    cpSync(template, whole, { recursive: true });
    let took = 0;
    const first = performance.now();
    const job: KillWriterJob = { path: whole, mode: "migrate", ns: "", seed: context.seed, source };
    const runner = startChild(script, job, (line) => {
      if (line.startsWith("a ") && took === 0) {
        took = performance.now() - first;
        runner.kill();
      }
    });
    await runner.exited;
    const after = await dump(whole);
    if (took === 0 || after === before) result.failures.push("a whole migration did not complete or changed nothing");

    for (let k = 0; k < kills; k++) {
      const trial = join(dir, `trial${k}`);
      const from = join(dir, `source${k}`);
      cpSync(template, trial, { recursive: true });
      cpSync(source, from, { recursive: true });
      let held = false;
      let killed = false;
      const child = startChild(script, { path: trial, mode: "migrate", ns: "", seed: context.seed + k, source: from, killAfterUs: rng.int(0, Math.ceil(took * 1000)) }, (line) => {
        const [tag, , heldFlag] = line.split(" ");
        if (tag === "k") {
          killed = true;
          held = heldFlag === "1";
        } else if (tag === "a") {
          killed = true;
          child.kill();
        }
      });
      const exit = await child.exited;
      if (exit.signal !== "SIGKILL" || !killed) result.failures.push(`migration ${k} ended with ${exit.signal ?? exit.exitCode}: ${exit.stderr.slice(-200)}`);
      result.kills++;
      if (held) result.held++;
      const state = await dump(trial);
      if (state === before) result.untouched++;
      else if (state === after) result.migrated++;
      else result.torn.push(`migration ${k}: the cache holds neither the old entries nor the migrated ones`);
      const reopen = await runChild<{ opened: boolean; code?: string; message?: string }>(context.bundles.script("kill-verify"), { path: trial, namespaces: [], out: join(dir, "dump.json") });
      if (reopen.result?.opened !== true) result.reopenFailures.push(`migration ${k}: ${reopen.result?.code ?? reopen.signal} ${reopen.result?.message ?? ""}`);
      rmSync(trial, { recursive: true, force: true });
      rmSync(from, { recursive: true, force: true });
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
