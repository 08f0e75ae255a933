import { mkdtemp } from "node:fs/promises";
import { copyData, removeData } from "./backends.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DiskUsage, diskUsage } from "./disk.ts";
import { Histogram } from "./histogram.ts";
import { median } from "../shared/stats.ts";
import { type BenchWorker, benchWorker, type RunResult, type WorkerTask } from "./protocol.ts";
import type { WorkloadId } from "./workloads.ts";

// A cell is one measurement: one backend, one workload, N processes, over a fresh copy of a data set.

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));

export function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `lmdb-cache-bench-${label}-`));
}

export type Template = { backend: string; size: number; seed: number; dir: string; seedMs: number; disk: DiskUsage };

/** Writes a data set with `backend` in a fresh process and verifies it; cells copy it from here. */
export async function seedTemplate(backend: string, size: number, seed: number): Promise<Template> {
  const dir = await tempDir(`${backend}-${size}`);
  const worker = benchWorker(WORKER, { role: "seed", backend, dir, seed, size } satisfies WorkerTask);
  try {
    const seeded = await worker.next("seeded");
    await worker.done();
    return { backend, size, seed, dir, seedMs: seeded.ms, disk: await diskUsage(dir) };
  } catch (error) {
    worker.kill();
    await removeData(backend, dir);
    throw error;
  }
}

export type MultiProcessProbe = { supported: boolean; codes: string[]; message?: string };

/** Whether a second process can open a store that a first one holds open (LevelDB's lock says no). */
export async function probeMultiProcess(template: Template): Promise<MultiProcessProbe> {
  const dir = await tempDir(`${template.backend}-probe`);
  const common = { backend: template.backend, dir, seed: template.seed, size: template.size };
  const holder = benchWorker(WORKER, { ...common, role: "hold" } satisfies WorkerTask);
  let second: BenchWorker | undefined;
  try {
    await copyData(template.backend, template.dir, dir);
    await holder.next("opened");
    second = benchWorker(WORKER, { ...common, role: "try-open" } satisfies WorkerTask);
    const answer = await second.next("opened", "open-failed");
    await second.done();
    await holder.send({ type: "close" });
    await holder.done();
    return answer.type === "opened" ? { supported: true, codes: [] } : { supported: false, codes: answer.codes, message: answer.message };
  } finally {
    holder.kill();
    second?.kill();
    await removeData(template.backend, dir);
  }
}

export type CellSpec = { backend: string; workload: WorkloadId; processes: number; durationMs: number; template: Template };

/** The figures of one cell: everything summed or maximised over its processes. */
export type CellFigures = {
  aggregateOpsPerSec: number;
  perProcessOpsPerSec: number[];
  ops: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Highest of the processes' peaks. */
  peakRssBytes: number;
  peakRssAnonBytes: number;
  peakRssFileBytes: number;
  peakHeapUsedBytes: number;
  rssBeforeOpenBytes: number;
  /** Median over the processes. */
  openMs: number;
  diskAfter: DiskUsage;
};

export function summariseCell(results: readonly RunResult[], diskAfter: DiskUsage): CellFigures {
  const perProcessOpsPerSec = results.map((r) => (r.ops * 1000) / r.elapsedMs);
  const latency = Histogram.merge(results.map((r) => r.histogram)).summary();
  const most = (pick: (r: RunResult) => number) => Math.max(...results.map(pick));
  return {
    aggregateOpsPerSec: perProcessOpsPerSec.reduce((a, b) => a + b, 0),
    perProcessOpsPerSec,
    ops: results.reduce((a, r) => a + r.ops, 0),
    p50Ms: latency.p50Ms,
    p99Ms: latency.p99Ms,
    maxMs: latency.maxMs,
    peakRssBytes: most((r) => r.memory.peakRssBytes),
    peakRssAnonBytes: most((r) => r.memory.peakRssAnonBytes),
    peakRssFileBytes: most((r) => r.memory.peakRssFileBytes),
    peakHeapUsedBytes: most((r) => r.memory.peakHeapUsedBytes),
    rssBeforeOpenBytes: most((r) => r.rssBeforeOpenBytes),
    openMs: median(results.map((r) => r.openMs)),
    diskAfter,
  };
}

/**
 * Runs one cell: a fresh copy of the template, `processes` fresh workers that each open and check the
 * data, then start together and run for the same window.
 */
export async function runCell(spec: CellSpec): Promise<CellFigures> {
  const { template } = spec;
  const dir = await tempDir(`${spec.backend}-cell`);
  const workers: BenchWorker[] = [];
  try {
    await copyData(spec.backend, template.dir, dir);
    for (let processIndex = 0; processIndex < spec.processes; processIndex++) {
      const task: WorkerTask = {
        role: "run",
        backend: spec.backend,
        dir,
        seed: template.seed,
        size: template.size,
        workload: spec.workload,
        durationMs: spec.durationMs,
        processIndex,
      };
      workers.push(benchWorker(WORKER, task));
    }
    await Promise.all(workers.map((w) => w.next("ready")));
    await Promise.all(workers.map((w) => w.send({ type: "go" })));
    const results = await Promise.all(workers.map(async (w) => (await w.next("result")).result));
    await Promise.all(workers.map((w) => w.done()));
    return summariseCell(results, await diskUsage(dir));
  } finally {
    for (const worker of workers) worker.kill();
    await removeData(spec.backend, dir);
  }
}
