// Kill points inside the format upgrade: a process opens a cache of format 1, which it upgrades in
// place (building the expiry index in write transactions that record their progress), and is
// SIGKILLed at a random point of a whole upgrade's duration. Afterwards the cache's entries must be
// byte for byte those written, the next open must finish the upgrade, and the index must then be exact.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatOneEntries, writeFormatOne } from "../../lib/fixtures/format-1.ts";
import { FORMAT } from "../../lib/env.ts";
import { META_KEY } from "../../lib/keys.ts";
import type { CampaignContext } from "./campaign.ts";
import { runChild, startChild } from "../shared/child.ts";
import type { KillWriterJob } from "./kill-plan.ts";
import { seededRng } from "../shared/rng.ts";

export type UpgradeKills = { kills: number; midway: number; changed: string[]; reopenFailures: string[]; indexProblems: string[]; failures: string[] };

/** Three write transactions of the upgrade, so that kills land between them as well as inside them. */
const ENTRIES = 12_000;

type Dump = { entries: [string, string][] };

/** The cache's entries (keys below 0xff) as hex, and its format record, read below the library. */
async function rawState(context: CampaignContext, path: string): Promise<{ entries: string; format: string | undefined }> {
  const dump = (await runChild<Dump>(context.bundles.script("raw-store"), { path, mode: "dump" })).result?.entries ?? [];
  const meta = dump.find(([key]) => key === META_KEY.toString("hex"))?.[1];
  return {
    entries: JSON.stringify(dump.filter(([key]) => !key.startsWith("ff"))),
    format: meta === undefined ? undefined : Buffer.from(meta, "hex").toString("utf8"),
  };
}

export async function runUpgradeKills(context: CampaignContext, kills: number): Promise<UpgradeKills> {
  const result: UpgradeKills = { kills: 0, midway: 0, changed: [], reopenFailures: [], indexProblems: [], failures: [] };
  if (kills === 0) return result;
  const rng = seededRng(context.seed ^ 0x75706772);
  const dir = mkdtempSync(join(tmpdir(), "reliability-upgrade-"));
  const script = context.bundles.script("kill-writer");
  try {
    const template = join(dir, "template");
    await writeFormatOne(template, formatOneEntries(ENTRIES, Date.now()));
    const before = await rawState(context, template);

    // One whole upgrade, for how long it takes.
    const whole = join(dir, "whole");
    cpSync(template, whole, { recursive: true });
    let took = 0;
    const runner = startChild(script, { path: whole, mode: "upgrade", ns: "", seed: context.seed } satisfies KillWriterJob, (line) => {
      const [tag, , , , ms] = line.split(" ");
      if (tag !== "a") return;
      took = Number(ms);
      runner.kill();
    });
    await runner.exited;
    if (!(took > 0) || (await rawState(context, whole)).format !== FORMAT) result.failures.push("a whole upgrade did not complete");

    for (let k = 0; k < kills; k++) {
      const trial = join(dir, `trial${k}`);
      cpSync(template, trial, { recursive: true });
      let killed = false;
      const job: KillWriterJob = { path: trial, mode: "upgrade", ns: "", seed: context.seed + k, killAfterUs: rng.int(0, Math.ceil(took * 1000)) };
      const child = startChild(script, job, (line) => {
        const tag = line.split(" ")[0];
        if (tag === "k") killed = true;
        else if (tag === "a") {
          killed = true;
          child.kill();
        }
      });
      const exit = await child.exited;
      if (exit.signal !== "SIGKILL" || !killed) result.failures.push(`upgrade ${k} ended with ${exit.signal ?? exit.exitCode}: ${exit.stderr.slice(-200)}`);
      result.kills++;
      const state = await rawState(context, trial);
      if (state.format !== FORMAT && state.format !== before.format) result.midway++;
      if (state.entries !== before.entries) result.changed.push(`upgrade ${k}: the entries differ from those written after the kill`);
      const reopen = await runChild<{ opened: boolean; code?: string; message?: string; indexProblems?: string[] }>(context.bundles.script("kill-verify"), { path: trial, namespaces: [], out: join(dir, "dump.json") });
      if (reopen.result?.opened !== true) result.reopenFailures.push(`upgrade ${k}: ${reopen.result?.code ?? reopen.signal} ${reopen.result?.message ?? ""}`);
      result.indexProblems.push(...(reopen.result?.indexProblems ?? []).map((problem) => `upgrade ${k}: ${problem}`));
      const after = await rawState(context, trial);
      if (after.format !== FORMAT) result.reopenFailures.push(`upgrade ${k}: the next open left format ${after.format}`);
      if (after.entries !== before.entries) result.changed.push(`upgrade ${k}: the entries differ from those written after the next open`);
      rmSync(trial, { recursive: true, force: true });
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
