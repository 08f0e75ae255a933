import { type Check, type CheckResult, evaluateChecks } from "./analysis.ts";
import type { CellFigures } from "./cells.ts";
import { coldStartSection } from "./cold-start-report.ts";
import { mib, ms, ops, ratio, table } from "./format.ts";
import { checksTable, provenanceLines } from "./report.ts";
import type { BenchReport } from "./results.ts";
import { type BenchSettings, CANDIDATE, DEFAULT_SEED, REFERENCE } from "./settings.ts";
import { median, quantile } from "../shared/stats.ts";

// The CI perf gate: ratios measured in one run against level-cache, never absolute times. The bars
// are far below the targets on purpose (a shared, noisy two-core machine), and are never lowered.

export const GATE_CHECKS: readonly Check[] = [
  {
    id: "concurrent-reads",
    label: "Concurrent reads: 4 reader processes, aggregate get/s",
    workload: "get",
    processes: 4,
    metric: "throughput",
    against: "reference",
    direction: "at least",
    goal: 2,
  },
  {
    id: "multi-process-writes",
    label: "Multi-process writes: 4 writers, aggregate awaited set/s",
    workload: "set",
    processes: 4,
    metric: "throughput",
    against: "reference",
    direction: "at least",
    goal: 1.5,
  },
  {
    id: "peak-rss",
    label: "Peak RSS for the same data and work (footprint)",
    workload: "footprint",
    processes: 1,
    metric: "peakRss",
    against: "reference",
    direction: "at most",
    goal: 1.2,
  },
  {
    id: "open-time",
    label: "Time to open the same data (footprint cells)",
    workload: "footprint",
    processes: 1,
    metric: "openTime",
    against: "reference",
    direction: "at most",
    goal: 1.5,
  },
  {
    id: "cold-start",
    label: "Cold start: a new process to its first get resolved, import included",
    metric: "coldStart",
    against: "reference",
    direction: "at most",
    goal: 1.5,
  },
];

export type GateOptions = { candidate: string; repetitions: number; durationMs: number; size: number; seed: number; coldStartSamples: number };

export const GATE_DEFAULTS: GateOptions = {
  candidate: CANDIDATE,
  repetitions: 5,
  durationMs: 1000,
  size: 10_000,
  seed: DEFAULT_SEED,
  // One sample is one process start, noisier than a timed window: more of them, and each is short.
  coldStartSamples: 15,
};

/** Only the cells the checks need, candidate and reference taking turns. */
export function gateSettings(options: GateOptions): BenchSettings {
  return {
    mode: "gate",
    seed: options.seed,
    sizes: [options.size],
    processCounts: [1, 4],
    workloads: ["get", "set", "footprint"],
    backends: [options.candidate, REFERENCE],
    candidate: options.candidate,
    reference: REFERENCE,
    repetitions: options.repetitions,
    durationMs: options.durationMs,
    coldStartSamples: options.coldStartSamples,
  };
}

export type GateReport = Omit<BenchReport, "kind"> & { kind: "perf-gate" };

export type GateVerdict = { passed: boolean; results: CheckResult[] };

/** Passes only when every check was measured and met. */
export function evaluateGate(report: Pick<BenchReport, "cells" | "settings">): GateVerdict {
  const results = evaluateChecks(report, GATE_CHECKS);
  return { passed: results.every((r) => r.met === true), results };
}

function sideFigure(r: CheckResult, which: "candidate" | "against"): string {
  const side = r.ratio?.[which];
  if (side === undefined) return "not measured";
  const value = side.stats.median;
  if (!("workload" in r)) return `${side.backend} ${ms(value)} ms, p90 ${ms(quantile(side.values, 0.9))} ms (${side.values.length} fresh processes)`;
  const shown =
    r.metric === "throughput"
      ? `${ops(value)} ops/s`
      : r.metric === "openTime"
        ? `${ms(value)} ms`
        : r.metric === "timePerOp"
          ? `${ms(value * 1000)} ms/op`
          : `${(value / 2 ** 20).toFixed(1)} MiB`;
  return `${side.backend} ${shown} (${side.processes} proc.)`;
}

/** The figures behind each check, as printed by `pnpm perf-gate` whether it passes or not. */
export function gateLines(verdict: GateVerdict): string[] {
  const lines = verdict.results.map((r) => {
    const status = r.met === true ? "PASS" : "FAIL";
    const measured = r.ratio ? `${ratio(r.ratio.ratio)} (reps ${ratio(r.ratio.min)}–${ratio(r.ratio.max)})` : "not measured";
    return `${status}  ${r.label}: ${measured}, needs ${r.direction} ${ratio(r.goal)} of ${r.ratio?.against.backend ?? "the reference"} — ${sideFigure(r, "candidate")} vs ${sideFigure(r, "against")}${r.ratio?.against.note ? ` [${r.ratio.against.note}]` : ""}`;
  });
  return [...lines, verdict.passed ? "perf-gate: passed" : "perf-gate: FAILED"];
}

/** Memory split of the footprint cells, printed with the checks (the RSS check is on the total). */
export function memoryLines(report: Pick<BenchReport, "cells" | "settings">): string[] {
  const lines: string[] = [];
  for (const cell of report.cells) {
    if (cell.workload !== "footprint" || cell.status !== "measured" || cell.reps.length === 0) continue;
    const med = (pick: (f: CellFigures) => number) => mib(median(cell.reps.map(pick)));
    lines.push(
      `${cell.backend}: peak RSS ${med((f) => f.peakRssBytes)} MiB = anon ${med((f) => f.peakRssAnonBytes)} + file ${med((f) => f.peakRssFileBytes)} (sampled peaks); ${med((f) => f.rssBeforeOpenBytes)} MiB before open`,
    );
  }
  return lines;
}

export function renderGate(report: GateReport, baseName: string): { markdown: string; charts: never[] } {
  const verdict = evaluateGate(report);
  const s = report.settings;
  const markdown = [
    `# Perf gate: ${verdict.passed ? "passed" : "FAILED"}`,
    "",
    `Generated from \`${baseName}.json\` by \`pnpm perf-gate\`; do not edit by hand.`,
    "",
    ...provenanceLines(report),
    `- Settings: ${s.candidate} against ${s.reference}; ${s.sizes[0]?.toLocaleString("en")} entries; ${s.repetitions} repetitions of ${s.durationMs} ms windows, backends taking turns; ` +
      `${s.coldStartSamples ? `${s.coldStartSamples} cold starts per side; ` : ""}seed ${s.seed}.`,
    "",
    checksTable(verdict.results, false),
    "",
    ...coldStartSection(report, GATE_CHECKS, "Cold start (the check is on the first row; the others inform):"),
    "Memory of the footprint cells (medians):",
    "",
    "```",
    ...memoryLines(report),
    "```",
    "",
    table(
      ["check", "candidate", "reference"],
      verdict.results.map((r) => [r.id, sideFigure(r, "candidate"), sideFigure(r, "against")]),
    ),
    "",
  ].join("\n");
  return { markdown, charts: [] };
}
