import { Child } from "../shared/child.ts";
import type { SparseHistogram } from "./histogram.ts";
import type { MemoryPeaks } from "./memory.ts";
import type { MappingSummary } from "./smaps.ts";
import type { WorkloadId } from "./workloads.ts";

// What the orchestrator and its worker processes say to each other (over the IPC channel).

type Common = { backend: string; dir: string; seed: number; size: number };

export type WorkerTask =
  /** Write the data set, verify it, exit. */
  | (Common & { role: "seed" })
  /** Open, check, report ready; on "go" run the workload until the window closes; report. */
  | (Common & { role: "run"; workload: WorkloadId; durationMs: number; processIndex: number })
  /** Open and keep the store open until told to close (the first of two openers). */
  | (Common & { role: "hold" })
  /** Try to open while another process holds the store; report whether that worked. */
  | (Common & { role: "try-open" })
  | StampedeTask;

/** How a stampede process gets each key: the library's getOrSet, or a get and, on a miss, its own computation and set. */
export type StampedeMode = "get-or-set" | "get-then-set";

/**
 * Open an empty store, check each of the `size` keys is missing, report ready; on "go" ask for every key at once (in a
 * seeded order of its own), each computation costing `computeMs` of busy CPU; report; on "read", report
 * what is stored.
 */
export type StampedeTask = Common & { role: "stampede"; mode: StampedeMode; computeMs: number; processIndex: number };

/** Digests of values by key: what a stampede process got, or read as stored. */
export type Digests = Record<string, string>;

/** Soak: one of several processes running mixed operations on the library, reporting memory as it goes. */
export type SoakTask = {
  dir: string;
  seed: number;
  keySpace: number;
  ops: number;
  processIndex: number;
  sampleEveryOps: number;
  /** Every so many samples also summarise every mapping (slower than the rollup). */
  mappingsEverySamples: number;
  /** Options for openLmdbCache besides the path (a size bound, say), as given on the command line. */
  cacheOptions: Record<string, unknown>;
};

export type ReadyMessage = { type: "ready"; openMs: number; rssBeforeOpenBytes: number; checked: number };
export type GoMessage = { type: "go" };
export type CloseMessage = { type: "close" };
export type ReadMessage = { type: "read" };

export type RunResult = {
  ops: number;
  elapsedMs: number;
  openMs: number;
  rssBeforeOpenBytes: number;
  histogram: SparseHistogram;
  memory: MemoryPeaks;
};

export type SoakSample = {
  atMs: number;
  ops: number;
  /** /proc/self/status: VmRSS split into anonymous, file-backed and shared-memory pages. */
  rssBytes: number;
  rssAnonBytes: number;
  rssFileBytes: number;
  rssShmemBytes: number;
  /** /proc/self/smaps_rollup: the proportional share (shared pages divided among the processes mapping them). */
  pssBytes: number;
  /**
   * process.memoryUsage() right after a full collection, so garbage not yet collected does not count:
   * the V8 heap reserved and in use, memory held by JavaScript objects outside it, and the part of that in ArrayBuffers.
   */
  heapTotalBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /** Every mappingsEverySamples samples, and the last: /proc/self/smaps summed by kind of mapping. */
  mappings?: MappingSummary;
};

export type WorkerMessage =
  | ReadyMessage
  | { type: "result"; result: RunResult }
  | { type: "seeded"; entries: number; ms: number }
  | { type: "opened" }
  | { type: "open-failed"; codes: string[]; message: string }
  | { type: "soak-sample"; processIndex: number; sample: SoakSample }
  | { type: "soak-done"; processIndex: number; ops: number; elapsedMs: number; refusedWrites: number }
  /** CLOCK_MONOTONIC ms at the first call and when the last resolved. */
  | { type: "stampede-done"; computations: number; startedAt: number; endedAt: number; got: Digests }
  | { type: "stampede-stored"; stored: Digests };

export type ParentMessage = GoMessage | CloseMessage | ReadMessage;

export type BenchWorker = Child<WorkerMessage>;

/** Forks a worker script with its task as JSON; what it prints is shown, what it says arrives over IPC. */
export function benchWorker(script: string, task: WorkerTask | SoakTask, nodeArgs: readonly string[] = []): BenchWorker {
  return new Child<WorkerMessage>(script, [JSON.stringify(task)], { tsx: true, ipc: true, showStdout: true, nodeArgs });
}
