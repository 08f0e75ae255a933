import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeReportFiles } from "../shared/report-files.ts";
import { buildReport, overallVerdict, renderReport } from "./report.ts";
import type { RowResult } from "./runner.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const run = { index: 0, shrinking: false, passed: true, seconds: 1, processes: 3, opsChecked: 40, clockSpreadMs: 0.01 };
const passed: RowResult = {
  backend: "lmdb",
  verdict: "passed",
  runs: 2,
  shrinks: 0,
  stoppedByDuration: false,
  processesPerRun: 3,
  seconds: 2,
  opsChecked: 80,
  checks: [{ name: "reads are fine", checked: 70, failedRuns: 0, failures: [] }],
  executions: [0, 1].map((index) => ({
    ...run,
    index,
    perProcess: [
      { proc: "w0", role: "writer", ops: 10, killed: true, killedIn: "in batch" },
      { proc: "r0", role: "reader", ops: 30, killed: false },
    ],
  })),
};
const unsupported: RowResult = { ...passed, backend: "level", verdict: "unsupported", reason: "LEVEL_LOCKED: a second process cannot open the directory", executions: [] };
const failed: RowResult = {
  ...passed,
  verdict: "failed",
  counterexample: { seed: 1, path: "0:1", replay: "pnpm scenario x --seed 1 --path 0:1", plan: undefined, failedChecks: [{ name: "reads are fine", failures: ["r0#3 a|b"] }], history: undefined },
};

describe("reports", () => {
  it("pass when every row that ran passed; an unsupported row alone decides nothing", () => {
    expect(overallVerdict([passed, unsupported])).toBe("passed");
    expect(overallVerdict([failed, unsupported])).toBe("failed");
    expect(overallVerdict([unsupported])).toBe("unsupported");
  });

  it("write JSON and Markdown with per-process totals, the unsupported row and the replay command", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scenario-report-"));
    dirs.push(dir);
    const settings = { writers: 1, readers: 1, runs: 2, seed: 1, shrinks: 0, runTimeoutMs: 1000 };
    const report = buildReport({ name: "x", summary: "a scenario" }, settings, ["lmdb", "level"], [failed, unsupported], "pnpm scenario x");
    const [, mdPath] = await writeReportFiles(dir, report.scenario, report, renderReport(report));
    const md = readFileSync(mdPath!, "utf8");
    expect(md).toContain("**Verdict: failed**");
    expect(md).toContain("| level | unsupported (LEVEL_LOCKED) |");
    expect(md).toContain("| w0 | writer | 2 | 20 | 2 (2 in batch) |");
    expect(md).toContain("Replay: `pnpm scenario x --seed 1 --path 0:1`");
    expect(md).toContain("r0#3 a\\|b");
    const json = JSON.parse(readFileSync(join(dir, "x.json"), "utf8"));
    expect(json.rows[0].perProcess[1]).toEqual({ proc: "r0", role: "reader", runs: 2, ops: 60, kills: 0, killedIn: {} });
  });
});
