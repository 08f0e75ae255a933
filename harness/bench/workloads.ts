import { isDeepStrictEqual } from "node:util";
import type { BenchStore } from "./backends.ts";
import { hotIndexes, keyOf, type Profile, valueOf } from "./dataset.ts";
import type { Histogram } from "./histogram.ts";
import type { MemorySampler } from "./memory.ts";
import { seededRng, mixSeed, type Rng } from "../shared/rng.ts";

/** The matrix: every backend runs each of these. */
export const WORKLOAD_IDS = ["get", "set", "get-pipelined", "set-pipelined", "batch", "scan", "mix", "footprint"] as const;
/**
 * Beside the matrix, on the candidate only: getOrSet of the hot set, every call a hit, measured in the
 * same repetitions as the candidate's get (measure.ts) and judged against it.
 */
export const GET_OR_SET = "get-or-set";
export type WorkloadId = (typeof WORKLOAD_IDS)[number] | typeof GET_OR_SET;

export const HOT_SET_SIZE = 1000;
export const PIPELINE_DEPTH = 100;
export const BATCH_SIZE = 100;
const VALUE_POOL_SIZE = 256;
const CHECK_SAMPLE = 64;

export type WorkloadInfo = {
  /** What its processes do, for the reports: "readers", "writers" or both. */
  readonly side: "readers" | "writers" | "readers+writers";
  /** What one counted operation is. */
  readonly unit: string;
  readonly description: string;
  readonly writes: boolean;
  /** A fixed amount of work instead of a time window: memory is compared for the same work. */
  readonly fixedWork?: boolean;
};

export const WORKLOADS: Record<WorkloadId, WorkloadInfo> = {
  get: { side: "readers", unit: "get", writes: false, description: `awaited get, one at a time, of a hot set of ${HOT_SET_SIZE} keys` },
  set: { side: "writers", unit: "set", writes: true, description: "awaited set, one at a time, of random keys of the data set" },
  "get-pipelined": {
    side: "readers",
    unit: "get",
    writes: false,
    description: `get of the hot set with ${PIPELINE_DEPTH} calls in flight per process`,
  },
  "set-pipelined": {
    side: "writers",
    unit: "set",
    writes: true,
    description: `set of random keys with ${PIPELINE_DEPTH} calls in flight per process`,
  },
  batch: { side: "writers", unit: "batch", writes: true, description: `awaited batch of ${BATCH_SIZE} puts of random keys` },
  scan: { side: "readers", unit: "entry", writes: false, description: "full entries() scans, repeated; latency per entry" },
  mix: {
    side: "readers+writers",
    unit: "op",
    writes: true,
    description: "90% get / 10% set, awaited, keys uniform over the data set",
  },
  [GET_OR_SET]: {
    side: "readers",
    unit: "getOrSet",
    writes: false,
    description: `awaited getOrSet, one at a time, of a hot set of ${HOT_SET_SIZE} keys, every call a hit (a computation fails the run)`,
  },
  footprint: {
    side: "readers+writers",
    unit: "op",
    writes: true,
    fixedWork: true,
    description: "the same work for every backend: get every entry, set every entry, one full scan (memory for the same data)",
  },
};

export type RunContext = {
  readonly store: BenchStore;
  readonly seed: number;
  readonly size: number;
  readonly processIndex: number;
  readonly deadline: number;
  readonly histogram: Histogram;
  readonly memory: MemorySampler;
};

type Op = () => Promise<unknown>;

/** Each lane runs one call at a time until the deadline; `lanes` of them keep that many in flight. */
async function lanes(ctx: RunContext, count: number, op: Op): Promise<number> {
  let ops = 0;
  const lane = async () => {
    let t = performance.now();
    while (t < ctx.deadline) {
      const started = t;
      await op();
      t = performance.now();
      ctx.histogram.record(t - started);
      ctx.memory.maybeSample(t);
      ops++;
    }
  };
  await Promise.all(Array.from({ length: count }, lane));
  return ops;
}

async function scans(ctx: RunContext): Promise<number> {
  let entries = 0;
  let t = performance.now();
  while (t < ctx.deadline) {
    let seen = 0;
    let last = t;
    for await (const _ of ctx.store.entries()) {
      t = performance.now();
      ctx.histogram.record(t - last);
      ctx.memory.maybeSample(t);
      last = t;
      seen++;
      if (t >= ctx.deadline) break;
    }
    entries += seen;
    if (seen === 0) throw new Error("entries() yielded nothing");
    t = performance.now();
  }
  return entries;
}

/** Every key read once, written once (in a seeded order), then one full scan: 3 x size operations. */
async function footprint(ctx: RunContext, rng: Rng, value: () => Profile): Promise<number> {
  const order = rng.shuffled(Array.from({ length: ctx.size }, (_, i) => i));
  const timed = async (op: Op) => {
    const started = performance.now();
    await op();
    const t = performance.now();
    ctx.histogram.record(t - started);
    ctx.memory.maybeSample(t);
  };
  for (const i of order) await timed(() => ctx.store.get(keyOf(i)));
  for (const i of order) await timed(() => ctx.store.set(keyOf(i), value()));
  let last = performance.now();
  let scanned = 0;
  for await (const _ of ctx.store.entries()) {
    const t = performance.now();
    ctx.histogram.record(t - last);
    ctx.memory.maybeSample(t);
    last = t;
    scanned++;
  }
  return 2 * ctx.size + scanned;
}

function valuePool(seed: number, processIndex: number): Profile[] {
  return Array.from({ length: VALUE_POOL_SIZE }, (_, i) => valueOf(seed, i, 1 + processIndex));
}

/** Runs the workload until the deadline (or its fixed work); returns how many operations (in its unit) completed. */
export function runWorkload(id: WorkloadId, ctx: RunContext): Promise<number> {
  const rng = seededRng(mixSeed(ctx.seed, 0x51de, ctx.processIndex));
  const { store, size } = ctx;
  const hot = hotIndexes(size, HOT_SET_SIZE).map(keyOf);
  const pool = valuePool(ctx.seed, ctx.processIndex);
  const anyKey = () => keyOf(rng.below(size));
  const anyValue = () => pool[rng.below(pool.length)]!;
  const getHot: Op = () => store.get(hot[rng.below(hot.length)]!);
  const getOrSetHot: Op = () => getOrSetOf(store)(hot[rng.below(hot.length)]!, computeOnHit);
  const setAny: Op = () => store.set(anyKey(), anyValue());
  switch (id) {
    case "get":
      return lanes(ctx, 1, getHot);
    case "set":
      return lanes(ctx, 1, setAny);
    case "get-pipelined":
      return lanes(ctx, PIPELINE_DEPTH, getHot);
    case "set-pipelined":
      return lanes(ctx, PIPELINE_DEPTH, setAny);
    case "batch":
      return lanes(ctx, 1, () =>
        store.batch(Array.from({ length: BATCH_SIZE }, () => ({ type: "put" as const, key: anyKey(), value: anyValue() }))),
      );
    case "scan":
      return scans(ctx);
    case "mix":
      return lanes(ctx, 1, () => (rng.next() < 0.9 ? store.get(anyKey()) : setAny()));
    case "footprint":
      return footprint(ctx, rng, anyValue);
    case GET_OR_SET:
      return lanes(ctx, 1, getOrSetHot);
  }
}

/** The backend's getOrSet; a backend without one cannot run the getOrSet workloads. */
export function getOrSetOf(store: BenchStore): NonNullable<BenchStore["getOrSet"]> {
  if (store.getOrSet === undefined) throw new Error("this backend has no getOrSet");
  return store.getOrSet;
}

/** Every key of the hot set is stored: a computation means getOrSet missed a live value. */
function computeOnHit(key: string): never {
  throw new Error(`getOrSet computed ${key}, which is stored`);
}

function mismatch(what: string, key: string, got: unknown, want: unknown): Error {
  return new Error(`${what}: ${key} read back ${JSON.stringify(got)?.slice(0, 200)}, expected ${JSON.stringify(want)?.slice(0, 200)}`);
}

/** Before timing: sampled entries of the data set read back exactly as seeded. */
export async function checkSeededEntries(store: BenchStore, seed: number, size: number, rng: Rng): Promise<number> {
  const indexes = [0, size - 1, ...Array.from({ length: CHECK_SAMPLE }, () => rng.below(size))];
  for (const i of indexes) {
    const got = await store.get(keyOf(i));
    if (!isDeepStrictEqual(got, valueOf(seed, i))) throw mismatch("seeded entry", keyOf(i), got, valueOf(seed, i));
  }
  return indexes.length;
}

/** The first entries of entries() are the data set's first keys and values, in order. */
export async function checkScanOrder(store: BenchStore, seed: number, size: number): Promise<number> {
  let i = 0;
  const want = Math.min(size, CHECK_SAMPLE);
  for await (const [key, value] of store.entries({ limit: want })) {
    if (key !== keyOf(i) || !isDeepStrictEqual(value, valueOf(seed, i))) throw mismatch("entries()", keyOf(i), [key, value], valueOf(seed, i));
    i++;
  }
  if (i !== want) throw new Error(`entries({ limit: ${want} }) yielded ${i} entries`);
  return i;
}

/** A write of this process's own probe key reads back; run before and after timing of write workloads. */
export async function checkWriteReadsBack(store: BenchStore, seed: number, processIndex: number, round: number): Promise<void> {
  // "~" sorts after the data set's keys, so scans of the data set still start at its first key.
  const key = `~probe:${processIndex}`;
  const value = valueOf(seed, processIndex, 1000 + round);
  await store.set(key, value);
  const got = await store.get(key);
  if (!isDeepStrictEqual(got, value)) throw mismatch("write probe", key, got, value);
}

/** Counts every entry with one full scan (used once, after seeding). */
export async function countEntries(store: BenchStore): Promise<number> {
  let n = 0;
  for await (const _ of store.entries()) n++;
  return n;
}
