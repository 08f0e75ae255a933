// A writer that runs one kind of write as fast as it can and acknowledges each completed write on
// stdout, until it is killed: by its own killer thread after `killAfterUs`, or by the parent.
// Lines: "ready", "a <n> <what> <monotonic ms>" per acknowledged write (upgrade: then the open's ms), "k <phase> <held> <monotonic ms>"
// just before the killer thread's SIGKILL, "open-failed <code>" if the cache does not open.
import { openSync, writeSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { migrateFromLevel, openLmdbCache } from "../../../lib/index.ts";
import type { Cache } from "../../../lib/types.ts";
import { monotonicNow } from "../../shared/clock.ts";
import { lockFilePath, WRITE_LOCK_AT } from "../lock-file.ts";
import { type KillWriterJob, PHASES, batchSize, evictKey, evictValue, expiredKey, groupKey, liveKey } from "../kill-plan.ts";

const job = JSON.parse(process.argv[2]!) as KillWriterJob;
const pause = new Int32Array(new SharedArrayBuffer(4));
/** One whole line to stdout before going on: the pipe is non-blocking, and a line under 4 KiB is written whole or not at all. */
function out(line: string): void {
  for (;;) {
    try {
      writeSync(1, `${line}\n`);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/** What the main thread is doing, for the killer thread to report: an index into PHASES. */
const phase = new Int32Array(new SharedArrayBuffer(4));
const enter = (name: (typeof PHASES)[number]) => Atomics.store(phase, 0, PHASES.indexOf(name));

/**
 * A thread that SIGKILLs this process `job.killAfterUs` from now, if set. Once the cache is open, it
 * samples the write lock's owner from the lock file first; before the open it cannot: the engine
 * refuses to open a cache whose lock file the process already has open.
 */
function startKiller(opened: boolean): void {
  if (job.killAfterUs === undefined) return;
  // A thread, so the kill can land while the main thread is blocked inside a synchronous commit. It
  // samples the write lock's owner just before killing: the main thread's id is the process id.
  const lockFd = opened ? openSync(lockFilePath(job.path), "r") : -1;
  const source = `
    const { workerData } = require("node:worker_threads");
    const { readSync, writeSync } = require("node:fs");
    const phase = new Int32Array(workerData.phase);
    const until = performance.now() + workerData.delayUs / 1000;
    while (performance.now() < until);
    const word = Buffer.alloc(4);
    if (workerData.lockFd >= 0) readSync(workerData.lockFd, word, 0, 4, workerData.at);
    const held = ((word.readInt32LE(0) & 0x3fffffff) === process.pid) ? 1 : 0;
    const m = Number(process.hrtime.bigint()) / 1e6;
    const line = "k " + Atomics.load(phase, 0) + " " + held + " " + m + "\\n";
    for (;;) { try { writeSync(1, line); break; } catch (error) { if (error.code !== "EAGAIN") throw error; } }
    process.kill(process.pid, "SIGKILL");`;
  const thread = new Worker(source, {
    eval: true,
    workerData: { phase: phase.buffer, delayUs: job.killAfterUs, lockFd, at: WRITE_LOCK_AT },
  });
  thread.unref();
}

// upgrade: the kill lands in the open itself, which upgrades a cache of format 1 in place.
if (job.mode === "upgrade") {
  enter("upgrade");
  startKiller(false);
}
const opening = performance.now();
let cache: Cache<unknown>;
try {
  const bound = job.boundBytes === undefined ? {} : { maxSizeBytes: job.boundBytes, eviction: "lru" as const };
  cache = await openLmdbCache<unknown>({ path: job.path, durability: job.durability, ...bound });
} catch (error) {
  out(`open-failed ${(error as { code?: string }).code ?? "?"}`);
  process.exit(2);
}
const view = cache.withNamespace(job.ns);

if (job.mode === "upgrade") {
  // How long the open (and so the upgrade) took, for the parent to spread its kills over.
  out(`a 0 upgrade ${monotonicNow()} ${performance.now() - opening}`);
  await new Promise(() => setInterval(() => {}, 1000));
}
// evict: the killer starts once the writes have passed the bound, so that every kill lands in a cache that evicts on each put.
if (job.mode !== "evict") startKiller(true);
out("ready");

const churnStart = performance.now();
/** evict: the write after which the writer has written one and a half bounds' worth of values, and evicts on every put. */
const evictingFrom = job.mode === "evict" ? Math.ceil((1.5 * job.boundBytes!) / job.valueBytes!) : -1;
const ack = (n: number, what: string) => out(`a ${n} ${what} ${monotonicNow()}`);

/** One iteration of the writer's kind of write; a failure is reported ("e <code> <message>") and the next one tried. */
async function step(n: number): Promise<void> {
  switch (job.mode) {
    case "migrate":
      // Copies a level-cache directory into the cache; all or nothing, whatever the kill interrupts.
      enter("migrate");
      await migrateFromLevel({ from: job.source!, to: job.path });
      ack(n, "migrate");
      break;
    case "set":
      enter("set");
      await view.set(liveKey(n), { n });
      ack(n, "set");
      break;
    case "evict":
      enter("set");
      await view.set(evictKey(n), evictValue(n, job.valueBytes!));
      ack(n, "set");
      if (n === evictingFrom) startKiller(true);
      break;
    case "churn":
      enter("set");
      await view.set(`k${n % job.keySpace!}`, { n, pad: "x".repeat(job.valueBytes ?? 0) });
      if (n % 50 === 0) {
        ack(n, "set");
        // Paced: a steady write load, not a flood.
        const due = churnStart + (n / (job.ratePerSecond ?? Infinity)) * 1000;
        if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      }
      break;
    case "batch": {
      const size = batchSize(job.seed, n);
      const ops: { type: "put"; key: string; value: unknown }[] = [];
      for (let i = 0; i < size; i++) ops.push({ type: "put", key: groupKey(n, i), value: { n, size } });
      ops.push({ type: "put", key: "head", value: { n } });
      enter("batch");
      await view.batch(ops);
      ack(n, "batch");
      break;
    }
    case "sweep":
    case "lazy": {
      const expired = job.mode === "sweep" ? job.expiredPerRound ?? 1500 : 200;
      const ops = [];
      for (let i = 0; i < expired; i++) ops.push({ type: "put" as const, key: expiredKey(n, i), value: { n, i }, ttlMs: -1 });
      enter("batch");
      await view.batch(ops);
      ack(n, "expired");
      enter("set");
      await view.set(liveKey(n), { n });
      ack(n, "set");
      if (job.mode === "sweep") {
        enter("sweep");
        await cache.sweepExpired();
        ack(n, "sweep");
      } else {
        enter("lazy");
        for (let i = 0; i < expired; i++) {
          if ((await view.get(expiredKey(n, i))) !== undefined) out(`served-expired ${expiredKey(n, i)}`);
        }
        ack(n, "lazy");
      }
      break;
    }
  }
}

for (let n = 0; ; n++) {
  try {
    await step(n);
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    out(`e ${code ?? "untyped"} ${String(message).replaceAll("\n", " ").slice(0, 300)}`);
  }
}
