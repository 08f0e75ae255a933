// Lifecycle campaign worker, one process per role, speaking the line protocol of lifecycle-plan.ts:
// - churn: every round a fresh open, a write, a read of it, a close;
// - open-close: every round an open and a close, nothing else;
// - writer: one open, then acknowledged writes until stopped;
// - reader: one open, then reads of the writers' keys until stopped;
// - verify: a fresh process that opens, writes and reads a probe key, dumps every entry to a file, and
//   prints {"opened", "wrote", "read"} (or the error's code).
// With `killAfterUs`, a thread of the worker SIGKILLs it at that point of its loop, first printing
// "k <phase> <monotonic ms>": the phase the main thread was in (open, close, ...) when it died.
import { existsSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import { openLmdbCache } from "../../../lib/index.ts";
import type { Cache } from "../../../lib/types.ts";
import { closeOrSay, KEY_SPACE, keeps, line, Mismatch, openOrSay, PHASES, type Phase, type ProcessJob, STUCK_MS, slotKey, type Verified, type VerifyJob, writeAndRead } from "../lifecycle-plan.ts";
import { cacheErrorCode } from "../../shared/error-code.ts";
import { seededRng } from "../../shared/rng.ts";
import { monotonicNow } from "../../shared/clock.ts";

const job = JSON.parse(process.argv[2]!) as ProcessJob | VerifyJob;
const say = (text: string) => console.log(text);

/** A worker whose open keeps failing retries after a pause, instead of spinning on the error. */
const RETRY_PAUSE_MS = 10;
/** Steady writers are paced: a steady load beside the churn, not a flood that starves it. */
const WRITE_PAUSE_MS = 2;

async function verify(job: VerifyJob): Promise<Verified> {
  let cache: Cache<unknown>;
  try {
    cache = await openLmdbCache<unknown>({ path: job.path });
  } catch (error) {
    return { opened: false, wrote: false, read: false, code: cacheErrorCode(error), message: (error as Error).message };
  }
  const result: Verified = { opened: true, wrote: false, read: false };
  try {
    const owner = `probe-${process.pid}`;
    await cache.set(slotKey(owner, 0), { owner, n: 0 });
    result.wrote = true;
    result.read = keeps(await cache.get(slotKey(owner, 0)), owner, 0);
    const dump: [string, unknown][] = [];
    for await (const pair of cache.entries()) dump.push(pair);
    writeFileSync(job.out, JSON.stringify(dump));
  } catch (error) {
    result.code = cacheErrorCode(error);
    result.message = (error as Error).message;
  }
  try {
    await cache.close();
  } catch (error) {
    result.code ??= cacheErrorCode(error);
    result.message ??= `close: ${(error as Error).message}`;
  }
  return result;
}

/** The phase the main thread is in, shared with the killer thread. */
const phase = new Int32Array(new SharedArrayBuffer(4));
const enter = (name: Phase) => Atomics.store(phase, 0, PHASES.indexOf(name));

/**
 * Starts the thread that SIGKILLs this process after `delayUs`, naming the phase it interrupted; with
 * `wanted`, once the main thread is in that phase (a close takes a few milliseconds of a round, so
 * kills at random delays land in one too seldom for a short campaign to be sure of one). It waits at
 * most a quarter of STUCK_MS for the phase, then kills wherever the process is.
 */
function armKiller(delayUs: number, wanted: Phase | undefined): void {
  const source = `
    const { workerData } = require("node:worker_threads");
    const { writeSync } = require("node:fs");
    const phase = new Int32Array(workerData.phase);
    const until = performance.now() + workerData.delayUs / 1000;
    while (performance.now() < until);
    const giveUp = until + workerData.waitMs;
    if (workerData.wanted >= 0) while (Atomics.load(phase, 0) !== workerData.wanted && performance.now() < giveUp);
    const text = "k " + Atomics.load(phase, 0) + " " + Number(process.hrtime.bigint()) / 1e6 + "\\n";
    for (;;) { try { writeSync(1, text); break; } catch (error) { if (error.code !== "EAGAIN") throw error; } }
    process.kill(process.pid, "SIGKILL");`;
  new Worker(source, { eval: true, workerData: { phase: phase.buffer, delayUs, wanted: wanted === undefined ? -1 : PHASES.indexOf(wanted), waitMs: STUCK_MS / 4 } }).unref();
}

/** Reports a step that took longer than a process may take to make progress. */
function timed(stage: string, began: number): void {
  const ms = monotonicNow() - began;
  if (ms > STUCK_MS) say(line.slow(stage, ms));
}

async function churn(job: ProcessJob, stopped: () => boolean): Promise<void> {
  for (let round = 0; !stopped(); round++) {
    const began = monotonicNow();
    const cache = await openOrSay(job.path, say, "", enter);
    if (cache === undefined) {
      await sleep(RETRY_PAUSE_MS);
      continue;
    }
    if (job.role === "churn") await writeAndRead(cache, job.owner, round, say, "", enter);
    await closeOrSay(cache, say, "", enter);
    timed("round", began);
    say(line.round(job.role));
  }
}

async function steady(job: ProcessJob, stopped: () => boolean): Promise<void> {
  const cache = await openOrSay(job.path, say, "", enter);
  if (cache === undefined) return;
  const rng = seededRng(job.seed);
  for (let n = 0; !stopped(); n++) {
    const began = monotonicNow();
    if (job.role === "writer") {
      await writeAndRead(cache, job.owner, n, say);
      await sleep(WRITE_PAUSE_MS);
    } else {
      // Any value of a writer's key must be one that writer wrote to that key.
      const owner = rng.pick(job.reads ?? []);
      const slot = rng.int(0, KEY_SPACE - 1);
      try {
        const got = await cache.get(slotKey(owner, slot));
        if (got !== undefined && !keeps(got, owner, slot)) throw new Mismatch(`${slotKey(owner, slot)} holds ${JSON.stringify(got)}`);
      } catch (error) {
        say(line.error("get", error));
      }
      if (n % 20 === 0) {
        say(line.round("read"));
        await sleep(1);
      }
    }
    timed(job.role, began);
  }
  await closeOrSay(cache, say, "", enter);
}

if (job.role === "verify") {
  say(JSON.stringify(await verify(job)));
} else {
  const deadline = monotonicNow() + job.maxSeconds * 1000;
  const stopped = () => monotonicNow() > deadline || existsSync(job.stopFile);
  if (job.killAfterUs !== undefined) armKiller(job.killAfterUs, job.killIn);
  if (job.role === "churn" || job.role === "open-close") await churn(job, stopped);
  else await steady(job, stopped);
  say(line.done);
}
