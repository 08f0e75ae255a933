// A scenario process: opens the cache, waits at the barrier, runs its program (closing the cache and
// opening it again at each reopen) and appends one JSON line per completed operation to its history file.
// Run as `node --import tsx client.ts <job.json>`.
import { openSync, readFileSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { type Cache, openLmdbCache } from "../../lib/index.ts";
import type { LevelCacheApi } from "../../test/reference/level-cache.ts";
import { epochOffset, monotonicNow, sharedClock } from "../shared/clock.ts";
import type { OpRecord, OpResult } from "./history.ts";
import type { NsPath, Op } from "./operations.ts";
import { errorSummary } from "../shared/error-code.ts";
import type { ParentMessage, ClientJob, ClientMessage } from "./client-protocol.ts";

const job = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as ClientJob;
const history = openSync(job.historyPath, "a");

const clock = sharedClock(job.epochOffset);
/** The cache's clock: the shared clock, with every reading kept for the operation in progress. */
let readings: number[] = [];
const now = () => {
  const time = clock();
  readings.push(time);
  return time;
};

function send(message: ClientMessage): void {
  process.send?.(message);
}

async function open(): Promise<LevelCacheApi<unknown>> {
  if (job.backend === "level") {
    const { openReferenceLevelCache } = await import("../../test/reference/level-cache.ts");
    return openReferenceLevelCache({ path: job.cachePath, now });
  }
  if (job.backend === "redis") {
    // Processes stand in for hosts: each has its own connection, and a run's keys live under its own prefix.
    const { openRedisCache } = await import("../../lib/redis/index.ts");
    return openRedisCache({ url: job.redisUrl, prefix: job.cachePath, now, values: job.values });
  }
  return openLmdbCache({ path: job.cachePath, now, values: job.values, ...job.bound });
}

/**
 * A thread that SIGKILLs this process `delayUs` after the operation it is fired at begins. It runs while the
 * main thread is blocked inside a synchronous commit, so the kill can land in the middle of one. Armed one
 * operation early, it spins instead of sleeping, so waking it costs nothing when it matters.
 */
async function startKiller(delayUs: number): Promise<{ arm: () => void; fire: () => void }> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const source = `
    const { workerData } = require("node:worker_threads");
    const flag = new Int32Array(workerData.buffer);
    Atomics.wait(flag, 0, 0);
    while (Atomics.load(flag, 0) !== 2);
    const until = performance.now() + workerData.delayUs / 1000;
    while (performance.now() < until);
    process.kill(process.pid, "SIGKILL");`;
  const thread = new Worker(source, { eval: true, workerData: { buffer: flag.buffer, delayUs } });
  thread.unref();
  await new Promise((resolve) => thread.once("online", resolve));
  const set = (state: number) => {
    Atomics.store(flag, 0, state);
    Atomics.notify(flag, 0);
  };
  return { arm: () => set(1), fire: () => set(2) };
}

let go: () => void = () => {};
const started = new Promise<void>((resolve) => (go = resolve));
let stopAfter: number | undefined;
let aborted = false;
process.on("message", (message: ParentMessage) => {
  if (message.type === "go") go();
  else if (message.type === "stop") stopAfter = message.after;
  else {
    aborted = true;
    go();
  }
});

/** The open cache; undefined after a reopen failed to close or to open it again. */
let cache: LevelCacheApi<unknown> | undefined;
try {
  cache = await open();
} catch (error) {
  // Exit only once the message is written: the parent tells a refused open from a crash by it.
  const message: ClientMessage = { type: "open-failed", error: errorSummary(error) };
  await new Promise<void>((resolve) => (process.send === undefined ? resolve() : process.send(message, () => resolve())));
  process.disconnect?.();
  process.exit(0);
}
const killer = job.kill === undefined ? undefined : await startKiller(job.kill.delayUs);

/** Views of the open cache by namespace path; a reopen empties it, since views die with their cache. */
const views = new Map<string, LevelCacheApi<unknown>>();
function viewOf(root: LevelCacheApi<unknown>, ns: NsPath): LevelCacheApi<unknown> {
  const id = JSON.stringify(ns);
  let found = views.get(id);
  if (found === undefined) {
    found = ns.reduce((current, segment) => current.withNamespace(segment), root);
    views.set(id, found);
  }
  return found;
}

/**
 * The open cache, opened again first if a reopen left none. Trying again at every operation, rather than
 * giving up, lets the history show whether opens recover once the other processes have moved on; the
 * failed reopen is already an error, and so is every operation whose open fails too.
 */
async function current(): Promise<LevelCacheApi<unknown>> {
  cache ??= await open();
  return cache;
}

async function reopen(pauseMs: number | undefined): Promise<void> {
  const closing = cache;
  // Forgotten before closing: if the close fails, the next operation still starts from a fresh open.
  cache = undefined;
  views.clear();
  await closing?.close();
  if (pauseMs !== undefined) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  cache = await open();
}

async function perform(op: Op): Promise<OpResult | undefined> {
  if (op.kind === "reopen") {
    await reopen(op.pauseMs);
    return undefined;
  }
  if (op.kind === "sleep") {
    await new Promise((resolve) => setTimeout(resolve, op.ms));
    return undefined;
  }
  const root = await current();
  const view = (ns: NsPath) => viewOf(root, ns);
  switch (op.kind) {
    case "set":
      await view(op.ns).set(op.key, op.value, op.ttlMs === undefined ? undefined : { ttlMs: op.ttlMs });
      return undefined;
    case "get": {
      const value = await view(op.ns).get(op.key);
      return value === undefined ? { found: false } : { found: true, value };
    }
    case "has":
      return view(op.ns).has(op.key);
    case "del":
      await view(op.ns).del(op.key);
      return undefined;
    case "batch":
      await view(op.ns).batch(op.ops);
      return undefined;
    case "entries": {
      const pairs: [string, unknown][] = [];
      for await (const pair of view(op.ns).entries(op.limit === undefined ? undefined : { limit: op.limit })) {
        pairs.push(pair);
      }
      return pairs;
    }
    case "sweep":
      return root.sweepExpired();
    case "size":
      return { liveBytes: (await (root as Cache<unknown>).stats()).bytes, fileBytes: statSync(join(job.cachePath, "data.mdb")).size };
  }
}

send({ type: "ready", wallClockSkew: epochOffset() - job.epochOffset });
await started;

let seq = 0;
let lastInvoked = -Infinity;
let lastProgress = clock();
for (let pass = 0; !aborted; pass++) {
  for (let step = 0; step < job.program.length && !aborted; step++) {
    const op = job.program[step]!;
    if (pass === 0 && step === Math.max(0, (job.kill?.op ?? 0) - 1)) killer?.arm();
    readings = [];
    const m0 = monotonicNow();
    const t0 = m0 + job.epochOffset;
    lastInvoked = t0;
    if (killer !== undefined) {
      // Written before the operation starts, so a kill inside it leaves the operation known as begun.
      writeSync(history, `${JSON.stringify({ begin: true, seq, step, t0, m0 })}\n`);
      if (pass === 0 && step === job.kill?.op) killer.fire();
    }
    const record: Omit<OpRecord, "t1" | "m1"> = { proc: job.proc, seq, step, op, t0, m0, clock: readings, outcome: "ok" };
    try {
      const result = await perform(op);
      if (result !== undefined) record.result = result;
    } catch (error) {
      record.outcome = "error";
      record.error = errorSummary(error);
    }
    const m1 = monotonicNow();
    const t1 = m1 + job.epochOffset;
    writeSync(history, `${JSON.stringify({ ...record, t1, m1 })}\n`);
    seq++;
    if (t1 - lastProgress > 100) {
      lastProgress = t1;
      send({ type: "progress", ops: seq });
    }
    // Looping processes hear the stop message between operations.
    if (job.loop) await new Promise((resolve) => setImmediate(resolve));
  }
  if (!job.loop || job.program.length === 0 || (stopAfter !== undefined && lastInvoked > stopAfter)) break;
}

if (killer !== undefined) {
  // The kill is due any moment; living on past it means it did not land.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  process.exitCode = 3;
}
await cache?.close();
send({ type: "done", ops: seq });
process.disconnect?.();
