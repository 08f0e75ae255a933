import { measure } from "./measure.ts";
import { evaluateGate, GATE_DEFAULTS, type GateReport, gateLines, gateSettings, memoryLines, renderGate } from "./gate.ts";
import { writeReadme } from "./readme.ts";
import { parseCommandLine, wholeNumber } from "../shared/args.ts";
import { reportsDir, writeReportFiles } from "../shared/report-files.ts";

// pnpm perf-gate [--record | --out DIR]: measures the candidate against level-cache in one run and exits
// 1, with the figures printed, when a check fails; the report goes to .runs/ (reports/ with --record).
// The other options exist to test the gate itself (a deliberately slow candidate, fewer repetitions);
// CI runs it without any.

async function main(): Promise<number> {
  const { values } = parseCommandLine({
    candidate: { type: "string", default: GATE_DEFAULTS.candidate },
    repetitions: { type: "string", default: String(GATE_DEFAULTS.repetitions) },
    "duration-ms": { type: "string", default: String(GATE_DEFAULTS.durationMs) },
    size: { type: "string", default: String(GATE_DEFAULTS.size) },
    "cold-start-samples": { type: "string", default: String(GATE_DEFAULTS.coldStartSamples) },
    record: { type: "boolean", default: false },
    out: { type: "string" },
  });
  const number = (name: string, text: string) => wholeNumber(text, name, 1)!;
  const settings = gateSettings({
    candidate: values.candidate,
    repetitions: number("repetitions", values.repetitions),
    durationMs: number("duration-ms", values["duration-ms"]),
    size: number("size", values.size),
    seed: GATE_DEFAULTS.seed,
    coldStartSamples: number("cold-start-samples", values["cold-start-samples"]),
  });
  const bench = await measure(settings, (line) => console.log(`  ${line}`));
  const report: GateReport = { ...bench, kind: "perf-gate" };
  const dir = values.out ?? reportsDir(values.record);
  await writeReportFiles(dir, "perf-gate", report, renderGate(report, "perf-gate"));
  await writeReadme(dir);
  const verdict = evaluateGate(report);
  console.log("");
  for (const line of [...gateLines(verdict).slice(0, -1), ...memoryLines(report).map((l) => `      ${l}`), gateLines(verdict).at(-1)!]) {
    console.log(line);
  }
  return verdict.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(2);
  },
);
