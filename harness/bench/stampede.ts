import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { tempDir } from "./cells.ts";
import { failureSummary } from "./failure-summary.ts";
import { type BenchWorker, benchWorker, type Digests, type StampedeMode, type StampedeTask } from "./protocol.ts";
import type { CellFailure } from "./results.ts";

// The stampede: several fresh processes ask for the same cold keys at once, each key's computation
// costing a fixed amount of busy CPU. With getOrSet the machine should compute each key once; the
// baseline is what a cache without it gets: every process gets, misses, computes and sets for itself.
// The modes take turns, each repetition in fresh processes over a fresh, empty cache.

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));

export const STAMPEDE_MODES: readonly StampedeMode[] = ["get-or-set", "get-then-set"];

export type StampedeShape = { processes: number; keys: number; computeMs: number };

export const STAMPEDE: StampedeShape = { processes: 8, keys: 100, computeMs: 2 };

/** One repetition: computations summed over the processes, and the time from the first call made to the last resolved. */
export type StampedeRun = { computations: number; wallMs: number };

export type StampedeSide = { mode: StampedeMode; runs: StampedeRun[]; failures: CellFailure[] };

export type StampedeResult = StampedeShape & { backend: string; repetitions: number; sides: StampedeSide[] };

/**
 * Whether every process got what it should: with getOrSet, every process the one stored value of each key;
 * without it, each key's stored value is one some process computed and got. Every process reads the same store.
 */
function checkValues(mode: StampedeMode, keys: readonly string[], got: Digests[], stored: Digests[]): void {
  for (const key of keys) {
    const values = new Set(got.map((g) => g[key]));
    const kept = new Set(stored.map((s) => s[key]));
    if (kept.size !== 1) throw new Error(`${key}: the processes read ${kept.size} different stored values`);
    const [value] = kept;
    if (!values.has(value!)) throw new Error(`${key}: the stored value is none that a process got`);
    if (mode === "get-or-set" && values.size !== 1) throw new Error(`${key}: getOrSet gave the processes ${values.size} different values`);
  }
}

async function stampedeOnce(backend: string, mode: StampedeMode, seed: number, shape: StampedeShape): Promise<StampedeRun> {
  const dir = await tempDir("stampede");
  const workers: BenchWorker[] = [];
  try {
    for (let processIndex = 0; processIndex < shape.processes; processIndex++) {
      const task: StampedeTask = { role: "stampede", backend, dir, seed, size: shape.keys, mode, computeMs: shape.computeMs, processIndex };
      workers.push(benchWorker(WORKER, task));
    }
    await Promise.all(workers.map((w) => w.next("ready")));
    await Promise.all(workers.map((w) => w.send({ type: "go" })));
    const done = await Promise.all(workers.map((w) => w.next("stampede-done")));
    await Promise.all(workers.map((w) => w.send({ type: "read" })));
    const stored = await Promise.all(workers.map(async (w) => (await w.next("stampede-stored")).stored));
    await Promise.all(workers.map((w) => w.done()));
    checkValues(mode, Object.keys(stored[0]!), done.map((d) => d.got), stored);
    return {
      computations: done.reduce((sum, d) => sum + d.computations, 0),
      wallMs: Math.max(...done.map((d) => d.endedAt)) - Math.min(...done.map((d) => d.startedAt)),
    };
  } finally {
    for (const worker of workers) worker.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function measureStampede(backend: string, repetitions: number, seed: number, log: (line: string) => void, shape = STAMPEDE): Promise<StampedeResult> {
  const sides: StampedeSide[] = STAMPEDE_MODES.map((mode) => ({ mode, runs: [], failures: [] }));
  for (let rep = 0; rep < repetitions; rep++) {
    for (const side of sides) {
      try {
        const run = await stampedeOnce(backend, side.mode, seed + rep, shape);
        side.runs.push(run);
        log(`stampede ${side.mode} p=${shape.processes} keys=${shape.keys} rep ${rep + 1}: ${run.computations} computations, ${run.wallMs.toFixed(1)} ms`);
      } catch (error) {
        side.failures.push({ rep, error: failureSummary(error) });
        log(`stampede ${side.mode} rep ${rep + 1}: FAILED ${failureSummary(error)}`);
      }
    }
  }
  return { ...shape, backend, repetitions, sides };
}
