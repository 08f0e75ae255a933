import { describe, expect, it } from "vitest";
import { doctoredColdStart, doctoredReport } from "./fixtures/doctored-report.ts";
import { renderBench } from "./report.ts";
import { benchSettings } from "./settings.ts";

const settings = { ...benchSettings("quick"), workloads: ["get" as const, "footprint" as const], processCounts: [1, 4], sizes: [1000] };

const cells = doctoredReport(settings, {
  "get/1/lmdb-cache": { ops: 100_000, rssMiB: 120, openMs: 3 },
  "get/4/lmdb-cache": { ops: 300_000, rssMiB: 120, openMs: 3 },
  "get/1/level-cache": { ops: 10_000, rssMiB: 100, openMs: 30 },
  "get/4/level-cache": "locked",
  "get-or-set/1/lmdb-cache": { ops: 80_000, rssMiB: 120, openMs: 3 },
  "get/1/lmdb-raw": { ops: 125_000, rssMiB: 100, openMs: 2 },
  "get/4/lmdb-raw": { ops: 400_000, rssMiB: 100, openMs: 2 },
  "get/1/lmdb-raw-json": { ops: 100_000, rssMiB: 100, openMs: 2 },
  "get/4/lmdb-raw-json": { ops: 300_000, rssMiB: 100, openMs: 2 },
  "footprint/1/lmdb-cache": { ops: 50_000, rssMiB: 110, openMs: 3 },
  "footprint/1/level-cache": { ops: 20_000, rssMiB: 100, openMs: 30 },
});

const report = {
  ...cells,
  coldStart: doctoredColdStart(1000, { "lmdb-cache": { firstGetMs: 120, importMs: 60 }, "level-cache": { firstGetMs: 100, importMs: 30 } }),
  stampede: {
    processes: 8,
    keys: 100,
    computeMs: 2,
    backend: "lmdb-cache",
    repetitions: 2,
    sides: [
      { mode: "get-or-set" as const, runs: [{ computations: 100, wallMs: 40 }, { computations: 101, wallMs: 60 }], failures: [] },
      { mode: "get-then-set" as const, runs: [{ computations: 790, wallMs: 200 }, { computations: 800, wallMs: 200 }], failures: [] },
    ],
  },
};

describe("the benchmark report", () => {
  const { markdown, charts } = renderBench(report, "bench-quick");

  it("states each target with its measured ratio, met or missed, and by how much", () => {
    const row = (label: string) => markdown.split("\n").find((l) => l.includes(label))!;
    expect(row("Concurrent reads")).toMatch(/\| at least 30\.0x \| 30\.0x \| met \|/);
    expect(row("Single process: awaited get/s")).toMatch(/\| at least 20\.0x \| 10\.0x \| \*\*missed\*\* \| 2\.00x short of it \|/);
    expect(row("Peak RSS")).toMatch(/\| at most 1\.00x \| 1\.10x \| \*\*missed\*\* \| 10% over the bar \|/);
    expect(row("raw lmdb-js with its defaults")).toMatch(/\| 1\.25x \| met \|/);
    expect(row("Multi-process writes")).toContain("not measured");
    expect(row("getOrSet on a hit")).toMatch(/\| at most 1\.10x \| 1\.25x \| \*\*missed\*\* \| 14% over the bar \|/);
    expect(row("Cold start")).toMatch(/^\| 1,000 \| Cold start: .+ \| at most 1\.00x \| 1\.20x \| \*\*missed\*\* \| 20% over the bar \|/);
  });

  it("gives cold start its own section: both sides by phase, median and p90, the import informative", () => {
    const section = markdown.slice(markdown.indexOf("## Cold start"), markdown.indexOf("## 1,000 entries"));
    expect(section).toContain("| phase | lmdb-cache median ms | p90 | level-cache median ms | p90 | lmdb-cache / level-cache | goal |");
    expect(section).toContain("| new process to its first get resolved (cold start) | 120 | 120 | 100 | 100 | 1.20x | at most 1.00x |");
    expect(section).toContain("| import() of the entry point alone | 60.00 | 60.00 | 30.00 | 30.00 | 2.00x | none (informative) |");
    expect(section).toContain("- lmdb-cache imported `lmdb-cache/index.js`.");
  });

  it("sets the stampede's computations and wall time with getOrSet beside each process computing for itself", () => {
    const section = markdown.slice(markdown.indexOf("## Stampede"), markdown.indexOf("## 1,000 entries"));
    expect(section).toContain("| get-or-set | 100.5 (100–101) | 50.00 (40.00–60.00) | 0.25x (0.20x–0.30x) | 2 |");
    expect(section).toContain("| get-then-set | 795 (790–800) | 200 | 1.00x | 2 |");
    expect(section).toContain("**missed** (100, 101)");
  });

  it("renders reports written before cold start was measured, the target unmeasured", () => {
    const { coldStart: _, ...before } = report;
    const md = renderBench(before, "bench-quick").markdown;
    expect(md).not.toContain("## Cold start");
    expect(md.split("\n").find((l) => l.includes("Cold start"))).toContain("not measured");
  });

  it("marks level-cache's multi-process rows unsupported and compares them with its 1-process figure", () => {
    expect(markdown).toContain("| 4 | level-cache | unsupported (LEVEL_LOCKED) |");
    expect(markdown).toMatch(/\| get \| 10\.0x \| 30\.0x † \|/);
  });

  it("lists failed repetitions first and gives their cells no figures", () => {
    const failing = structuredClone(report);
    const cell = failing.cells.find((c) => c.workload === "get" && c.processes === 4 && c.backend === "lmdb-cache")!;
    if (cell.status === "measured") cell.failures.push({ rep: 0, error: "mdb_page_alloc error" });
    failing.coldStart.sides[1]!.failures.push({ rep: 2, error: "read undefined for user:0000500, not the value seeded" });
    const md = renderBench(failing, "bench-quick").markdown;
    expect(md.indexOf("## Failures")).toBeLessThan(md.indexOf("## Targets"));
    expect(md).toContain("| get | 1,000 | 4 | lmdb-cache | 1 | mdb_page_alloc error |");
    expect(md).toContain("| 4 | lmdb-cache | FAILED in 1 of 4 repetitions: mdb_page_alloc error |");
    expect(md).toMatch(/\| get \| 10\.0x \| failed \|/);
    expect(md).toContain("| cold start | 1,000 | 1 | level-cache | 3 | read undefined for user:0000500, not the value seeded |");
    expect(md).toContain("| new process to its first get resolved (cold start) | 120 | 120 | failed |  | – | at most 1.00x |");
  });

  it("draws every backend with a measured figure in the charts", () => {
    const throughput = charts.find((c) => c.suffix === "throughput")!.svg;
    for (const backend of settings.backends) expect(throughput).toContain(`>${backend}</text>`);
    expect(throughput.startsWith("<svg")).toBe(true);
    expect(charts.find((c) => c.suffix === "memory")!.svg).toContain("110 MiB");
  });
});
