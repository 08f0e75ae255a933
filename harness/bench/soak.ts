import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { tempDir } from "./cells.ts";
import { diskUsage } from "./disk.ts";
import { mib, ops, shortCommit, table } from "./format.ts";
import { startProvenance } from "./machine.ts";
import { type BenchWorker, benchWorker, type SoakSample, type SoakTask } from "./protocol.ts";
import { provenanceLines } from "./report.ts";
import type { Provenance } from "./results.ts";
import { type LinePanel, lineChart } from "./svg.ts";

const SOAK_WORKER = fileURLToPath(new URL("./soak-worker.ts", import.meta.url));

export type SoakSettings = { seed: number; processes: number; totalOps: number; keySpace: number; sampleEveryOps: number; fileSampleMs: number };

export const SOAK_SETTINGS: Omit<SoakSettings, "seed"> = {
  processes: 4,
  totalOps: 1_000_000,
  keySpace: 50_000,
  sampleEveryOps: 10_000,
  fileSampleMs: 250,
};

export type FileSample = { atMs: number; allocatedBytes: number; apparentBytes: number };

export type SoakReport = Provenance & {
  kind: "soak";
  settings: SoakSettings;
  samples: SoakSample[][];
  files: FileSample[];
  finished: { processIndex: number; ops: number; elapsedMs: number }[];
};

/** A million mixed operations on the library from 4 processes at once, sampling memory and file size. */
export async function runSoak(seed: number, log: (line: string) => void): Promise<SoakReport> {
  const settings: SoakSettings = { ...SOAK_SETTINGS, seed };
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
        seed,
        keySpace: settings.keySpace,
        ops: Math.ceil(settings.totalOps / settings.processes),
        processIndex,
        sampleEveryOps: settings.sampleEveryOps,
      };
      workers.push(benchWorker(SOAK_WORKER, task));
    }
    const samples: SoakSample[][] = workers.map(() => []);
    const finished = await Promise.all(
      workers.map(async (worker, i) => {
        for (;;) {
          const message = await worker.next("soak-sample", "soak-done");
          if (message.type === "soak-done") {
            await worker.done();
            log(`soak process ${i}: ${message.ops} ops in ${(message.elapsedMs / 1000).toFixed(1)} s`);
            return { processIndex: i, ops: message.ops, elapsedMs: message.elapsedMs };
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
  const markdown = [
    "# Soak: the library under a million mixed operations from 4 processes",
    "",
    `Generated from \`${baseName}.json\` by \`pnpm bench --render reports/${baseName}.json\`; do not edit by hand.`,
    "",
    ...provenanceLines(report),
    `- Settings: seed ${s.seed}; ${s.processes} processes sharing one store; ${s.totalOps.toLocaleString("en")} operations in all over ${s.keySpace.toLocaleString("en")} keys: ` +
      "60% get, 20% set, 8% set with a 20–520 ms TTL, 8% del, 3% batch of 10 puts, 1% entries({ limit: 100 }), 0.05% sweepExpired.",
    `- ${totalOps.toLocaleString("en")} operations in ${(wall / 1000).toFixed(1)} s: ${ops((totalOps * 1000) / wall)} ops/s over all processes.`,
    "",
    "## RSS per process over the run (MiB), at fractions of its operations",
    "",
    table(["process", "start", "25%", "50%", "75%", "end", "change over the second half", "peak anon", "peak file", "peak V8 heap"], rows),
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
  const perProcess = (title: string, pick: (x: SoakSample) => number): LinePanel => ({
    title,
    xTicks,
    linearX: true,
    xLabel: "seconds",
    yLabel: "MiB",
    series: report.samples.map((samples, i) => ({
      name: `process ${i}`,
      color: colors[i % colors.length]!,
      points: samples.map((x) => ({ x: seconds(x.atMs), y: pick(x) / 2 ** 20 })),
    })),
  });
  const panels: LinePanel[] = [
    perProcess("RSS", (x) => x.rssBytes),
    perProcess("anonymous RSS", (x) => x.rssAnonBytes),
    perProcess("file-backed RSS", (x) => x.rssFileBytes),
    perProcess("V8 heap used", (x) => x.heapUsedBytes),
    {
      title: "store on disk",
      xTicks,
      linearX: true,
      xLabel: "seconds",
      yLabel: "MiB",
      series: [{ name: "allocated", color: "#555", points: report.files.map((f) => ({ x: seconds(f.atMs), y: f.allocatedBytes / 2 ** 20 })) }],
    },
  ];
  return lineChart(`Soak: memory and file size over time, commit ${shortCommit(report.git.commit)}`, panels, [], 3);
}
