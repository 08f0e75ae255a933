import type { CellFigures } from "./cells.ts";
import { type ColdStartMetric, coldStartFailuresOf, coldStartSideOf } from "./cold-start-analysis.ts";
import type { BenchReport, CellEntry, CellFailure } from "./results.ts";
import { type Spread, spread } from "../shared/stats.ts";
import type { WorkloadId } from "./workloads.ts";

// Ratios between backends, always from figures of one run: medians over the repetitions, and the
// range of the per-repetition ratios (repetitions are paired, since backends took turns).

export type Metric = "throughput" | "timePerOp" | "medianLatency" | "peakRss" | "peakRssAnon" | "peakRssFile" | "openTime";

export const METRICS: Record<Metric, { label: string; value: (f: CellFigures) => number; higherIsBetter: boolean }> = {
  throughput: { label: "aggregate ops/s", value: (f) => f.aggregateOpsPerSec, higherIsBetter: true },
  // Time per operation, as the inverse of throughput: the ratio reads "takes N times as long".
  timePerOp: { label: "time per op", value: (f) => 1 / f.aggregateOpsPerSec, higherIsBetter: false },
  // The median call: on a shared machine a window's throughput swings with others' load, its median call much less.
  medianLatency: { label: "median latency", value: (f) => f.p50Ms, higherIsBetter: false },
  peakRss: { label: "peak RSS", value: (f) => f.peakRssBytes, higherIsBetter: false },
  peakRssAnon: { label: "peak anonymous RSS", value: (f) => f.peakRssAnonBytes, higherIsBetter: false },
  peakRssFile: { label: "peak file-backed RSS", value: (f) => f.peakRssFileBytes, higherIsBetter: false },
  openTime: { label: "time to open", value: (f) => f.openMs, higherIsBetter: false },
};

type Report = Pick<BenchReport, "cells" | "settings" | "coldStart">;

export function findCell(report: Report, workload: WorkloadId, size: number, processes: number, backend: string): CellEntry | undefined {
  return report.cells.find((c) => c.workload === workload && c.size === size && c.processes === processes && c.backend === backend);
}

/** Failed repetitions of a cell (or of the 1-process cell standing in for an unsupported one). */
export function failuresOf(report: Report, workload: WorkloadId, size: number, processes: number, backend: string): CellFailure[] {
  let cell = findCell(report, workload, size, processes, backend);
  if (cell?.status === "unsupported") cell = findCell(report, workload, size, 1, backend);
  return cell?.status === "measured" ? cell.failures : [];
}

/** One backend's figures of a metric, one value per repetition (or per cold-start sample). */
export type Side = { backend: string; processes: number; values: number[]; stats: Spread; note?: string };

export type CellSide = Side & { reps: CellFigures[] };

/**
 * The figures of `backend` for a cell; when it cannot run with that many processes, its best
 * instead: the same workload in one process (noted).
 */
export function sideOf(report: Report, workload: WorkloadId, size: number, processes: number, backend: string, metric: Metric): CellSide | undefined {
  let cell = findCell(report, workload, size, processes, backend);
  let note: string | undefined;
  if (cell?.status === "unsupported") {
    note = `${processes} processes unsupported (${cell.codes.at(-1) ?? "error"}): its 1-process figure`;
    cell = findCell(report, workload, size, 1, backend);
  }
  if (cell?.status !== "measured" || cell.reps.length === 0 || cell.failures.length > 0) return undefined;
  const values = cell.reps.map(METRICS[metric].value);
  return { backend, processes: cell.processes, reps: cell.reps, values, stats: spread(values), ...(note ? { note } : {}) };
}

export type Ratio = { ratio: number; min: number; max: number; candidate: Side; against: Side };

/** candidate / against: ratio of the medians, with the range of the paired ratios. */
export function ratioOf(candidate: Side, against: Side): Ratio {
  const paired = candidate.values.slice(0, against.values.length).map((v, i) => v / against.values[i]!);
  return {
    ratio: candidate.stats.median / against.stats.median,
    min: Math.min(...paired),
    max: Math.max(...paired),
    candidate,
    against,
  };
}

type CheckBase = {
  id: string;
  label: string;
  /** "reference", or the id of a backend (a floor). */
  against: string;
  /** Passing means ratio >= goal ("at least") or ratio <= goal ("at most"). */
  direction: "at least" | "at most";
  goal: number;
};

/** Judged on a workload's cells; against another workload of the same backend when `againstWorkload` is given. */
export type CellCheck = CheckBase & { workload: WorkloadId; processes: number; metric: Metric; againstWorkload?: WorkloadId };

/** Judged on the cold-start samples, measured on the first data set only. */
export type ColdStartCheck = CheckBase & { metric: ColdStartMetric };

export type Check = CellCheck | ColdStartCheck;

export type CheckResult = Check & {
  size: number;
  ratio: Ratio | undefined;
  /** undefined when a side was not measured. */
  met: boolean | undefined;
  verdict: string;
};

/** Ratios are quotients of floating-point figures: equal to the goal means at the goal, not a rounding error past it. */
const ROUNDING = 1e-9;

function verdictOf(check: Check, ratio: number): { met: boolean; verdict: string } {
  if (check.direction === "at least") {
    const met = ratio >= check.goal * (1 - ROUNDING);
    return { met, verdict: met ? `${(ratio / check.goal).toFixed(2)}x the goal` : `${(check.goal / ratio).toFixed(2)}x short of it` };
  }
  const met = ratio <= check.goal * (1 + ROUNDING);
  return { met, verdict: met ? `${((1 - ratio / check.goal) * 100).toFixed(0)}% under the bar` : `${((ratio / check.goal - 1) * 100).toFixed(0)}% over the bar` };
}

export function evaluateCheck(report: Report, check: Check, size: number): CheckResult {
  const againstId = check.against === "reference" ? report.settings.reference : check.against;
  // A side is a backend and, for cell checks, a workload: the against side's is `againstWorkload` when given.
  const sides: [string, WorkloadId | undefined][] =
    "workload" in check
      ? [[report.settings.candidate, check.workload], [againstId, check.againstWorkload ?? check.workload]]
      : [[report.settings.candidate, undefined], [againstId, undefined]];
  const side = ([backend, workload]: [string, WorkloadId | undefined]) =>
    "workload" in check ? sideOf(report, workload!, size, check.processes, backend, check.metric) : coldStartSideOf(report, backend, check.metric);
  const failures = ([backend, workload]: [string, WorkloadId | undefined]) =>
    "workload" in check ? failuresOf(report, workload!, size, check.processes, backend) : coldStartFailuresOf(report, backend);
  const [candidate, against] = sides.map(side);
  if (candidate === undefined || against === undefined) {
    const failed = sides.flatMap((s) => failures(s).map((f) => `${s[0]}: ${f.error}`)).at(0);
    return { ...check, size, ratio: undefined, met: undefined, verdict: failed ? `failed (${failed})` : "not measured" };
  }
  const ratio = ratioOf(candidate, against);
  return { ...check, size, ratio, ...verdictOf(check, ratio.ratio) };
}

/** Cell checks at every size; cold-start checks once, at the size cold start was measured on. */
export function evaluateChecks(report: Report, checks: readonly Check[]): CheckResult[] {
  const coldStartSize = report.coldStart?.size ?? report.settings.sizes[0];
  return report.settings.sizes.flatMap((size) =>
    checks.filter((check) => "workload" in check || size === coldStartSize).map((check) => evaluateCheck(report, check, size)),
  );
}

