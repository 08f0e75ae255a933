import { ms, ranged, ratio, table } from "./format.ts";
import type { BenchReport } from "./results.ts";
import type { StampedeSide } from "./stampede.ts";
import { spread } from "../shared/stats.ts";

// The stampede section of the benchmark report: computations and wall time with getOrSet and without,
// side by side from one run, and whether getOrSet computed each key once (its target).

export function stampedeSection(report: Pick<BenchReport, "stampede">, heading: string): string[] {
  const result = report.stampede;
  if (result === undefined) return [];
  const [withIt, baseline] = result.sides as [StampedeSide, StampedeSide];
  const wall = (side: StampedeSide) => spread(side.runs.map((r) => r.wallMs));
  const rows = result.sides.map((side) => {
    if (side.runs.length === 0) return [side.mode, `FAILED: ${side.failures[0]?.error ?? "not measured"}`, "", "", ""];
    const computations = spread(side.runs.map((r) => r.computations));
    const paired = side.runs.slice(0, baseline.runs.length).map((r, i) => r.wallMs / baseline.runs[i]!.wallMs);
    const w = wall(side);
    const vs = baseline.runs.length === 0 ? "–" : ranged(w.median / wall(baseline).median, Math.min(...paired), Math.max(...paired), ratio);
    const failed = side.failures.length === 0 ? "" : ` (failed in ${side.failures.length}: ${side.failures[0]!.error})`;
    return [side.mode, ranged(computations.median, computations.min, computations.max, String), ranged(w.median, w.min, w.max, ms), vs, `${side.runs.length}${failed}`];
  });
  const counts = withIt.runs.map((r) => r.computations);
  const met = counts.length > 0 && counts.every((n) => n === result.keys);
  return [
    heading,
    "",
    `${result.processes} fresh processes open an empty ${result.backend} and, released together, each ask for the same ${result.keys} keys at once, in an order of its own; ` +
      `each computation costs ${result.computeMs} ms of busy CPU (a loop on the clock, not a sleep), so computations made twice cost the machine what they would. ` +
      "`get-or-set` calls getOrSet; `get-then-set` is each process for itself: get, and on a miss compute and set. Checked in each repetition: every key read back the same from every process, " +
      "with getOrSet every process got that stored value, without it the stored value is one a process got. " +
      `Wall time runs from the first call made to the last resolved, on the machine's monotonic clock; the modes take turns, ${result.repetitions} repetitions, each in fresh processes over a fresh cache.`,
    "",
    table(["mode", "computations (range)", "wall ms (range)", "wall vs get-then-set (paired range)", "repetitions"], rows),
    "",
    `Target: getOrSet computes each key once, ${result.keys} computations in every repetition: **${met ? "met" : "missed"}** (${counts.join(", ") || "none measured"}).`,
    "",
  ];
}
