import { join } from "node:path";
import { parseArgs } from "node:util";
import { runBench } from "./measure.ts";
import { evaluateGate, GATE_DEFAULTS, type GateReport, gateLines, gateSettings, memoryLines, renderGate } from "./gate.ts";
import { writeReadme } from "./readme.ts";
import { writeReportFiles } from "../shared/report-files.ts";
import { REPO_ROOT } from "./worker-process.ts";

// pnpm perf-gate: measures the candidate against level-cache in one run and exits 1, with the figures
// printed, when a check fails. The options exist to test the gate itself (a deliberately slow
// candidate, fewer repetitions); CI runs it without any.

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      candidate: { type: "string", default: GATE_DEFAULTS.candidate },
      repetitions: { type: "string", default: String(GATE_DEFAULTS.repetitions) },
      "duration-ms": { type: "string", default: String(GATE_DEFAULTS.durationMs) },
      size: { type: "string", default: String(GATE_DEFAULTS.size) },
      "cold-start-samples": { type: "string", default: String(GATE_DEFAULTS.coldStartSamples) },
      out: { type: "string", default: join(REPO_ROOT, "reports") },
    },
  });
  const number = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${text}`);
    return n;
  };
  const settings = gateSettings({
    candidate: values.candidate,
    repetitions: number("repetitions", values.repetitions),
    durationMs: number("duration-ms", values["duration-ms"]),
    size: number("size", values.size),
    seed: GATE_DEFAULTS.seed,
    coldStartSamples: number("cold-start-samples", values["cold-start-samples"]),
  });
  const bench = await runBench(settings, (line) => console.log(`  ${line}`));
  const report: GateReport = { ...bench, kind: "perf-gate" };
  await writeReportFiles(values.out, "perf-gate", report, renderGate(report, "perf-gate"));
  await writeReadme(values.out);
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
