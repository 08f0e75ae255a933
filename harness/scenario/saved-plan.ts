// A plan saved from a failure, replayed as it is: the durable form of a counterexample, unlike a
// seed and path, which name a different plan once the scenario's generator changes.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import type { RunPlan, Scenario } from "./scenario.ts";

type ReportLike = { rows?: { counterexample?: { plan?: RunPlan<unknown> } }[] };

/** Reads a plan from a JSON file (gzipped when it ends in .gz): a plan itself, or a report holding a failing one. */
export function loadPlan(file: string): RunPlan<unknown> {
  const bytes = readFileSync(file);
  const data = JSON.parse((file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8")) as RunPlan<unknown> & ReportLike;
  if (Array.isArray(data.processes)) return data;
  const plan = data.rows?.find((row) => row.counterexample?.plan !== undefined)?.counterexample?.plan;
  if (plan === undefined) throw new Error(`${file} holds neither a plan nor a report with a failing plan`);
  return plan;
}

/** The scenario with its generator replaced by one saved plan: same processes, same checks. */
export function replaying<C>(scenario: Scenario<C>, plan: RunPlan<unknown>): Scenario<C> {
  return { ...scenario, plan: () => fc.constant(plan as RunPlan<C>) };
}
