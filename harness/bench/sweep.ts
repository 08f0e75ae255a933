import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { tempDir } from "./cells.ts";
import { ms, ops, ranged, ratio, shortCommit, table } from "./format.ts";
import { startProvenance } from "./machine.ts";
import { provenanceLines } from "./report.ts";
import type { Provenance } from "./results.ts";
import { REPO_ROOT, runChild } from "../shared/child.ts";
import { LATEST_REPORTS, type RenderedReport } from "../shared/report-files.ts";
import { quantile } from "../shared/stats.ts";

// sweepExpired through the expiry index: its time should follow the number of expired entries, not
// the cache's size. Each size is filled in a fresh process and swept over the same number of expired
// entries (and over 1% of the size); the same run can measure an earlier commit's library (`before`,
// exported from git) side by side, and awaited sets on both, since every write now keeps the index.

const WORKER = join(REPO_ROOT, "harness/bench/sweep-worker.ts");
const LIB = join(REPO_ROOT, "lib");

export type SweepMeasure = "sweep" | "set-ttl" | "set-plain";
export type SweepJob = { lib: string; dir: string; size: number; seed: number; measure: SweepMeasure; expired: number[]; reps: number; setMs: number };
export type SweepRun = { fillMs: number; sweeps: { expired: number; rep: number; ms: number }[]; setsPerSecond: number | undefined; cpuUsPerSet: number | undefined };

export type SweepSettings = { seed: number; sizes: number[]; sameExpired: number; share: number; reps: number; setSize: number; setMs: number; setRounds: number; before: string | undefined };

/** The numbers of expired entries swept at a size: the same number at every size, and the share of this size. */
const expiredCounts = (settings: SweepSettings, size: number) => [...new Set([settings.sameExpired, Math.round(size * settings.share)])];

/** One side of the comparison: this commit's library, or an earlier one's. */
type Side = { name: "after" | "before"; commit: string; lib: string };

export type SweepReport = Provenance & {
  kind: "sweep";
  settings: SweepSettings;
  sweeps: Array<{ side: Side["name"]; commit: string; size: number; fillMs: number; sweeps: SweepRun["sweeps"] }>;
  sets: Array<{ side: Side["name"]; commit: string; measure: SweepMeasure; round: number; setsPerSecond: number; cpuUsPerSet: number }>;
};

export function sweepSettings(quick: boolean, seed: number, before: string | undefined): SweepSettings {
  return quick
    ? { seed, sizes: [10_000, 100_000, 1_000_000], sameExpired: 100, share: 0.01, reps: 3, setSize: 10_000, setMs: 700, setRounds: 3, before }
    : { seed, sizes: [10_000, 100_000, 1_000_000], sameExpired: 100, share: 0.01, reps: 7, setSize: 100_000, setMs: 2000, setRounds: 5, before };
}

/** The library of an earlier commit, exported from git beside the build (so that it finds the engine and packages). */
async function exportLib(rev: string): Promise<Side & { dispose: () => Promise<void> }> {
  const commit = (await execa("git", ["rev-parse", rev], { cwd: REPO_ROOT })).stdout.trim();
  const root = await mkdtemp(join(LATEST_REPORTS, "sweep-before-"));
  await execa("sh", ["-c", `git archive ${commit} lib | tar -x -C "${root}"`], { cwd: REPO_ROOT });
  return { name: "before", commit, lib: join(root, "lib"), dispose: () => rm(root, { recursive: true, force: true }) };
}

async function runJob(job: Omit<SweepJob, "dir">): Promise<SweepRun> {
  const dir = await tempDir(`sweep-${job.size}`);
  try {
    const run = await runChild<SweepRun>(WORKER, { ...job, dir }, { tsx: true });
    if (run.exitCode !== 0 || run.result === undefined) throw new Error(`sweep worker (${job.measure}, ${job.size}) failed: ${run.stderr}`);
    return run.result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runSweepBench(settings: SweepSettings, log: (line: string) => void): Promise<SweepReport> {
  const provenance = await startProvenance();
  const after: Side = { name: "after", commit: (await execa("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT })).stdout.trim(), lib: LIB };
  await execa("mkdir", ["-p", LATEST_REPORTS]);
  const before = settings.before === undefined ? undefined : await exportLib(settings.before);
  const sides = before === undefined ? [after] : [before, after];
  const report: SweepReport = { ...provenance(), kind: "sweep", settings, sweeps: [], sets: [] };
  try {
    for (let round = 0; round < settings.setRounds; round++) {
      for (const measure of ["set-ttl", "set-plain"] as const) {
        for (const side of sides) {
          const run = await runJob({ lib: side.lib, size: settings.setSize, seed: settings.seed, measure, expired: [], reps: 0, setMs: settings.setMs });
          report.sets.push({ side: side.name, commit: side.commit, measure, round, setsPerSecond: run.setsPerSecond!, cpuUsPerSet: run.cpuUsPerSet! });
          log(`sweep bench: ${measure} ${side.name} round ${round + 1}: ${ops(run.setsPerSecond!)} sets/s, ${ms(run.cpuUsPerSet!)} µs CPU per set`);
        }
      }
    }
    for (const size of settings.sizes) {
      for (const side of sides) {
        const expired = expiredCounts(settings, size);
        const run = await runJob({ lib: side.lib, size, seed: settings.seed, measure: "sweep", expired, reps: settings.reps, setMs: 0 });
        report.sweeps.push({ side: side.name, commit: side.commit, size, fillMs: run.fillMs, sweeps: run.sweeps });
        log(`sweep bench: ${size} entries ${side.name}: filled in ${(run.fillMs / 1000).toFixed(1)} s, sweeps ${run.sweeps.map((s) => `${s.expired}:${ms(s.ms)}`).join(" ")} ms`);
      }
    }
  } finally {
    await before?.dispose();
  }
  return { ...report, ...provenance() };
}

const median = (values: number[]) => quantile(values, 0.5);
const spread = (values: number[], format: (v: number) => string) => ranged(median(values), Math.min(...values), Math.max(...values), format);

export function renderSweep(report: SweepReport, _base: string): RenderedReport {
  const { settings } = report;
  const sides = [...new Set(report.sweeps.map((s) => s.side))];
  const commitOf = (side: string) => shortCommit(report.sweeps.find((s) => s.side === side)?.commit ?? "");
  const sweepMs = (side: string, size: number, expired: number) =>
    report.sweeps.find((s) => s.side === side && s.size === size)?.sweeps.filter((s) => s.expired === expired).map((s) => s.ms) ?? [];
  const rows: string[][] = [];
  for (const size of settings.sizes) {
    for (const expired of expiredCounts(settings, size)) {
      rows.push([size.toLocaleString("en"), expired.toLocaleString("en"), ...sides.map((side) => spread(sweepMs(side, size, expired), ms))]);
    }
  }
  const [smallest, largest] = [settings.sizes[0]!, settings.sizes.at(-1)!];
  const growth = (side: string) => median(sweepMs(side, largest, settings.sameExpired)) / median(sweepMs(side, smallest, settings.sameExpired));
  const setRows = (["set-ttl", "set-plain"] as const).map((measure) => {
    const of = (side: string, figure: "setsPerSecond" | "cpuUsPerSet") => report.sets.filter((s) => s.measure === measure && s.side === side).map((s) => s[figure]);
    const both = (figure: "setsPerSecond" | "cpuUsPerSet") => (sides.length === 2 ? [ratio(median(of("after", figure)) / median(of("before", figure)))] : []);
    return [
      measure === "set-ttl" ? "set with a TTL (replacing entries with one)" : "set without a TTL (replacing entries without one)",
      ...sides.map((side) => spread(of(side, "setsPerSecond"), ops)),
      ...both("setsPerSecond"),
      ...sides.map((side) => spread(of(side, "cpuUsPerSet"), ms)),
      ...both("cpuUsPerSet"),
    ];
  });
  const markdown = [
    "# sweepExpired through the expiry index",
    "",
    ...provenanceLines(report),
    `- Settings: seed ${settings.seed}; every configuration in a fresh process; ${settings.reps} sweeps per size and number expired, median (range); ` +
      `every entry has a TTL, so the index holds one record per entry; values of 100 bytes.` +
      (settings.before === undefined ? "" : ` Before: the library of \`${settings.before}\` (${commitOf("before")}), exported from git; after: ${commitOf("after")}.`),
    "",
    "## sweepExpired, ms",
    "",
    table(["entries", "expired", ...sides.map((side) => `${side} ms`)], rows),
    "",
    ...sides.map((side) => `- ${side}: the ${largest.toLocaleString("en")}-entry sweep of ${settings.sameExpired} expired entries took ${ratio(growth(side))} the ${smallest.toLocaleString("en")}-entry one.`),
    "",
    "## Awaited set, sets per second",
    "",
    `${settings.setRounds} rounds of ${settings.setMs} ms per side over a ${settings.setSize.toLocaleString("en")}-entry cache, the sides taking turns; median (range). ` +
      "Also the process's own CPU time per set, which the machine's other load disturbs less than the wall clock.",
    "",
    table(
      ["workload", ...sides.map((side) => `${side} sets/s`), ...(sides.length === 2 ? ["after / before"] : []), ...sides.map((side) => `${side} µs CPU per set`), ...(sides.length === 2 ? ["after / before"] : [])],
      setRows,
    ),
    "",
  ].join("\n");
  return { markdown, charts: [] };
}
