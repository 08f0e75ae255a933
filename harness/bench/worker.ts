import { backendById, type BenchStore } from "./backends.ts";
import { keyOf, type Profile, valueOf } from "./dataset.ts";
import { errorCodes } from "../shared/error-code.ts";
import { Histogram } from "./histogram.ts";
import { MemorySampler, readStatus } from "./memory.ts";
import type { Digests, ParentMessage, StampedeTask, WorkerMessage, WorkerTask } from "./protocol.ts";
import { seededRng, mixSeed } from "../shared/rng.ts";
import { checkScanOrder, checkSeededEntries, checkWriteReadsBack, countEntries, getOrSetOf, runWorkload, WORKLOADS } from "./workloads.ts";
import { createHash } from "node:crypto";
import { monotonicNow } from "../shared/clock.ts";

// One benchmark process: `node --import tsx harness/bench/worker.ts '<WorkerTask as JSON>'`, forked
// with an IPC channel by the orchestrator. Without one (under a profiler) it runs on its own: it
// starts at once and prints its messages as JSON lines.

const SEED_BATCH = 1000;

const standalone = process.send === undefined;

function send(message: WorkerMessage): Promise<void> {
  if (standalone) {
    console.log(JSON.stringify(message.type === "result" ? { ...message.result, histogram: undefined } : message));
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())));
}

function receive(): Promise<ParentMessage> {
  if (standalone) return Promise.resolve({ type: "go" });
  return new Promise((resolve) => process.once("message", (message) => resolve(message as ParentMessage)));
}

async function seed(task: WorkerTask, store: BenchStore): Promise<void> {
  const started = performance.now();
  for (let from = 0; from < task.size; from += SEED_BATCH) {
    const ops = [];
    for (let i = from; i < Math.min(task.size, from + SEED_BATCH); i++) {
      ops.push({ type: "put" as const, key: keyOf(i), value: valueOf(task.seed, i) });
    }
    await store.batch(ops);
  }
  const entries = await countEntries(store);
  if (entries !== task.size) throw new Error(`seeded ${task.size} entries but entries() yielded ${entries}`);
  await checkSeededEntries(store, task.seed, task.size, seededRng(mixSeed(task.seed, 0xc0de)));
  await send({ type: "seeded", entries, ms: performance.now() - started });
}

async function run(task: Extract<WorkerTask, { role: "run" }>, store: BenchStore, openMs: number, rssBeforeOpenBytes: number) {
  const info = WORKLOADS[task.workload];
  let checked = await checkSeededEntries(store, task.seed, task.size, seededRng(mixSeed(task.seed, 0xc0de, task.processIndex)));
  if (task.workload === "scan") checked += await checkScanOrder(store, task.seed, task.size);
  if (info.writes) await checkWriteReadsBack(store, task.seed, task.processIndex, 0);
  const memory = new MemorySampler();
  memory.sample();
  await send({ type: "ready", openMs, rssBeforeOpenBytes, checked });
  const go = await receive();
  if (go.type !== "go") return;
  const histogram = new Histogram();
  const started = performance.now();
  const ops = await runWorkload(task.workload, {
    store,
    seed: task.seed,
    size: task.size,
    processIndex: task.processIndex,
    deadline: started + task.durationMs,
    histogram,
    memory,
  });
  const elapsedMs = performance.now() - started;
  memory.sample();
  if (info.writes) await checkWriteReadsBack(store, task.seed, task.processIndex, 1);
  await send({
    type: "result",
    result: { ops, elapsedMs, openMs, rssBeforeOpenBytes, histogram: histogram.toSparse(), memory: memory.peaks },
  });
}

function digest(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value) ?? "undefined").digest("base64");
}

async function stampede(task: StampedeTask, store: BenchStore, openMs: number, rssBeforeOpenBytes: number): Promise<void> {
  const keys = Array.from({ length: task.size }, (_, i) => keyOf(i));
  for (const key of keys) if ((await store.get(key)) !== undefined) throw new Error(`${key} is stored before the stampede`);
  await send({ type: "ready", openMs, rssBeforeOpenBytes, checked: keys.length });
  if ((await receive()).type !== "go") return;
  let computations = 0;
  // A fixed cost of busy CPU, so that computations made twice cost the machine what they would.
  const compute = (key: string): Profile => {
    computations++;
    const until = performance.now() + task.computeMs;
    while (performance.now() < until);
    return valueOf(task.seed, keys.indexOf(key), 1 + task.processIndex);
  };
  const getOrSet = task.mode === "get-or-set" ? getOrSetOf(store) : undefined;
  const ask = async (key: string): Promise<Profile> => {
    if (getOrSet !== undefined) return getOrSet(key, compute);
    const found = await store.get(key);
    if (found !== undefined) return found;
    const value = compute(key);
    await store.set(key, value);
    return value;
  };
  const order = seededRng(mixSeed(task.seed, 0x57a3, task.processIndex)).shuffled(keys);
  const startedAt = monotonicNow();
  const values = await Promise.all(order.map(ask));
  const endedAt = monotonicNow();
  const got: Digests = Object.fromEntries(order.map((key, i) => [key, digest(values[i])]));
  await send({ type: "stampede-done", computations, startedAt, endedAt, got });
  if ((await receive()).type !== "read") return;
  const stored: Digests = {};
  for (const key of keys) stored[key] = digest(await store.get(key));
  await send({ type: "stampede-stored", stored });
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? "") as WorkerTask;
  const opener = await backendById(task.backend).load();
  const rssBeforeOpenBytes = readStatus().VmRSS;
  const started = performance.now();
  let store: BenchStore;
  try {
    store = await opener(task.dir);
  } catch (error) {
    if (task.role !== "try-open") throw error;
    await send({ type: "open-failed", codes: errorCodes(error), message: String(error) });
    return;
  }
  const openMs = performance.now() - started;
  try {
    switch (task.role) {
      case "seed":
        return await seed(task, store);
      case "run":
        return await run(task, store, openMs, rssBeforeOpenBytes);
      case "hold":
        await send({ type: "opened" });
        await receive();
        return;
      case "try-open":
        return await send({ type: "opened" });
      case "stampede":
        return await stampede(task, store, openMs, rssBeforeOpenBytes);
    }
  } finally {
    await store.close();
  }
}

main().then(
  () => process.disconnect?.(),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
