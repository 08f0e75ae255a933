import { rm } from "node:fs/promises";
import { join } from "node:path";
import { tempDir } from "./cells.ts";
import { ms, ops, ranged, ratio, table } from "./format.ts";
import { startProvenance } from "./machine.ts";
import { provenanceLines } from "./report.ts";
import type { Provenance } from "./results.ts";
import { REPO_ROOT, runChild } from "../shared/child.ts";
import type { RenderedReport } from "../shared/report-files.ts";
import { quantile } from "../shared/stats.ts";

// What eviction costs and how well its approximate LRU does: gets with recency kept against without,
// sets below a bound against sets without one, sets that evict against sets below the bound, and the hit ratio on a Zipf trace against an exact LRU
// replayed on the same trace. Every configuration runs in a fresh process; the pairs take turns.

const WORKER = join(REPO_ROOT, "harness/bench/eviction-worker.ts");

export type EvictionMeasure = "get-off" | "get-on" | "set-off" | "set-below" | "set-pressure" | "hit-ratio";
export type EvictionJob = { dir: string; measure: EvictionMeasure; seed: number; keys: number; valueBytes: number; boundBytes: number; ms: number; traceOps: number };
export type EvictionRun = { opsPerSecond: number; cpuUsPerOp: number } | { hitRatio: number; exactHitRatio: number; capacity: number };

export type EvictionSettings = { seed: number; keys: number; valueBytes: number; boundBytes: number; ms: number; rounds: number; traceOps: number };

export type EvictionReport = Provenance & {
  kind: "eviction";
  settings: EvictionSettings;
  runs: Array<{ measure: EvictionMeasure; round: number; run: EvictionRun }>;
};

export function evictionSettings(quick: boolean, seed: number): EvictionSettings {
  return quick
    ? { seed, keys: 20_000, valueBytes: 200, boundBytes: 2 * 1024 * 1024, ms: 700, rounds: 3, traceOps: 100_000 }
    : { seed, keys: 100_000, valueBytes: 200, boundBytes: 8 * 1024 * 1024, ms: 2000, rounds: 5, traceOps: 500_000 };
}

/** In turn within each round, so that the two sides of every row run close together. */
const MEASURES: EvictionMeasure[] = ["get-off", "get-on", "set-off", "set-below", "set-pressure", "hit-ratio"];

export async function runEvictionBench(settings: EvictionSettings, log: (line: string) => void): Promise<EvictionReport> {
  const provenance = await startProvenance();
  const report: EvictionReport = { ...provenance(), kind: "eviction", settings, runs: [] };
  for (let round = 0; round < settings.rounds; round++) {
    for (const measure of MEASURES) {
      if (measure === "hit-ratio" && round > 0) continue;
      const dir = await tempDir(`eviction-${measure}`);
      try {
        const { seed, keys, valueBytes, boundBytes, ms: runMs, traceOps } = settings;
        const child = await runChild<EvictionRun>(WORKER, { dir, measure, seed, keys, valueBytes, boundBytes, ms: runMs, traceOps }, { tsx: true });
        if (child.exitCode !== 0 || child.result === undefined) throw new Error(`eviction worker (${measure}) failed: ${child.stderr}`);
        report.runs.push({ measure, round, run: child.result });
        log(`eviction bench: ${measure} round ${round + 1}: ${JSON.stringify(child.result)}`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  }
  return { ...report, ...provenance() };
}

const median = (values: number[]) => quantile(values, 0.5);

export function renderEviction(report: EvictionReport, _base: string): RenderedReport {
  const { settings } = report;
  const of = (measure: EvictionMeasure, figure: "opsPerSecond" | "cpuUsPerOp") =>
    report.runs.filter((r) => r.measure === measure).map((r) => (r.run as { opsPerSecond: number; cpuUsPerOp: number })[figure]);
  const spread = (values: number[], format: (v: number) => string) => ranged(median(values), Math.min(...values), Math.max(...values), format);
  const pairRow = (label: string, base: EvictionMeasure, other: EvictionMeasure) => [
    label,
    spread(of(base, "opsPerSecond"), ops),
    spread(of(other, "opsPerSecond"), ops),
    ratio(median(of(base, "opsPerSecond")) / median(of(other, "opsPerSecond"))),
    spread(of(base, "cpuUsPerOp"), ms),
    spread(of(other, "cpuUsPerOp"), ms),
    ratio(median(of(other, "cpuUsPerOp")) / median(of(base, "cpuUsPerOp"))),
  ];
  const hit = report.runs.find((r) => r.measure === "hit-ratio")?.run as { hitRatio: number; exactHitRatio: number; capacity: number } | undefined;
  const markdown = [
    "# Eviction",
    "",
    ...provenanceLines(report),
    `- Settings: seed ${settings.seed}; every configuration in a fresh process, the two sides of a row taking turns over ${settings.rounds} rounds of ${settings.ms} ms; ` +
      `median (range). ${settings.keys.toLocaleString("en")} keys of ${settings.valueBytes}-byte values, drawn with Zipf's law (s = 1) for gets; ` +
      `bound ${settings.boundBytes.toLocaleString("en")} bytes under pressure, 1 GiB (never reached) for "on" and "below"; real clock, and for gets the entries written 10 minutes ` +
      "before the timed gets by the cache's clock (a cache in use that long: how often recency is rewritten follows that age).",
    "",
    "## Awaited operations",
    "",
    table(
      ["operation", "base ops/s", "compared ops/s", "time compared / base", "base µs CPU", "compared µs CPU", "CPU compared / base"],
      [pairRow("get: unbounded (base) against lru keeping recency (compared)", "get-off", "get-on"), pairRow("set of a new key: unbounded (base) against below a bound (compared)", "set-off", "set-below"), pairRow("set of a new key: below the bound (base) against evicting (compared)", "set-below", "set-pressure")],
    ),
    "",
    "## Hit ratio on a Zipf trace",
    "",
    hit === undefined
      ? "Not measured."
      : `${settings.traceOps.toLocaleString("en")} operations (get, set on a miss), the cache's clock moving 1 ms per operation: "lru" hit ${hit.hitRatio.toFixed(3)}; ` +
        `an exact LRU of ${hit.capacity.toLocaleString("en")} entries (the cache's mean number) hit ${hit.exactHitRatio.toFixed(3)} on the same trace: ${ratio(hit.hitRatio / hit.exactHitRatio)} of it.`,
    "",
  ].join("\n");
  return { markdown, charts: [] };
}
