// Runs a scenario the way `pnpm test` does: few processes, few runs, a fixed seed, no report files.
import { type RowResult, runScenario, type ScenarioSettings } from "../harness/scenario/runner.ts";
import type { Scenario } from "../harness/scenario/scenario.ts";

export const SMALL: Omit<ScenarioSettings, "seed"> = {
  writers: 2,
  readers: 1,
  runs: 2,
  backend: "lmdb",
  shrinks: 0,
  runTimeoutMs: 60_000,
};

/** What a failing run printed, so a failed test says what broke and how to replay it. */
export function explain(row: RowResult): string {
  const c = row.counterexample;
  if (row.verdict !== "failed" || c === undefined) return `${row.backend}: ${row.verdict}${row.reason ? ` (${row.reason})` : ""}`;
  const failures = c.failedChecks.flatMap((check) => [check.name, ...check.failures.slice(0, 3).map((f) => `  - ${f}`)]);
  return [`${row.backend} failed; replay: ${c.replay}`, ...(c.error === undefined ? [] : [c.error]), ...failures].join("\n");
}

export function runSmall<C>(scenario: Scenario<C>, seed: number, settings: Partial<ScenarioSettings> = {}): Promise<RowResult> {
  return runScenario(scenario, { ...SMALL, seed, ...settings });
}
