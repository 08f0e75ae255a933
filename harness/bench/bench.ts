import { join } from "node:path";
import { measure } from "./measure.ts";
import type { GateReport } from "./gate.ts";
import { renderGate } from "./gate.ts";
import { writeReadme } from "./readme.ts";
import { renderBench } from "./report.ts";
import { integer, parseCommandLine, UsageError, wholeNumber } from "../shared/args.ts";
import { readJson, reportsDir, writeReportFiles } from "../shared/report-files.ts";
import type { BenchReport } from "./results.ts";
import { KNOWN_BACKENDS } from "./backends.ts";
import { benchSettings, CANDIDATE, DEFAULT_SEED, REFERENCE } from "./settings.ts";
import { WORKLOAD_IDS } from "./workloads.ts";
import { renderSoak, runSoak, soakBaseName, soakSettings, type SoakReport } from "./soak.ts";
import { renderSweep, runSweepBench, sweepSettings, type SweepReport } from "./sweep.ts";
import { evictionSettings, type EvictionReport, renderEviction, runEvictionBench } from "./eviction.ts";

// pnpm bench [--quick] [--soak [--ops N] [--cache-options JSON]] [--seed N] [--record | --out DIR]   measure, then write JSON, Markdown, SVG
//   (to .runs/; to the recorded reports/ with --record); a soak of N operations other than a million is bench-soak-<N>
// pnpm bench --sweep [--quick] [--before REV]                        sweepExpired by cache size, and set, against REV's library
// pnpm bench --eviction [--quick]                                   get and set with eviction, and lru's hit ratio against an exact LRU
//   [--backends a,b] [--workloads get,set]   a part of the matrix; redis-cache (a redis-server the run
//   starts on loopback) is measured only when named here
// pnpm bench --render reports/<name>.json                            re-render a report from its JSON alone

const USAGE =
  "usage: pnpm bench [--quick | --soak [--ops N] [--cache-options JSON] | --sweep [--quick] [--before REV] | --eviction [--quick]] [--seed N] [--backends a,b] [--workloads w,v] [--record | --out DIR] | pnpm bench --render <report.json>\n" +
  `  backends: ${KNOWN_BACKENDS.join(", ")} (${CANDIDATE} and ${REFERENCE} always among them); workloads: ${WORKLOAD_IDS.join(", ")}`;

/** A comma-separated list, every item one of `known`; undefined when the option was not given. */
function list<T extends string>(value: string | undefined, name: string, known: readonly T[]): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(",");
  const unknown = items.find((item) => !(known as readonly string[]).includes(item));
  if (unknown !== undefined) throw new UsageError(`--${name}: unknown ${JSON.stringify(unknown)}; known: ${known.join(", ")}`);
  return items as T[];
}

async function render(path: string): Promise<string[]> {
  const report = await readJson<BenchReport | SoakReport | GateReport | SweepReport | EvictionReport>(path);
  if (report === undefined) throw new Error(`no report at ${path}`);
  const dir = join(path, "..");
  const base = path.replace(/^.*\//, "").replace(/\.json$/, "");
  const rendered =
    report.kind === "bench"
      ? renderBench(report, base)
      : report.kind === "soak"
        ? renderSoak(report, base)
        : report.kind === "sweep"
          ? renderSweep(report, base)
          : report.kind === "eviction"
            ? renderEviction(report, base)
            : renderGate(report, base);
  return [...(await writeReportFiles(dir, base, undefined, rendered)), await writeReadme(dir)];
}

/** `--cache-options '{"maxSizeBytes": 134217728}'`: options for the soak's openLmdbCache, as a JSON object. */
function cacheOptions(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let options: unknown;
  try {
    options = JSON.parse(text);
  } catch {
    throw new UsageError(`--cache-options takes a JSON object, got ${JSON.stringify(text)}`);
  }
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw new UsageError(`--cache-options takes a JSON object, got ${text}`);
  return options as Record<string, unknown>;
}

async function main(): Promise<void> {
  const { values } = parseCommandLine({
    quick: { type: "boolean", default: false },
    soak: { type: "boolean", default: false },
    ops: { type: "string" },
    "cache-options": { type: "string" },
    sweep: { type: "boolean", default: false },
    eviction: { type: "boolean", default: false },
    before: { type: "string" },
    seed: { type: "string" },
    record: { type: "boolean", default: false },
    out: { type: "string" },
    render: { type: "string" },
    backends: { type: "string" },
    workloads: { type: "string" },
    help: { type: "boolean", default: false },
  });
  if (values.help) return console.log(USAGE);
  if (values.render !== undefined) {
    for (const file of await render(values.render)) console.log(`wrote ${file}`);
    return;
  }
  const seed = integer(values.seed, "seed") ?? DEFAULT_SEED;
  const dir = values.out ?? reportsDir(values.record);
  const log = (line: string) => console.log(line);
  let written: string[];
  if (values.soak) {
    const report = await runSoak(soakSettings(seed, wholeNumber(values.ops, "ops", 1_000), cacheOptions(values["cache-options"])), log);
    const base = soakBaseName(report.settings.totalOps, report.settings.cacheOptions);
    written = await writeReportFiles(dir, base, report, renderSoak(report, base));
  } else if (values.sweep) {
    const base = values.quick ? "bench-sweep-quick" : "bench-sweep";
    const report = await runSweepBench(sweepSettings(values.quick, seed, values.before), log);
    written = await writeReportFiles(dir, base, report, renderSweep(report, base));
  } else if (values.eviction) {
    const base = values.quick ? "bench-eviction-quick" : "bench-eviction";
    const report = await runEvictionBench(evictionSettings(values.quick, seed), log);
    written = await writeReportFiles(dir, base, report, renderEviction(report, base));
  } else {
    const backends = list(values.backends, "backends", KNOWN_BACKENDS);
    if (backends !== undefined && !(backends.includes(CANDIDATE) && backends.includes(REFERENCE))) {
      throw new UsageError(`--backends must include ${CANDIDATE} and ${REFERENCE}, what every report is read against`);
    }
    const workloads = list(values.workloads, "workloads", WORKLOAD_IDS);
    const settings = { ...benchSettings(values.quick ? "quick" : "full", seed), ...(backends && { backends }), ...(workloads && { workloads }) };
    const base = values.quick ? "bench-quick" : "bench";
    const report = await measure(settings, log);
    written = await writeReportFiles(dir, base, report, renderBench(report, base));
  }
  written.push(await writeReadme(dir));
  for (const file of written) console.log(`wrote ${file}`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
