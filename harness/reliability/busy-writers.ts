// Campaign: busy writers. Several processes commit batches of random puts into one larger store at
// once, round after round: the load under which lmdb-js's prebuilt LMDB (its 0.9.90 fork) corrupts its
// free-page list (harness/repro/free-list.ts). Every writer must go on to its deadline without
// an error, and the store must read back whole.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyCache } from "../../lib/index.ts";
import { atLeast, type CampaignContext, type CampaignFindings, sample, zero } from "./campaign.ts";
import { runChild } from "../shared/child.ts";
import { round } from "../shared/stats.ts";

export type BusySettings = { entries: number; writers: number; rounds: number; seconds: number; perBatch: number };

type Written = { batches: number; errors: string[] };
type Verified = { count: number; bad: number };

export async function runBusyWriters(context: CampaignContext, settings: BusySettings): Promise<CampaignFindings> {
  const script = context.bundles.script("busy-writer");
  const dir = mkdtempSync(join(tmpdir(), "reliability-busy-"));
  const failures: string[] = [];
  const path = join(dir, "busy");
  const base = { path, entries: settings.entries };
  let batches = 0;
  let failedWriters = 0;
  let missing = 0;
  let bad = 0;
  let unverified = 0;
  const rows: (string | number)[][] = [];
  try {
    const fill = await runChild(script, { ...base, mode: "fill" });
    if (fill.result === undefined) failures.push(`fill failed: ${fill.signal ?? fill.exitCode} ${fill.stderr.slice(-300)}`);
    for (let r = 0; r < settings.rounds; r++) {
      const runs = await Promise.all(
        Array.from({ length: settings.writers }, (_, w) =>
          runChild<Written>(script, { ...base, mode: "write", writer: w, seed: context.seed + r * 1000 + w, seconds: settings.seconds, perBatch: settings.perBatch }),
        ),
      );
      const broken = runs.filter((run) => run.result === undefined || run.result.errors.length > 0);
      const roundBatches = runs.reduce((sum, run) => sum + (run.result?.batches ?? 0), 0);
      batches += roundBatches;
      failedWriters += broken.length;
      sample(failures, `round ${r + 1} writer failure`, broken.map((run) => run.result?.errors[0] ?? `${run.signal ?? `exit ${run.exitCode}`} ${run.stderr.slice(-200)}`));
      const check = await runChild<Verified>(script, { ...base, mode: "verify" });
      const found = check.result;
      if (found === undefined) failures.push(`round ${r + 1} read-back failed: ${check.signal ?? check.exitCode} ${check.stderr.slice(-200)}`);
      missing += found === undefined ? settings.entries : Math.max(0, settings.entries - found.count);
      bad += found?.bad ?? 0;
      rows.push([r + 1, settings.writers, roundBatches, broken.length, found?.count ?? "-", found?.bad ?? "-"]);
      context.log(`busy writers: round ${r + 1}/${settings.rounds}, ${roundBatches} batches, ${broken.length} writers failed`);
    }
    try {
      await verifyCache(path);
    } catch (error) {
      unverified = 1;
      failures.push(`verifyCache: ${(error as Error).message}`);
    }
    const fileMiB = round(statSync(join(path, "data.mdb")).size / 1024 ** 2);
    return {
      id: "busy-writers",
      title: "Busy writers",
      figures: [
        { name: "rounds of concurrent writers", value: rows.length },
        { name: "batches committed", value: batches, rule: atLeast(1) },
        { name: "writers that failed (an error or a crash)", value: failedWriters, rule: zero },
        { name: "entries missing after a round", value: missing, rule: zero },
        { name: "values that do not name their key", value: bad, rule: zero },
        { name: "verifyCache failures at the end", value: unverified, rule: zero },
        { name: "data file at the end", value: fileMiB, unit: "MiB" },
      ],
      tables: [{ title: "Rounds", columns: ["round", "writers", "batches committed", "writers failed", "entries read back", "values not naming their key"], rows }],
      notes: [
        `A store of ${settings.entries.toLocaleString("en-US")} entries (values of 0.2 to 1.8 KB); each round, ${settings.writers} processes commit batches of ${settings.perBatch} puts of random keys for ${settings.seconds} s, then a process reads every entry back. Run on lmdb-js's prebuilt binary instead (PREBUILDS_ONLY=1, with the library's engine and header checks taken out), 4 of 6 writers of the quick configuration failed.`,
      ],
      failures,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
