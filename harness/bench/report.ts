import { type CheckResult, evaluateChecks, failuresOf, findCell, METRICS, ratioOf, sideOf } from "./analysis.ts";
import type { CellFigures } from "./cells.ts";
import { coldStartSection } from "./cold-start-report.ts";
import { stampedeSection } from "./stampede-report.ts";
import { mib, ms, ops, ranged, ratio, shortCommit, table } from "./format.ts";
import type { BenchReport, Provenance } from "./results.ts";
import { median, spread } from "../shared/stats.ts";
import { type BarGroup, type LinePanel, lineChart, stackedBarChart } from "./svg.ts";
import { TARGETS } from "./targets.ts";
import { WORKLOADS, type WorkloadId } from "./workloads.ts";

// Markdown and SVG renderings of a benchmark's JSON; nothing here measures anything.

const COLORS: Record<string, string> = {
  "lmdb-cache": "#1f77b4",
  "level-cache": "#d62728",
  "lmdb-raw": "#2ca02c",
  "lmdb-raw-json": "#9467bd",
  "lmdb-cache-compressed": "#17becf",
};
const FALLBACK = ["#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];

export function colorOf(backend: string, index: number): string {
  return COLORS[backend] ?? FALLBACK[index % FALLBACK.length]!;
}

export function provenanceLines(p: Provenance): string[] {
  const m = p.machine;
  return [
    `- Commit \`${shortCommit(p.git.commit)}\`${p.git.dirty ? " with uncommitted changes to the measured code" : ""}; ${p.startedAt} to ${p.finishedAt}.`,
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${m.platform} ${m.kernel}; ` +
      `load average ${m.loadAverage.map((l) => l.toFixed(2)).join(" / ")} at the start, ${p.loadAverageAtEnd.map((l) => l.toFixed(2)).join(" / ")} at the end (the machine is shared).`,
    `- Versions: ${Object.entries(p.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}.`,
  ];
}

function checkRows(results: readonly CheckResult[], withSize: boolean): string[][] {
  return results.map((r) => {
    const goal = `${r.direction} ${ratio(r.goal)}`;
    const measured = r.ratio ? ranged(r.ratio.ratio, r.ratio.min, r.ratio.max, ratio) : "–";
    const basis = r.ratio
      ? [r.ratio.candidate.note, r.ratio.against.note ? `${r.ratio.against.backend}: ${r.ratio.against.note}` : undefined].filter(Boolean).join("; ")
      : "";
    return [...(withSize ? [r.size.toLocaleString("en")] : []), r.label, goal, measured, r.met === undefined ? "–" : r.met ? "met" : "**missed**", r.verdict, basis];
  });
}

export function checksTable(results: readonly CheckResult[], withSize: boolean): string {
  return table([...(withSize ? ["entries"] : []), "check", "goal", "measured (range over reps)", "status", "by how much", "basis"], checkRows(results, withSize));
}

const perProcess = (f: CellFigures) => median(f.perProcessOpsPerSec);

function workloadTable(report: BenchReport, workload: WorkloadId, size: number): string {
  const { settings } = report;
  const counts = WORKLOADS[workload].fixedWork ? [1] : settings.processCounts;
  const rows: string[][] = [];
  for (const processes of counts) {
    for (const backend of settings.backends) {
      const cell = findCell(report, workload, size, processes, backend);
      if (cell === undefined) continue;
      if (cell.status === "unsupported") {
        rows.push([String(processes), backend, `unsupported (${cell.codes.at(-1) ?? "error"})`, "", "", "", "", "", "", "", "", ""]);
        continue;
      }
      if (cell.failures.length > 0) {
        const failed = `FAILED in ${cell.failures.length} of ${cell.failures.length + cell.reps.length} repetitions: ${cell.failures[0]!.error}`;
        rows.push([String(processes), backend, failed, "", "", "", "", "", "", "", "", ""]);
        continue;
      }
      const s = (pick: (f: CellFigures) => number) => spread(cell.reps.map(pick));
      const agg = s((f) => f.aggregateOpsPerSec);
      const rss = s((f) => f.peakRssBytes);
      let vsRef = "";
      if (backend !== settings.reference) {
        const cand = sideOf(report, workload, size, processes, backend, "throughput");
        const ref = sideOf(report, workload, size, processes, settings.reference, "throughput");
        if (cand && ref) {
          const r = ratioOf(cand, ref);
          vsRef = ranged(r.ratio, r.min, r.max, ratio) + (ref.note ? " †" : "");
        }
      }
      rows.push([
        String(processes),
        backend,
        ranged(agg.median, agg.min, agg.max, ops),
        ops(s(perProcess).median),
        ms(s((f) => f.p50Ms).median),
        ms(s((f) => f.p99Ms).median),
        ms(s((f) => f.maxMs).median),
        `${mib(rss.median)} (${mib(s((f) => f.peakRssAnonBytes).median)} + ${mib(s((f) => f.peakRssFileBytes).median)})`,
        mib(s((f) => f.peakHeapUsedBytes).median),
        ms(s((f) => f.openMs).median),
        mib(s((f) => f.diskAfter.allocatedBytes).median),
        vsRef,
      ]);
    }
  }
  return table(
    [
      "processes",
      "backend",
      `aggregate ${WORKLOADS[workload].unit}/s`,
      "per process",
      "p50 ms",
      "p99 ms",
      "max ms",
      "peak RSS MiB (anon + file)",
      "V8 heap MiB",
      "open ms",
      "disk MiB after",
      `vs ${settings.reference}`,
    ],
    rows,
  );
}

/** What stands in a ratio table for a missing figure: "failed" when a repetition failed, else a dash. */
function absent(report: BenchReport, workload: WorkloadId, size: number, processes: number, backends: readonly string[]): string {
  return backends.some((b) => failuresOf(report, workload, size, processes, b).length > 0) ? "failed" : "–";
}

/** Candidate vs reference for every workload and process count: the full ratio table. */
function ratioMatrix(report: BenchReport, size: number): string {
  const { settings } = report;
  const rows = settings.workloads.map((workload) => {
    const counts = WORKLOADS[workload].fixedWork ? [1] : settings.processCounts;
    return [
      workload,
      ...settings.processCounts.map((processes) => {
        if (!counts.includes(processes)) return "";
        const cand = sideOf(report, workload, size, processes, settings.candidate, "throughput");
        const ref = sideOf(report, workload, size, processes, settings.reference, "throughput");
        if (!cand || !ref) return absent(report, workload, size, processes, [settings.candidate, settings.reference]);
        const r = ratioOf(cand, ref);
        return ranged(r.ratio, r.min, r.max, ratio) + (ref.note ? " †" : "");
      }),
    ];
  });
  return table(["workload", ...settings.processCounts.map((p) => `${p} process${p > 1 ? "es" : ""}`)], rows);
}

/** How much longer `subject` takes per operation than each backend of `others`, same processes. */
function timeMatrix(report: BenchReport, size: number, subject: string, others: readonly string[], column: string): string {
  const { settings } = report;
  const rows: string[][] = [];
  for (const workload of settings.workloads) {
    const counts = WORKLOADS[workload].fixedWork ? [1] : settings.processCounts;
    for (const other of others) {
      rows.push([
        workload,
        other,
        ...settings.processCounts.map((processes) => {
          if (!counts.includes(processes)) return "";
          const mine = sideOf(report, workload, size, processes, subject, "timePerOp");
          const theirs = sideOf(report, workload, size, processes, other, "timePerOp");
          if (!mine || !theirs) return absent(report, workload, size, processes, [subject, other]);
          const r = ratioOf(mine, theirs);
          return ranged(r.ratio, r.min, r.max, ratio);
        }),
      ]);
    }
  }
  return table(["workload", column, ...settings.processCounts.map((p) => `${p} proc.`)], rows);
}

const idsOf = (report: BenchReport, kind: string) => report.backends.filter((b) => b.kind === kind).map((b) => b.id);

/** Bytes each backend's files take for the same data set, as it seeded them, against the reference's. */
function diskRows(report: BenchReport, size: number): string {
  const templates = report.datasets.find((d) => d.size === size)?.templates ?? [];
  const reference = templates.find((t) => t.backend === report.settings.reference);
  return table(
    ["backend", "allocated MiB", "file sizes MiB", `allocated vs ${report.settings.reference}`],
    templates.map((t) => [
      t.backend,
      mib(t.disk.allocatedBytes),
      mib(t.disk.apparentBytes),
      reference ? ratio(t.disk.allocatedBytes / reference.disk.allocatedBytes) : "–",
    ]),
  );
}

function memoryRows(report: BenchReport, size: number): string {
  const { settings } = report;
  const rows = settings.backends.flatMap((backend) => {
    const side = sideOf(report, "footprint", size, 1, backend, "peakRss");
    if (!side) return [];
    const s = (pick: (f: CellFigures) => number) => spread(side.reps.map(pick)).median;
    const ref = backend === settings.reference ? undefined : sideOf(report, "footprint", size, 1, settings.reference, "peakRss");
    const vs = (metric: "peakRss" | "peakRssAnon" | "peakRssFile") => {
      const cand = sideOf(report, "footprint", size, 1, backend, metric);
      const against = sideOf(report, "footprint", size, 1, settings.reference, metric);
      return ref && cand && against ? ratio(ratioOf(cand, against).ratio) : "";
    };
    const template = report.datasets.find((d) => d.size === size)?.templates.find((t) => t.backend === backend);
    return [
      [
        backend,
        mib(s((f) => f.peakRssBytes)),
        mib(s((f) => f.peakRssAnonBytes)),
        mib(s((f) => f.peakRssFileBytes)),
        mib(s((f) => f.peakHeapUsedBytes)),
        mib(s((f) => f.rssBeforeOpenBytes)),
        mib(s((f) => f.peakRssBytes - f.rssBeforeOpenBytes)),
        template ? mib(template.disk.allocatedBytes) : "–",
        ms(s((f) => f.openMs)),
        vs("peakRss"),
        vs("peakRssAnon"),
        vs("peakRssFile"),
      ],
    ];
  });
  return table(
    ["backend", "peak RSS MiB", "anon", "file", "V8 heap", "RSS before open", "added by the store", "data set on disk MiB", "open ms", `RSS vs ${settings.reference}`, "anon vs", "file vs"],
    rows,
  );
}

/** Every failed repetition, listed before anything else: a failure is the first thing to read. */
function failureSection(report: BenchReport): string[] {
  const cold = report.coldStart;
  const rows = [
    ...report.cells.flatMap((cell) =>
      cell.status === "measured"
        ? cell.failures.map((f) => [cell.workload, cell.size.toLocaleString("en"), String(cell.processes), cell.backend, String(f.rep + 1), f.error])
        : [],
    ),
    ...(cold?.sides.flatMap((side) => side.failures.map((f) => ["cold start", cold.size.toLocaleString("en"), "1", side.backend, String(f.rep + 1), f.error])) ?? []),
  ];
  if (rows.length === 0) return [];
  return [
    "## Failures",
    "",
    "These repetitions failed (a worker process exited with an error, or a correctness check failed); their cells give no figures or ratios.",
    "",
    table(["workload", "entries", "processes", "backend", "repetition", "error"], rows),
    "",
  ];
}

export type ReportFiles = { markdown: string; charts: { suffix: string; svg: string }[] };

export function renderBench(report: BenchReport, baseName: string): ReportFiles {
  const { settings } = report;
  const targets = evaluateChecks(report, TARGETS);
  const ref = settings.reference;
  const out: string[] = [
    `# Benchmark${settings.mode === "quick" ? " (quick)" : ""}: ${settings.candidate} against ${ref} and raw lmdb-js`,
    "",
    `Generated from \`${baseName}.json\` by \`pnpm bench --render reports/${baseName}.json\`; do not edit by hand.`,
    "",
    ...provenanceLines(report),
    `- Settings: seed ${settings.seed}; data sets of ${settings.sizes.map((s) => s.toLocaleString("en")).join(" and ")} entries; ` +
      `${settings.processCounts.join(", ")} processes; ${settings.repetitions} repetitions of ${settings.durationMs} ms windows; ` +
      `backends interleaved in the order ${settings.backends.join(", ")}` +
      (settings.coldStartSamples ? `; cold start: ${settings.coldStartSamples} fresh processes per side.` : "."),
    "",
    "## Backends",
    "",
    table(
      ["backend", "role", "what it is", "several processes on one store"],
      report.backends.map((b) => [
        b.id,
        b.kind,
        b.description,
        b.multiProcess.supported ? "yes" : `no: the second opener fails (${b.multiProcess.codes.join(" / ")})`,
      ]),
    ),
    "",
    ...failureSection(report),
    "## Targets",
    "",
    checksTable(targets, true),
    "",
    `† ${ref} cannot open a store from a second process, so its row at that process count is "unsupported" and the ratio compares against its best, its 1-process figure.`,
    "",
    ...coldStartSection(report, TARGETS, "## Cold start"),
    ...stampedeSection(report, "## Stampede: getOrSet against each process computing for itself"),
  ];
  for (const size of settings.sizes) {
    out.push(
      `## ${size.toLocaleString("en")} entries`,
      "",
      `### ${settings.candidate} throughput vs ${ref} (median ratio of aggregate ops/s, range over repetitions)`,
      "",
      ratioMatrix(report, size),
      "",
      `### ${settings.candidate} time per operation vs the raw lmdb-js floors (1.00x = no overhead)`,
      "",
      timeMatrix(report, size, settings.candidate, idsOf(report, "floor"), "floor"),
      "",
      ...idsOf(report, "variant").flatMap((variant) => [
        `### ${variant} time per operation vs ${settings.candidate} (1.00x = the setting costs nothing)`,
        "",
        timeMatrix(report, size, variant, [settings.candidate], "against"),
        "",
      ]),
      "### Disk for the same data (each backend's freshly seeded data set)",
      "",
      diskRows(report, size),
      "",
      "### Memory for the same data and work (footprint workload, one process)",
      "",
      memoryRows(report, size),
      "",
    );
    for (const workload of settings.workloads) {
      out.push(`### ${workload}: ${WORKLOADS[workload].description} (${WORKLOADS[workload].side})`, "", workloadTable(report, workload, size), "");
    }
  }
  out.push(
    "## Charts",
    "",
    `![throughput](${baseName}-throughput.svg)`,
    "",
    `![memory](${baseName}-memory.svg)`,
    "",
    "## How it was measured",
    "",
    "- Each cell copies a freshly seeded data set (written by the backend itself in a fresh process and verified: every entry counted, samples compared) and forks fresh worker processes (`node --import tsx harness/bench/worker.ts`).",
    "- Each worker opens the store (timed: the open call alone, the engine's code already loaded), checks sampled entries read back exactly as seeded (and, for writing workloads, that its own write reads back, again after the window), then waits; all start together and run for the same window.",
    "- Aggregate ops/s is the sum of the processes' ops/s; latencies come from a merged log-bucket histogram (2% buckets); RSS is the highest VmHWM of the processes, anon/file the highest RssAnon/RssFile sampled every 25 ms from /proc/self/status; V8 heap is the highest used heap sampled.",
    "- Every process carries the Node.js and tsx baseline (the RSS before open column); the store's own share is the peak minus that.",
    "- File-backed RSS of the LMDB backends is the data file's pages mapped into the process: page cache that all processes share and the kernel can reclaim, not private memory.",
    "- Ratios are of medians over the repetitions; the range shows the ratios of the paired repetitions (the backends take turns within each repetition).",
    "- Cold start runs `harness/bench/fixtures/cold-start.mjs` in fresh plain `node` processes: the library through its package entry point as `pnpm build` (run first) makes it, level-cache's reference bundled to plain JavaScript by esbuild with `level` left external.",
    "",
  );
  return { markdown: out.join("\n"), charts: [{ suffix: "throughput", svg: throughputChart(report) }, { suffix: "memory", svg: memoryChart(report) }] };
}

function throughputChart(report: BenchReport): string {
  const { settings } = report;
  const panels: LinePanel[] = [];
  for (const size of settings.sizes) {
    for (const workload of settings.workloads) {
      if (WORKLOADS[workload].fixedWork) continue;
      panels.push({
        title: `${workload}, ${size.toLocaleString("en")} entries`,
        xTicks: settings.processCounts,
        xLabel: "processes",
        yLabel: `${WORKLOADS[workload].unit}/s (all processes)`,
        series: settings.backends.map((backend, i) => ({
          name: backend,
          color: colorOf(backend, i),
          dashed: report.backends.find((b) => b.id === backend)?.kind === "floor",
          points: settings.processCounts.flatMap((processes) => {
            const cell = findCell(report, workload, size, processes, backend);
            return cell?.status === "measured" && cell.failures.length === 0
              ? [{ x: processes, y: median(cell.reps.map(METRICS.throughput.value)) }]
              : [];
          }),
        })),
      });
    }
  }
  const locked = report.backends.filter((b) => !b.multiProcess.supported);
  return lineChart(
    `Throughput by process count (median of ${settings.repetitions}), commit ${shortCommit(report.git.commit)}`,
    panels,
    [
      "Dashed: raw lmdb-js floors. Aggregate operations per second over all processes of the cell. No point: a failed cell (see Failures in the report).",
      ...locked.map((b) => `${b.id}: one process only; a second opener fails with ${b.multiProcess.codes.at(-1) ?? "an error"}.`),
    ],
  );
}

function memoryChart(report: BenchReport): string {
  const { settings } = report;
  const groups: BarGroup[] = settings.sizes.map((size) => ({
    title: `${size.toLocaleString("en")} entries: footprint workload, one process`,
    bars: settings.backends.flatMap((backend) => {
      const side = sideOf(report, "footprint", size, 1, backend, "peakRss");
      if (!side) return [];
      const med = (pick: (f: CellFigures) => number) => median(side.reps.map(pick));
      return [
        {
          name: backend,
          stacks: [
            { label: "anonymous (private)", value: med((f) => f.peakRssAnonBytes) / 2 ** 20, color: "#4a6fa5" },
            { label: "file-backed (node binary, libraries, LMDB data file: shared page cache)", value: med((f) => f.peakRssFileBytes) / 2 ** 20, color: "#a8c0e0" },
          ],
        },
      ];
    }),
  }));
  return stackedBarChart(
    `Peak resident memory per backend (median of ${settings.repetitions}), commit ${shortCommit(report.git.commit)}`,
    groups,
    (v) => `${v.toFixed(0)} MiB`,
    ["Peaks of RssAnon and RssFile, each sampled; they need not coincide, so the bar can exceed VmHWM slightly."],
  );
}
