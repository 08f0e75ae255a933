// What every campaign returns: named figures (some of which must be zero or reach a count), tables for
// the report, and the failures behind any figure that broke its rule.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleScripts } from "../shared/bundle.ts";

export type Rule = { kind: "zero" } | { kind: "atLeast"; value: number } | { kind: "atMost"; value: number };

export type Figure = { name: string; value: number; unit?: string; rule?: Rule };

export type Table = { title: string; columns: string[]; rows: (string | number)[][] };

export type CampaignResult = {
  id: string;
  title: string;
  seconds: number;
  figures: Figure[];
  tables: Table[];
  /** Findings in words: what the figures mean, and what the library should change, if anything. */
  notes: string[];
  /** Examples behind broken rules (at most a few per kind). */
  failures: string[];
};

/** What a campaign reports; the runner adds how long it took. */
export type CampaignFindings = Omit<CampaignResult, "seconds">;

export type CampaignContext = {
  bundles: Bundles;
  seed: number;
  log: (line: string) => void;
};

export const zero: Rule = { kind: "zero" };
export const atLeast = (value: number): Rule => ({ kind: "atLeast", value });
export const atMost = (value: number): Rule => ({ kind: "atMost", value });

export function holds(figure: Figure): boolean {
  const { rule, value } = figure;
  if (rule === undefined) return true;
  if (rule.kind === "zero") return value === 0;
  if (rule.kind === "atLeast") return value >= rule.value;
  return value <= rule.value;
}

export function describeRule(rule: Rule | undefined): string {
  if (rule === undefined) return "";
  if (rule.kind === "zero") return "= 0";
  return rule.kind === "atLeast" ? `>= ${rule.value}` : `<= ${rule.value}`;
}

/** Keeps a few examples of each kind of failure, so a report stays readable when many fail. */
export function sample(into: string[], label: string, items: readonly string[], most = 5): void {
  for (const item of items.slice(0, most)) into.push(`${label}: ${item}`);
  if (items.length > most) into.push(`${label}: … ${items.length - most} more`);
}

export const WORKERS = ["kill-writer", "kill-verify", "stale-reader", "grow-writer", "busy-writer", "damaged-open", "skew-process", "raw-store", "lifecycle-process", "lifecycle-threads"] as const;
export type WorkerName = (typeof WORKERS)[number];

export type Bundles = { script: (name: WorkerName) => string; dispose: () => void };

/** The campaigns' worker scripts, bundled once per run of the campaigns. */
export async function bundleWorkers(): Promise<Bundles> {
  const { dir, dispose } = await bundleScripts(
    WORKERS.map((name) => fileURLToPath(new URL(`./workers/${name}.ts`, import.meta.url))),
    "reliability-workers",
  );
  return { script: (name) => join(dir, `${name}.mjs`), dispose };
}
