import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { doctoredColdStart, doctoredReport } from "./fixtures/doctored-report.ts";
import { evaluateGate, GATE_CHECKS, GATE_DEFAULTS, type GateReport, gateLines, gateSettings, renderGate } from "./gate.ts";

const settings = gateSettings(GATE_DEFAULTS);
const lib = settings.candidate;
const level = settings.reference;

/** Figures that pass every check with a wide margin. */
const healthy = {
  get4: { ops: 400_000, rssMiB: 120, openMs: 3 },
  set4: { ops: 60_000, rssMiB: 120, openMs: 3 },
  footprint: { ops: 60_000, rssMiB: 110, openMs: 3 },
  levelGet: { ops: 40_000, rssMiB: 100, openMs: 40 },
  levelSet: { ops: 20_000, rssMiB: 100, openMs: 40 },
  levelFootprint: { ops: 20_000, rssMiB: 100, openMs: 40 },
  coldStart: { firstGetMs: 100, importMs: 30 },
  levelColdStart: { firstGetMs: 100, importMs: 28 },
};

function report(changes: Partial<typeof healthy> = {}) {
  const f = { ...healthy, ...changes };
  const coldStart = doctoredColdStart(settings.sizes[0]!, { [lib]: f.coldStart, [level]: f.levelColdStart });
  const cells = doctoredReport(settings, {
    [`get/1/${lib}`]: f.get4,
    [`get/4/${lib}`]: f.get4,
    [`set/1/${lib}`]: f.set4,
    [`set/4/${lib}`]: f.set4,
    [`footprint/1/${lib}`]: f.footprint,
    [`get/1/${level}`]: f.levelGet,
    [`get/4/${level}`]: "locked",
    [`set/1/${level}`]: f.levelSet,
    [`set/4/${level}`]: "locked",
    [`footprint/1/${level}`]: f.levelFootprint,
  });
  return { ...cells, coldStart };
}

const failing = (changes: Partial<typeof healthy>) =>
  evaluateGate(report(changes))
    .results.filter((r) => r.met !== true)
    .map((r) => r.id);

describe("the perf gate", () => {
  it("passes healthy figures, comparing 4 processes against level-cache's 1-process figure", () => {
    const verdict = evaluateGate(report());
    expect(verdict.passed).toBe(true);
    const reads = verdict.results.find((r) => r.id === "concurrent-reads")!;
    expect(reads.ratio?.ratio).toBe(10);
    expect(reads.ratio?.against.processes).toBe(1);
    expect(gateLines(verdict).at(-1)).toBe("perf-gate: passed");
  });

  const doctored: [string, Partial<typeof healthy>][] = [
    ["concurrent-reads", { get4: { ...healthy.get4, ops: 79_000 } }],
    ["multi-process-writes", { set4: { ...healthy.set4, ops: 29_000 } }],
    ["peak-rss", { footprint: { ...healthy.footprint, rssMiB: 121 } }],
    ["open-time", { footprint: { ...healthy.footprint, openMs: 61 } }],
    ["cold-start", { coldStart: { ...healthy.coldStart, firstGetMs: 151 } }],
  ];
  it.each(doctored)("fails %s alone when only its figure is just past the bar, and prints the figures", (id, changes) => {
    expect(failing(changes)).toEqual([id]);
    const lines = gateLines(evaluateGate(report(changes)));
    const line = lines.find((l) => l.startsWith("FAIL"))!;
    const check = GATE_CHECKS.find((c) => c.id === id)!;
    expect(line).toContain(check.label);
    expect(line).toMatch(/lmdb-cache .+ vs level-cache /);
    expect(lines.at(-1)).toBe("perf-gate: FAILED");
  });

  it("passes a ratio exactly at the bar", () => {
    expect(
      failing({
        get4: { ...healthy.get4, ops: 80_000 },
        footprint: { ...healthy.footprint, rssMiB: 120, openMs: 60 },
        coldStart: { ...healthy.coldStart, firstGetMs: 150 },
      }),
    ).toEqual([]);
  });

  it("fails when a repetition of the candidate failed, saying why", () => {
    const r = report();
    const reads = r.cells.find((c) => c.workload === "get" && c.processes === 4 && c.backend === lib)!;
    if (reads.status === "measured") reads.failures.push({ rep: 1, error: "MDB_BAD_VALSIZE: Unsupported size" });
    const verdict = evaluateGate(r);
    expect(verdict.passed).toBe(false);
    expect(verdict.results.find((x) => x.id === "concurrent-reads")?.verdict).toBe("failed (lmdb-cache: MDB_BAD_VALSIZE: Unsupported size)");
  });

  it("fails when a figure is missing", () => {
    const r = report();
    const missing = { ...r, cells: r.cells.filter((c) => !(c.workload === "footprint" && c.backend === level)) };
    const verdict = evaluateGate(missing);
    expect(verdict.passed).toBe(false);
    expect(verdict.results.filter((x) => x.met === undefined).map((x) => x.id)).toEqual(["peak-rss", "open-time"]);
  });

  it("judges cold start on the whole process, not on the import alone", () => {
    // The import twice as slow as level-cache's, the whole start at par: the import row only informs.
    const verdict = evaluateGate(report({ coldStart: { firstGetMs: 100, importMs: 60 } }));
    expect(verdict.passed).toBe(true);
    expect(verdict.results.find((r) => r.id === "cold-start")?.ratio?.ratio).toBe(1);
  });

  it("fails when cold start was not measured", () => {
    const { coldStart: _, ...without } = report();
    const verdict = evaluateGate(without);
    expect(verdict.passed).toBe(false);
    expect(verdict.results.filter((x) => x.met === undefined).map((x) => x.id)).toEqual(["cold-start"]);
  });

  it("fails when the entry point could not be imported, saying why", () => {
    const r = report();
    const side = r.coldStart.sides.find((s) => s.backend === lib)!;
    side.samples = [];
    side.failures.push({ rep: 0, error: "cold-start: cannot import @promethean/lmdb-cache: ERR_MODULE_NOT_FOUND" });
    const verdict = evaluateGate(r);
    expect(verdict.passed).toBe(false);
    expect(verdict.results.find((x) => x.id === "cold-start")?.verdict).toBe(
      "failed (lmdb-cache: cold-start: cannot import @promethean/lmdb-cache: ERR_MODULE_NOT_FOUND)",
    );
    expect(renderGate({ ...r, kind: "perf-gate" }, "perf-gate").markdown).toContain("**FAILED** at sample 1: cold-start: cannot import");
  });

  it("prints and renders cold start like the other checks, with each side's median and p90", () => {
    const r = report({ coldStart: { firstGetMs: 120, importMs: 45 } });
    const line = gateLines(evaluateGate(r)).find((l) => l.includes("Cold start"))!;
    expect(line).toMatch(/^PASS .+: 1\.20x \(reps 1\.20x–1\.20x\), needs at most 1\.50x of level-cache — lmdb-cache 120 ms, p90 120 ms \(5 fresh processes\) vs level-cache 100 ms/);
    const { markdown } = renderGate({ ...r, kind: "perf-gate" }, "perf-gate");
    expect(markdown).toMatch(/\| Cold start: a new process to its first get resolved, import included \| at most 1\.50x \| 1\.20x \| met \|/);
    expect(markdown).toContain("| import() of the entry point alone | 45.00 | 45.00 | 28.00 | 28.00 | 1.61x | none (informative) |");
  });
});

describe("pnpm perf-gate against a deliberately slow, memory-hungry candidate", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("exits 1 and prints every failed check with its figures", async () => {
    const out = await mkdtemp(join(tmpdir(), "perf-gate-test-"));
    dirs.push(out);
    const script = fileURLToPath(new URL("./perf-gate.ts", import.meta.url));
    const run = await execa(
      "node",
      [
        ...["--import", "tsx", script, "--candidate", "slowed-lmdb-cache", "--repetitions", "1", "--duration-ms", "300", "--size", "1000"],
        ...["--cold-start-samples", "2", "--out", out],
      ],
      { reject: false, all: true },
    );
    expect(run.exitCode, run.all).toBe(1);
    const fails = run.all.split("\n").filter((l) => l.startsWith("FAIL"));
    expect(fails).toHaveLength(GATE_CHECKS.length);
    for (const line of fails) expect(line).toMatch(/slowed-lmdb-cache .+ vs level-cache /);
    expect(run.all).toContain("perf-gate: FAILED");
    const written = JSON.parse(await readFile(join(out, "perf-gate.json"), "utf8")) as GateReport;
    expect(evaluateGate(written).passed).toBe(false);
  }, 120_000);
});
