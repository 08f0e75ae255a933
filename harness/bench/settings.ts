import { BENCH_BACKENDS } from "./backends.ts";
import { WORKLOAD_IDS, type WorkloadId } from "./workloads.ts";

export type BenchMode = "quick" | "full" | "gate";

export type BenchSettings = {
  mode: BenchMode;
  seed: number;
  /** Entries in each data set. */
  sizes: number[];
  /** Process counts of the throughput workloads (footprint always runs in one process). */
  processCounts: number[];
  workloads: WorkloadId[];
  /** Every backend measured, interleaved in this order; the two below are among them. */
  backends: string[];
  /** What is being judged, and what it is judged against. */
  candidate: string;
  reference: string;
  repetitions: number;
  /** Length of each timed window. */
  durationMs: number;
  /** Fresh processes per side for cold start (candidate and reference taking turns); 0 skips it. */
  coldStartSamples: number;
  /**
   * Measure the candidate's getOrSet: on a hit, in the same repetitions as its 1-process get, and a
   * stampede of fresh processes on cold keys against each computing for itself (stampede.ts).
   */
  getOrSet?: boolean;
};

export const DEFAULT_SEED = 20_240_601;
export const CANDIDATE = "lmdb-cache";
export const REFERENCE = "level-cache";

/** `--quick` fits in a few minutes on two cores; the full run covers the whole matrix. */
export function benchSettings(mode: "quick" | "full", seed = DEFAULT_SEED): BenchSettings {
  const common = { seed, workloads: [...WORKLOAD_IDS], backends: [...BENCH_BACKENDS], candidate: CANDIDATE, reference: REFERENCE };
  return mode === "quick"
    ? { ...common, mode, sizes: [10_000], processCounts: [1, 4], repetitions: 2, durationMs: 700, coldStartSamples: 10, getOrSet: true }
    : { ...common, mode, sizes: [10_000, 100_000], processCounts: [1, 2, 4, 8], repetitions: 3, durationMs: 1500, coldStartSamples: 30, getOrSet: true };
}
