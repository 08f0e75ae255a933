import { type Check, ratioOf } from "./analysis.ts";
import { COLD_START_METRICS, type ColdStartMetric, coldStartSideOf } from "./cold-start-analysis.ts";
import { ms, ranged, ratio, table } from "./format.ts";
import type { BenchReport } from "./results.ts";
import { quantile } from "../shared/stats.ts";

// The cold-start section of the benchmark and gate reports: each side's median and p90 by phase,
// and their ratio, with the goal of whichever phase is judged (the others inform).

const PHASES = Object.keys(COLD_START_METRICS) as ColdStartMetric[];

export function coldStartSection(report: Pick<BenchReport, "coldStart" | "settings">, goals: readonly Check[], heading: string): string[] {
  const result = report.coldStart;
  if (result === undefined) return [];
  const { candidate, reference } = report.settings;
  const sideColumns = (backend: string, metric: ColdStartMetric) => {
    const side = coldStartSideOf(report, backend, metric);
    if (side === undefined) return [result.sides.find((s) => s.backend === backend)?.failures.length ? "failed" : "–", ""];
    return [ms(side.stats.median), ms(quantile(side.values, 0.9))];
  };
  const rows = PHASES.map((metric) => {
    const cand = coldStartSideOf(report, candidate, metric);
    const ref = coldStartSideOf(report, reference, metric);
    const r = cand && ref ? ratioOf(cand, ref) : undefined;
    const goal = goals.find((c) => c.metric === metric);
    return [
      COLD_START_METRICS[metric].label,
      ...sideColumns(candidate, metric),
      ...sideColumns(reference, metric),
      r ? ranged(r.ratio, r.min, r.max, ratio) : "–",
      goal ? `${goal.direction} ${ratio(goal.goal)}` : "none (informative)",
    ];
  });
  const samples = Math.max(...result.sides.map((s) => s.samples.length));
  return [
    heading,
    "",
    `Each sample is a fresh plain \`node\` process (no loader) that imports the backend's entry point, opens a copy of the ${result.size.toLocaleString("en")}-entry data set, ` +
      `gets \`${result.key}\` and checks the value read; times are from the process's own start (its \`performance.timeOrigin\`). ` +
      `${samples} samples per side after ${result.warmups} discarded warm-up, the sides taking turns; the ratio is of the medians, with the range of the ratios within each round.`,
    "",
    table(["phase", `${candidate} median ms`, "p90", `${reference} median ms`, "p90", `${candidate} / ${reference}`, "goal"], rows),
    "",
    ...result.sides.map((s) => {
      const failed = s.failures[0];
      return `- ${s.backend} imported ${s.entry ? `\`${s.entry}\`` : "nothing"}${failed ? `; **FAILED** at sample ${failed.rep + 1}: ${failed.error}` : ""}.`;
    }),
    "",
  ];
}
