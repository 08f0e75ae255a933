// `pnpm scenario`: runs one scenario against one or both backends, writes <scenario>.json and .md (in
// .runs/, or reports/ with --record), and exits 0 only when every property held.
import { randomInt } from "node:crypto";
import { relative } from "node:path";
import { scenarios } from "../../scenarios/index.ts";
import { UsageError } from "../shared/args.ts";
import { reportsDir, writeReportFiles } from "../shared/report-files.ts";
import { parseCliArgs, USAGE } from "./cli-args.ts";
import { createProgress } from "./progress.ts";
import { buildReport, renderReport } from "./report.ts";
import { type RowResult, runScenario, type ScenarioSettings } from "./runner.ts";
import { loadPlan, replaying } from "./saved-plan.ts";

/** A single run still going after this long has hung. */
const RUN_TIMEOUT_MS = 120_000;
const DEFAULT_SHRINKS = 20;

function main(argv: string[]): Promise<number> | number {
  // The reliability campaigns are not fast-check scenarios: they take their own flags (--quick, --only).
  if (argv[0] === "reliability") return import("../../scenarios/reliability.ts").then((m) => m.main(argv.slice(1)));
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (args.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.kind === "list") return list();
  const scenario = scenarios.find((s) => s.name === args.name);
  if (scenario === undefined) {
    process.stderr.write(`no scenario named ${JSON.stringify(args.name)}; pnpm scenario --list shows them\n`);
    return 2;
  }
  return run(scenario, args);
}

async function list(): Promise<number> {
  const { summary } = await import("../../scenarios/reliability.ts");
  const rows = [...scenarios.map((s) => [s.name, s.summary] as const), ["reliability", summary] as const];
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, text] of rows) process.stdout.write(`${name.padEnd(width)}  ${text}\n`);
  return 0;
}

async function run(generated: (typeof scenarios)[number], args: Extract<ReturnType<typeof parseCliArgs>, { kind: "run" }>): Promise<number> {
  const saved = args.planFile === undefined ? undefined : loadPlan(args.planFile);
  const scenario = saved === undefined ? generated : replaying(generated, saved);
  const count = (role: string) => saved?.processes.filter((p) => p.role === role).length;
  const common: Omit<ScenarioSettings, "backend"> = {
    writers: count("writer") ?? args.writers ?? scenario.defaults.writers,
    readers: count("reader") ?? args.readers ?? scenario.defaults.readers,
    runs: args.runs ?? scenario.defaults.runs,
    seed: args.seed ?? randomInt(2 ** 31),
    ...(args.path === undefined ? {} : { path: args.path }),
    ...(args.planFile === undefined ? {} : { planFile: args.planFile }),
    ...(args.durationMs === undefined ? {} : { durationMs: args.durationMs }),
    shrinks: args.shrinks ?? DEFAULT_SHRINKS,
    runTimeoutMs: RUN_TIMEOUT_MS,
  };
  const out = process.stdout;
  out.write(
    `${scenario.name}: ${common.writers} writers + ${common.readers} readers, ${replayText(common)}, seed ${common.seed}\n`,
  );
  const rows: RowResult[] = [];
  for (const backend of args.backends) {
    const progress = createProgress(out, `${scenario.name} [${backend}]`, common.runs);
    let row: RowResult;
    try {
      row = await runScenario(scenario, { ...common, backend }, progress);
    } finally {
      progress.finish();
    }
    rows.push(row);
    printRow(row);
  }
  const command = `pnpm scenario ${argvText()}`;
  const report = buildReport(scenario, common, args.backends, rows, command);
  const [, written] = await writeReportFiles(reportsDir(args.record), report.scenario, report, renderReport(report));
  const where = relative(process.cwd(), written!) || written!;
  if (report.verdict === "unsupported") out.write(`no backend could run this configuration: report in ${where}\n`);
  else out.write(`${report.verdict === "failed" ? "FAILED" : "passed"}: report in ${where}\n`);
  return report.verdict === "passed" ? 0 : 1;
}

function replayText({ runs, path, planFile }: Omit<ScenarioSettings, "backend">): string {
  if (planFile !== undefined) return `replaying the plan in ${planFile} up to ${runs} times`;
  if (path !== undefined) return `replaying path ${path} up to ${runs} times`;
  return `${runs} runs`;
}

function argvText(): string {
  return process.argv.slice(2).map((a) => (/^[\w./:=-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

function printRow(row: RowResult): void {
  const out = process.stdout;
  if (row.verdict === "unsupported") {
    out.write(`[${row.backend}] unsupported (${row.reason})\n`);
    return;
  }
  out.write(
    `[${row.backend}] ${row.verdict}: ${row.runs} runs${row.shrinks > 0 ? `, ${row.shrinks} shrinks` : ""}${row.stoppedByDuration ? " (stopped by --duration)" : ""}, ` +
      `${row.opsChecked} operations checked, ${row.seconds.toFixed(1)}s\n`,
  );
  for (const check of row.checks) {
    out.write(`  ${check.failedRuns === 0 ? "ok  " : "FAIL"} ${check.name} (${check.checked} checked${check.failedRuns ? `, failed in ${check.failedRuns} runs` : ""})\n`);
  }
  const c = row.counterexample;
  if (c === undefined) return;
  if (c.error !== undefined) out.write(`  error: ${c.error}\n`);
  for (const check of c.failedChecks) {
    out.write(`  counterexample, ${check.name}:\n`);
    for (const failure of check.failures.slice(0, 5)) out.write(`    - ${failure}\n`);
  }
  out.write(`  seed ${c.seed}, path ${c.path}\n  replay: ${c.replay}\n`);
}

// Ctrl-C or a kill still removes the run directories (the runner removes them on exit).
process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));
process.exitCode = await main(process.argv.slice(2));
