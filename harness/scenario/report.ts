// <scenario>.json (everything a run produced, for tools) and <scenario>.md (for people).
import { CLOCK_TOLERANCE_MS } from "../shared/clock.ts";
import type { RenderedReport } from "../shared/report-files.ts";
import type { RowResult, ScenarioSettings } from "./runner.ts";
import type { Scenario } from "./scenario.ts";

/** A failing history is kept in the report up to this many operations. */
const HISTORY_KEPT = 5000;

export type ProcessTotal = { proc: string; role: string; runs: number; ops: number; kills: number; killedIn: Record<string, number> };

export type ScenarioReport = {
  scenario: string;
  summary: string;
  notes: string[];
  command: string;
  finishedAt: string;
  settings: Omit<ScenarioSettings, "backend"> & { backends: string[]; clockToleranceMs: number };
  verdict: "passed" | "failed" | "unsupported";
  seconds: number;
  rows: (Omit<RowResult, "executions"> & { perProcess: ProcessTotal[]; maxClockSpreadMs: number })[];
};

function perProcess(row: RowResult): ProcessTotal[] {
  const totals = new Map<string, ProcessTotal>();
  for (const run of row.executions) {
    for (const p of run.perProcess) {
      let total = totals.get(p.proc);
      if (total === undefined) totals.set(p.proc, (total = { proc: p.proc, role: p.role, runs: 0, ops: 0, kills: 0, killedIn: {} }));
      total.runs++;
      total.ops += p.ops;
      if (p.killed) {
        total.kills++;
        const where = p.killedIn ?? "unknown";
        total.killedIn[where] = (total.killedIn[where] ?? 0) + 1;
      }
    }
  }
  return [...totals.values()];
}

/** Passed when every row that ran passed; unsupported only when no row could run at all. */
export function overallVerdict(rows: RowResult[]): ScenarioReport["verdict"] {
  if (rows.some((r) => r.verdict === "failed")) return "failed";
  return rows.some((r) => r.verdict === "passed") ? "passed" : "unsupported";
}

export function buildReport(
  scenario: Pick<Scenario, "name" | "summary" | "notes">,
  settings: Omit<ScenarioSettings, "backend">,
  backends: string[],
  rows: RowResult[],
  command: string,
): ScenarioReport {
  return {
    scenario: scenario.name,
    summary: scenario.summary,
    notes: scenario.notes ?? [],
    command,
    finishedAt: new Date().toISOString(),
    settings: { ...settings, backends, clockToleranceMs: CLOCK_TOLERANCE_MS },
    verdict: overallVerdict(rows),
    seconds: rows.reduce((sum, r) => sum + r.seconds, 0),
    rows: rows.map(({ executions, ...row }) => {
      const counterexample =
        row.counterexample?.history === undefined
          ? row.counterexample
          : { ...row.counterexample, history: { ...row.counterexample.history, records: row.counterexample.history.records.slice(0, HISTORY_KEPT) } };
      return {
        ...row,
        ...(counterexample === undefined ? {} : { counterexample }),
        perProcess: perProcess({ ...row, executions }),
        maxClockSpreadMs: Math.max(0, ...executions.map((e) => e.clockSpreadMs)),
      };
    }),
  };
}

function markdown(report: ScenarioReport): string {
  const lines: string[] = [];
  const s = report.settings;
  lines.push(`# Scenario \`${report.scenario}\``, "", report.summary, "");
  lines.push(`**Verdict: ${report.verdict}** (${report.seconds.toFixed(1)} s, finished ${report.finishedAt})`, "");
  lines.push(`Command: \`${report.command}\``, "");
  lines.push(
    `Settings: ${s.writers} writers, ${s.readers} readers, ${s.runs} runs, seed ${s.seed}${s.path === undefined ? "" : `, path ${s.path}`}` +
      `${s.durationMs === undefined ? "" : `, duration ${s.durationMs} ms`}, up to ${s.shrinks} shrink attempts. ` +
      `Operations are ordered on one clock shared by all processes (CLOCK_MONOTONIC plus an epoch offset fixed per run, ` +
      `so wall-clock milliseconds); two operations count as ordered when one completed more than ${s.clockToleranceMs} ms ` +
      `before the other began. "Own wall clocks" is how far the processes' performance.timeOrigin-based clocks disagreed, ` +
      `the reason they are not used for ordering.`,
    "",
  );
  for (const note of report.notes) lines.push(note, "");
  lines.push("| backend | verdict | runs | shrink steps | processes per run | operations checked | own wall clocks apart (ms, max) | seconds |");
  lines.push("|---|---|---|---|---|---|---|---|");
  for (const row of report.rows) {
    const verdict = row.verdict === "unsupported" ? `unsupported (${row.reason?.split(":")[0]})` : row.verdict;
    lines.push(
      `| ${row.backend} | ${verdict} | ${row.runs}${row.stoppedByDuration ? " (stopped by --duration)" : ""} | ${row.shrinks} | ${row.processesPerRun} | ${row.opsChecked} | ${row.maxClockSpreadMs.toFixed(3)} | ${row.seconds.toFixed(1)} |`,
    );
  }
  for (const row of report.rows) {
    if (row.verdict === "unsupported") continue;
    lines.push("", `## ${row.backend}`, "", "| property | checked | runs failed |", "|---|---|---|");
    for (const check of row.checks) lines.push(`| ${check.name} | ${check.checked} | ${check.failedRuns} |`);
    lines.push("", "| process | role | runs | operations | killed |", "|---|---|---|---|---|");
    for (const p of row.perProcess) {
      const where = Object.entries(p.killedIn).map(([when, n]) => `${n} ${when}`).join(", ");
      lines.push(`| ${p.proc} | ${p.role} | ${p.runs} | ${p.ops} | ${p.kills === 0 ? "" : `${p.kills} (${where})`} |`);
    }
    const c = row.counterexample;
    if (c !== undefined) {
      lines.push("", "### Counterexample", "", `Seed ${c.seed}, path \`${c.path}\`. Replay: \`${c.replay}\``, "");
      if (c.error !== undefined) lines.push("```", c.error, "```");
      for (const check of c.failedChecks) {
        lines.push(`- **${check.name}**`);
        for (const failure of check.failures.slice(0, 10)) lines.push(`  - ${failure.replaceAll("|", "\\|")}`);
      }
      lines.push("", `The failing plan and its history are in \`${report.scenario}.json\`.`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function renderReport(report: ScenarioReport): RenderedReport {
  return { markdown: markdown(report), charts: [] };
}
