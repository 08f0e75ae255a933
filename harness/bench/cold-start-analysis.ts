import type { Side } from "./analysis.ts";
import type { BenchReport, CellFailure, ColdStartSample } from "./results.ts";
import { spread } from "../shared/stats.ts";

// The figures of the cold-start samples, as sides to compare: each sample is one fresh process, and
// sample i of both sides ran in the same round, so their ratio is a paired one like a cell's repetitions.

export type ColdStartMetric = "coldStart" | "coldStartImport" | "coldStartBoot" | "coldStartOpen" | "coldStartGet";

export const COLD_START_METRICS: Record<ColdStartMetric, { label: string; value: (s: ColdStartSample) => number }> = {
  coldStart: { label: "new process to its first get resolved (cold start)", value: (s) => s.firstGetMs },
  coldStartImport: { label: "import() of the entry point alone", value: (s) => s.importMs },
  coldStartBoot: { label: "node's own start-up, before the import", value: (s) => s.bootMs },
  coldStartOpen: { label: "opening the cache", value: (s) => s.openMs },
  coldStartGet: { label: "the first get", value: (s) => s.getMs },
};

type Report = Pick<BenchReport, "coldStart">;

/** A backend's cold-start figures; none when it was not measured or a sample failed. */
export function coldStartSideOf(report: Report, backend: string, metric: ColdStartMetric): Side | undefined {
  const side = report.coldStart?.sides.find((s) => s.backend === backend);
  if (side === undefined || side.samples.length === 0 || side.failures.length > 0) return undefined;
  const values = side.samples.map(COLD_START_METRICS[metric].value);
  return { backend, processes: 1, values, stats: spread(values) };
}

export function coldStartFailuresOf(report: Report, backend: string): CellFailure[] {
  return report.coldStart?.sides.find((s) => s.backend === backend)?.failures ?? [];
}
