import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { tempDir } from "./cells.ts";
import { diskUsage } from "./disk.ts";
import { mib, ops, shortCommit, table } from "./format.ts";
import { startProvenance } from "./machine.ts";
import { type BenchWorker, benchWorker, type SoakSample, type SoakTask } from "./protocol.ts";
import { provenanceLines } from "./report.ts";
import { secondHalfSlopes } from "./soak-analysis.ts";
import { MAPPING_KINDS, type MappingSummary } from "./smaps.ts";
import type { Fit } from "../shared/stats.ts";
import type { Provenance } from "./results.ts";
import { type LinePanel, lineChart, shortNumber } from "./svg.ts";

const SOAK_WORKER = fileURLToPath(new URL("./soak-worker.ts", import.meta.url));

export type SoakSettings = {
  seed: number;
  processes: number;
  totalOps: number;
  keySpace: number;
  sampleEveryOps: number;
  mappingsEverySamples: number;
  fileSampleMs: number;
  /** Given to openLmdbCache in every process besides the path (`--cache-options`). */
  cacheOptions: Record<string, unknown>;
};

export const DEFAULT_SOAK_OPS = 1_000_000;

/** About 100 memory samples per process whatever the length of the run, a tenth of them with every mapping summarised. */
export function soakSettings(seed: number, totalOps = DEFAULT_SOAK_OPS, cacheOptions: Record<string, unknown> = {}): SoakSettings {
  const processes = 4;
  return {
    seed,
    processes,
    totalOps,
    keySpace: 50_000,
    sampleEveryOps: Math.max(1_000, Math.round(totalOps / processes / 100)),
    mappingsEverySamples: 10,
    fileSampleMs: 250,
    cacheOptions,
  };
}

/**
 * The report's name: `bench-soak`, `bench-soak-10m` and the like for another number of operations,
 * and the cache options after it (`bench-soak-readcachebytes-0`), so that a run with other settings
 * is recorded beside the others.
 */
export function soakBaseName(totalOps: number, cacheOptions: Record<string, unknown> = {}): string {
  const options = Object.entries(cacheOptions).map(([name, value]) => `-${name}-${String(value)}`.toLowerCase().replace(/[^a-z0-9-]/g, ""));
  return [totalOps === DEFAULT_SOAK_OPS ? "bench-soak" : `bench-soak-${shortNumber(totalOps).toLowerCase()}`, ...options].join("");
}

export type FileSample = { atMs: number; allocatedBytes: number; apparentBytes: number };

export type SoakReport = Provenance & {
  kind: "soak";
  settings: SoakSettings;
  samples: SoakSample[][];
  files: FileSample[];
  finished: { processIndex: number; ops: number; elapsedMs: number; refusedWrites: number }[];
};

/** Mixed operations on the library from several processes at once, sampling memory and file size. */
export async function runSoak(settings: SoakSettings, log: (line: string) => void): Promise<SoakReport> {
  const provenance = await startProvenance();
  const dir = await tempDir("soak");
  const files: FileSample[] = [];
  const started = performance.now();
  const timer = setInterval(() => {
    diskUsage(dir).then(
      (d) => files.push({ atMs: performance.now() - started, ...d }),
      () => undefined,
    );
  }, settings.fileSampleMs);
  const workers: BenchWorker[] = [];
  try {
    for (let processIndex = 0; processIndex < settings.processes; processIndex++) {
      const task: SoakTask = {
        dir,
        seed: settings.seed,
        keySpace: settings.keySpace,
        ops: Math.ceil(settings.totalOps / settings.processes),
        processIndex,
        sampleEveryOps: settings.sampleEveryOps,
        mappingsEverySamples: settings.mappingsEverySamples,
        cacheOptions: settings.cacheOptions,
      };
      workers.push(benchWorker(SOAK_WORKER, task, ["--expose-gc"]));
    }
    const samples: SoakSample[][] = workers.map(() => []);
    const finished = await Promise.all(
      workers.map(async (worker, i) => {
        for (;;) {
          const message = await worker.next("soak-sample", "soak-done");
          if (message.type === "soak-done") {
            await worker.done();
            log(`soak process ${i}: ${message.ops} ops in ${(message.elapsedMs / 1000).toFixed(1)} s`);
            return { processIndex: i, ops: message.ops, elapsedMs: message.elapsedMs, refusedWrites: message.refusedWrites };
          }
          samples[i]!.push(message.sample);
        }
      }),
    );
    clearInterval(timer);
    files.push({ atMs: performance.now() - started, ...(await diskUsage(dir)) });
    return {
      kind: "soak",
      ...provenance(),
      settings,
      samples,
      files,
      finished,
    };
  } finally {
    clearInterval(timer);
    for (const worker of workers) worker.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The sample closest to a fraction of the run (by operations done). */
function at(samples: readonly SoakSample[], fraction: number): SoakSample {
  const target = fraction * samples[samples.length - 1]!.ops;
  return samples.reduce((best, s) => (Math.abs(s.ops - target) < Math.abs(best.ops - target) ? s : best));
}

function fileAt(files: readonly FileSample[], fraction: number): FileSample | undefined {
  if (files.length === 0) return undefined;
  const end = files[files.length - 1]!.atMs;
  return files.reduce((best, f) => (Math.abs(f.atMs - fraction * end) < Math.abs(best.atMs - fraction * end) ? f : best));
}

/** The mapping summary nearest a fraction of a process's operations. */
function mappingsAt(samples: readonly SoakSample[], fraction: number): MappingSummary {
  return at(
    samples.filter((x) => x.mappings !== undefined),
    fraction,
  ).mappings!;
}

function range(values: readonly number[], format: (v: number) => string): string {
  const [lo, hi] = [format(Math.min(...values)), format(Math.max(...values))];
  return lo === hi ? lo : `${lo}–${hi}`;
}

function slope(fit: Fit): string {
  return `${fit.slope >= 0 ? "+" : ""}${fit.slope.toFixed(1)} ± ${fit.slopeStandardError.toFixed(1)}`;
}

export function renderSoak(report: SoakReport, baseName: string): { markdown: string; charts: { suffix: string; svg: string }[] } {
  const s = report.settings;
  const fractions = [0, 0.25, 0.5, 0.75, 1];
  const rows = report.samples.map((samples, i) => {
    const half = at(samples, 0.5);
    const end = at(samples, 1);
    const growth = end.rssBytes - half.rssBytes;
    return [
      String(i),
      ...fractions.map((f) => mib(at(samples, f).rssBytes)),
      `${growth >= 0 ? "+" : ""}${mib(growth)} (${((growth / half.rssBytes) * 100).toFixed(1)}%)`,
      mib(Math.max(...samples.map((x) => x.rssAnonBytes))),
      mib(Math.max(...samples.map((x) => x.rssFileBytes))),
      mib(Math.max(...samples.map((x) => x.heapUsedBytes))),
    ];
  });
  const fileRow = fractions.map((f) => {
    const sample = fileAt(report.files, f);
    return sample ? mib(sample.allocatedBytes) : "–";
  });
  const totalOps = report.finished.reduce((a, f) => a + f.ops, 0);
  const wall = Math.max(...report.finished.map((f) => f.elapsedMs));
  const figures: { label: string; pick: (x: SoakSample) => number }[] = [
    { label: "anonymous RSS", pick: (x) => x.rssAnonBytes },
    { label: "file-backed RSS", pick: (x) => x.rssFileBytes },
    { label: "V8 heap in use after a full GC", pick: (x) => x.heapUsedBytes },
    { label: "external after a full GC", pick: (x) => x.externalBytes },
  ];
  const slopes = figures.map((f) => secondHalfSlopes(report.samples, f.pick));
  const anon = slopes[0]!;
  const rate = (samples: readonly SoakSample[], from: number, to: number) => {
    const [a, b] = [at(samples, from), at(samples, to)];
    return ops(((b.ops - a.ops) * 1000) / (b.atMs - a.atMs));
  };
  const slopeRows = report.samples.map((samples, i) => [
    String(i),
    `${rate(samples, 0, 0.5)} → ${rate(samples, 0.5, 1)}`,
    `${mib(at(samples, 0).rssAnonBytes)} → ${mib(at(samples, 0.5).rssAnonBytes)} → ${mib(at(samples, 1).rssAnonBytes)}`,
    `${mib(at(samples, 0).rssFileBytes)} → ${mib(at(samples, 0.5).rssFileBytes)} → ${mib(at(samples, 1).rssFileBytes)}`,
    ...slopes.map((sl) => slope(sl.perProcess[i]!)),
  ]);
  const meanRow = ["mean ± standard error across processes", "", "", "", ...slopes.map((sl) => `${sl.mean >= 0 ? "+" : ""}${sl.mean.toFixed(1)} ± ${sl.standardError.toFixed(1)}`)];
  const ends = report.samples.map((x) => mappingsAt(x, 1));
  // Processes finish at different times, and the last one alone maps the file: shares are read before the end.
  const lates = report.samples.map((x) => mappingsAt(x, 0.9));
  const mappingRows = MAPPING_KINDS.map((kind) => [
    kind,
    ...ends.map((m) => mib(m[kind].rssBytes)),
    range(ends.map((m) => m[kind].pssBytes), mib),
    range(ends.map((m) => m[kind].anonymousBytes), mib),
    range(ends.map((m) => m[kind].dirtyBytes), mib),
  ]);
  const endSamples = report.samples.map((x) => at(x, 1));
  const rssEnd = endSamples.map((x) => x.rssBytes);
  const growth = report.samples.map((x) => at(x, 1).rssBytes - at(x, 0).rssBytes);
  const fileGrowth = report.samples.map((x) => at(x, 1).rssFileBytes - at(x, 0).rssFileBytes);
  const anonGrowth = report.samples.map((x) => at(x, 1).rssAnonBytes - at(x, 0).rssAnonBytes);
  const dataRss = ends.map((m) => m["data.mdb"].rssBytes);
  const share = (values: readonly number[]) => range(values.map((v, i) => (100 * v) / rssEnd[i]!), (v) => `${v.toFixed(0)}%`);
  const storeEnd = report.files[report.files.length - 1];
  const markdown = [
    `# Soak: the library under ${totalOps.toLocaleString("en")} mixed operations from ${s.processes} processes`,
    "",
    `Generated from \`${baseName}.json\` by \`pnpm bench --render reports/${baseName}.json\`; do not edit by hand.`,
    "",
    ...provenanceLines(report),
    `- Settings: seed ${s.seed}; ${s.processes} processes sharing one store; ${s.totalOps.toLocaleString("en")} operations in all over ${s.keySpace.toLocaleString("en")} keys: ` +
      "60% get, 20% set, 8% set with a 20–520 ms TTL, 8% del, 3% batch of 10 puts, 1% entries({ limit: 100 }), 0.05% sweepExpired.",
    `- Sampling: every ${s.sampleEveryOps.toLocaleString("en")} operations of a process, its /proc/self/status (RSS, anonymous, file-backed, shared memory), ` +
      `smaps_rollup (PSS) and process.memoryUsage(); every ${s.mappingsEverySamples} samples and at the end, /proc/self/smaps summed by mapping.`,
    `- Cache options besides the path: ${Object.keys(s.cacheOptions).length === 0 ? "none (no size bound, no eviction)" : `\`${JSON.stringify(s.cacheOptions)}\``}; ` +
      `writes refused as CACHE_FULL: ${report.finished.reduce((a, f) => a + f.refusedWrites, 0).toLocaleString("en")}.`,
    `- ${totalOps.toLocaleString("en")} operations in ${(wall / 1000).toFixed(1)} s: ${ops((totalOps * 1000) / wall)} ops/s over all processes.`,
    "",
    "## What the RSS is",
    "",
    `Over the run each process's RSS grew by ${range(growth, mib)} MiB, of which ${range(fileGrowth, mib)} MiB file-backed and ${range(anonGrowth, mib)} MiB anonymous. ` +
      `At the end the data file's map (data.mdb) is ${range(dataRss, mib)} MiB of each process's RSS (${share(dataRss)} of it); the store is ` +
      `${storeEnd ? mib(storeEnd.allocatedBytes) : "–"} MiB on disk. Those are the pages of the data file that the process has touched through its ` +
      "memory map: the file's pages in the page cache, the same pages in every process that maps the file (so each process's RSS counts them again; " +
      `at 90% of its operations PSS, which divides shared pages among the processes mapping them, puts each process's share at ${range(lates.map((m) => m["data.mdb"].pssBytes), mib)} MiB ` +
      `of its ${range(lates.map((m) => m["data.mdb"].rssBytes), mib)} MiB), ` +
      "bounded by the file's size, and reclaimable by the kernel under memory pressure (dirty pages once written back). They are not a leak.",
    "",
    `Anonymous RSS is each process's own memory, where a leak would show. Over the second half of the run its least-squares slope is ${anon.mean.toFixed(1)} ± ` +
      `${anon.standardError.toFixed(1)} MiB per million of a process's operations (mean across the ${s.processes} processes ± the standard error of that mean, from their spread): ` +
      (anon.withinNoise ? "zero is within two standard errors, so no growth shows beyond the noise." : "more than two standard errors from zero: growth beyond the noise.") +
      ` At the end, of the ${range(endSamples.map((x) => x.rssAnonBytes), mib)} MiB anonymous, V8's heap reserves ${range(endSamples.map((x) => x.heapTotalBytes), mib)} MiB ` +
      `(${range(endSamples.map((x) => x.heapUsedBytes), mib)} MiB of it reachable after a full collection), JavaScript objects hold ` +
      `${range(endSamples.map((x) => x.externalBytes), mib)} MiB outside it (${range(endSamples.map((x) => x.arrayBuffersBytes), mib)} MiB in ArrayBuffers), ` +
      `and the anonymous RSS less those two is ${range(endSamples.map((x) => x.rssAnonBytes - x.heapTotalBytes - x.externalBytes), mib)} MiB: node's and the engine's own allocations ` +
      "(malloc arenas, compiled code, stacks), less whatever part of V8's reservation is not resident.",
    "",
    "## RSS per process over the run (MiB), at fractions of its operations",
    "",
    table(["process", "start", "25%", "50%", "75%", "end", "change over the second half", "peak anon", "peak file", "peak V8 heap in use after a full GC"], rows),
    "",
    "## Slopes over the second half (MiB per million of the process's operations, ± the fit's standard error)",
    "",
    table(["process", "ops/s, first half → second half", "anonymous RSS (MiB) start → 50% → end", "file-backed RSS (MiB) start → 50% → end", ...figures.map((f) => f.label)], [...slopeRows, meanRow]),
    "",
    "The fit's standard error assumes independent samples; the samples follow the collector's sawtooth, so the spread between processes is the better measure of noise.",
    "",
    "## Resident memory by mapping at the end (MiB, /proc/<pid>/smaps)",
    "",
    table(["mapping", ...ends.map((_, i) => `RSS, process ${i}`), "PSS", "anonymous", "dirty"], mappingRows),
    "",
    "PSS, anonymous and dirty give the range over the processes. A process's PSS at its end depends on how many others still run (the last to finish has the file to itself).",
    "",
    "## Store size on disk (MiB, allocated), at fractions of the run's time",
    "",
    table(["start", "25%", "50%", "75%", "end"], [fileRow]),
    "",
    `![soak](${baseName}.svg)`,
    "",
  ].join("\n");
  return { markdown, charts: [{ suffix: "", svg: soakChart(report) }] };
}

function soakChart(report: SoakReport): string {
  const colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];
  const seconds = (ms: number) => ms / 1000;
  const endS = Math.max(...report.samples.flatMap((p) => p.map((x) => seconds(x.atMs))), ...report.files.map((f) => seconds(f.atMs)));
  const xTicks = Array.from({ length: 6 }, (_, i) => Math.round(((endS * i) / 5) * 10) / 10);
  const perProcess = (title: string, pick: (x: SoakSample) => number | undefined): LinePanel => ({
    title,
    xTicks,
    linearX: true,
    xLabel: "seconds",
    yLabel: "MiB",
    series: report.samples.map((samples, i) => ({
      name: `process ${i}`,
      color: colors[i % colors.length]!,
      points: samples.flatMap((x) => {
        const y = pick(x);
        return y === undefined ? [] : [{ x: seconds(x.atMs), y: y / 2 ** 20 }];
      }),
    })),
  });
  const panels: LinePanel[] = [
    perProcess("RSS", (x) => x.rssBytes),
    perProcess("anonymous RSS", (x) => x.rssAnonBytes),
    perProcess("file-backed RSS", (x) => x.rssFileBytes),
    perProcess("data.mdb map resident (smaps)", (x) => x.mappings?.["data.mdb"].rssBytes),
    perProcess("PSS", (x) => x.pssBytes),
    perProcess("V8 heap in use after a full GC", (x) => x.heapUsedBytes),
    perProcess("external after a full GC", (x) => x.externalBytes),
    {
      title: "store on disk",
      xTicks,
      linearX: true,
      xLabel: "seconds",
      yLabel: "MiB",
      series: [{ name: "allocated", color: "#555", points: report.files.map((f) => ({ x: seconds(f.atMs), y: f.allocatedBytes / 2 ** 20 })) }],
    },
  ];
  return lineChart(`Soak: memory and file size over time, commit ${shortCommit(report.git.commit)}`, panels, [], 4);
}
