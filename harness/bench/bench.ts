import { join } from "node:path";
import { parseArgs } from "node:util";
import { runBench } from "./measure.ts";
import type { GateReport } from "./gate.ts";
import { renderGate } from "./gate.ts";
import { writeReadme } from "./readme.ts";
import { renderBench } from "./report.ts";
import { readJson, writeReportFiles } from "../shared/report-files.ts";
import type { BenchReport } from "./results.ts";
import { benchSettings, DEFAULT_SEED } from "./settings.ts";
import { renderSoak, runSoak, type SoakReport } from "./soak.ts";
import { REPO_ROOT } from "./worker-process.ts";

// pnpm bench [--quick] [--soak] [--seed N] [--out DIR]   measure, then write JSON, Markdown, SVG
// pnpm bench --render reports/<name>.json                 re-render a report from its JSON alone

const USAGE = "usage: pnpm bench [--quick | --soak] [--seed N] [--out DIR] | pnpm bench --render <report.json>";

async function render(path: string): Promise<string[]> {
  const report = await readJson<BenchReport | SoakReport | GateReport>(path);
  if (report === undefined) throw new Error(`no report at ${path}`);
  const dir = join(path, "..");
  const base = path.replace(/^.*\//, "").replace(/\.json$/, "");
  const rendered = report.kind === "bench" ? renderBench(report, base) : report.kind === "soak" ? renderSoak(report, base) : renderGate(report, base);
  return [...(await writeReportFiles(dir, base, undefined, rendered)), await writeReadme(dir)];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      soak: { type: "boolean", default: false },
      seed: { type: "string" },
      out: { type: "string" },
      render: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  if (values.render !== undefined) {
    for (const file of await render(values.render)) console.log(`wrote ${file}`);
    return;
  }
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer\n${USAGE}`);
  const dir = values.out ?? join(REPO_ROOT, "reports");
  const log = (line: string) => console.log(line);
  let written: string[];
  if (values.soak) {
    const report = await runSoak(seed, log);
    written = await writeReportFiles(dir, "bench-soak", report, renderSoak(report, "bench-soak"));
  } else {
    const settings = benchSettings(values.quick ? "quick" : "full", seed);
    const base = values.quick ? "bench-quick" : "bench";
    const report = await runBench(settings, log);
    written = await writeReportFiles(dir, base, report, renderBench(report, base));
  }
  written.push(await writeReadme(dir));
  for (const file of written) console.log(`wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
