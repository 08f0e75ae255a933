import type { SoakSample } from "./protocol.ts";
import { type Fit, leastSquares } from "../shared/stats.ts";

// Whether a soak's memory keeps growing: the least-squares slope of a figure over the second half of
// each process's operations (the first half is warm-up: the map's pages and V8's heap filling), in
// MiB per million of that process's operations, and how far the processes' slopes spread.

export type SoakSlopes = {
  perProcess: Fit[];
  /** The processes' slopes: their mean, and the standard error of that mean from their spread. */
  mean: number;
  standardError: number;
  /** Zero is within two standard errors of the mean: no growth the spread between processes cannot explain. */
  withinNoise: boolean;
};

/** Points of the second half of a process's run: x in millions of its operations, y in MiB. */
function secondHalf(samples: readonly SoakSample[], pick: (s: SoakSample) => number): { x: number; y: number }[] {
  const end = samples[samples.length - 1]!.ops;
  return samples.filter((s) => s.ops >= end / 2).map((s) => ({ x: s.ops / 1e6, y: pick(s) / 2 ** 20 }));
}

export function secondHalfSlopes(processes: readonly (readonly SoakSample[])[], pick: (s: SoakSample) => number): SoakSlopes {
  const perProcess = processes.map((samples) => leastSquares(secondHalf(samples, pick)));
  const slopes = perProcess.map((f) => f.slope);
  const n = slopes.length;
  const mean = slopes.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? slopes.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : NaN;
  const standardError = Math.sqrt(variance / n);
  return { perProcess, mean, standardError, withinNoise: Math.abs(mean) <= 2 * standardError };
}
