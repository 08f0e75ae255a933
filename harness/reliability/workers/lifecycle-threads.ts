// Lifecycle campaign worker for opens within one process, speaking the line protocol of lifecycle-plan.ts.
// - threads: the main thread holds the cache open and writes, while worker threads of the same process
//   open the same path, write, read and close, round after round. Errors are staged "main:" or "thread:".
// - aliases: the same directory opened at once by its absolute path, by a relative path and through a
//   symlink, first all in the main thread, then one name per worker thread. Errors are staged "alias:"
//   and "alias-thread:".
// The threads run this same file (isMainThread tells which side it is on): the worker scripts are
// bundled, and a thread needs a script of its own to run.
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { Cache } from "../../../lib/types.ts";
import { type AliasJob, closeOrSay, line, openOrSay, readBack, STUCK_MS, type ThreadsJob, writeAndRead } from "../lifecycle-plan.ts";
import { seededRng } from "../../shared/rng.ts";
import { monotonicNow } from "../../shared/clock.ts";

type Job = ({ mode: "threads" } & ThreadsJob) | ({ mode: "aliases" } & AliasJob);

/** Part 3, a thread: churns on the path until the main thread sets `stop`. */
type ChurnThread = { kind: "churn"; path: string; owner: string; stop: SharedArrayBuffer };
/** Part 4, a thread: opens `path` (one of the names) and does what the main thread asks, step by step. */
type AliasThread = { kind: "alias"; path: string; name: string };

type Step = { op: "open" | "write" | "read" | "close" | "exit"; round: number; others?: string[] };
type Reply = { op: Step["op"]; ok: boolean };

const aliasOwner = (name: string) => `alias-${name}`;
/** A step of a thread that takes longer than this is stuck; the main thread gives up on the threads. */
const THREAD_STEP_MS = STUCK_MS;

function shuffled<T>(items: readonly T[], rng: ReturnType<typeof seededRng>): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function churnThread(data: ChurnThread): Promise<void> {
  const say = (text: string) => parentPort!.postMessage(text);
  const stop = new Int32Array(data.stop);
  for (let round = 0; Atomics.load(stop, 0) === 0; round++) {
    const cache = await openOrSay(data.path, say, "thread:");
    if (cache === undefined) {
      await sleep(10);
      continue;
    }
    await writeAndRead(cache, data.owner, round, say, "thread:");
    await closeOrSay(cache, say, "thread:");
    say(line.round("thread"));
  }
}

function aliasThread(data: AliasThread): void {
  const say = (text: string) => parentPort!.postMessage(text);
  let cache: Cache<unknown> | undefined;
  parentPort!.on("message", async (step: Step) => {
    let ok = false;
    if (step.op === "open") ok = (cache = await openOrSay(data.path, say, "alias-thread:")) !== undefined;
    else if (step.op === "write" && cache !== undefined) ok = await writeAndRead(cache, aliasOwner(`thread-${data.name}`), step.round, say, "alias-thread:");
    else if (step.op === "read" && cache !== undefined) {
      ok = true;
      for (const other of step.others ?? []) ok = (await readBack(cache, aliasOwner(`thread-${other}`), step.round, say, "alias-thread:")) && ok;
    } else if (step.op === "close" && cache !== undefined) {
      await closeOrSay(cache, say, "alias-thread:");
      cache = undefined;
      ok = true;
    } else if (step.op === "exit") {
      parentPort!.close();
      return;
    }
    parentPort!.postMessage({ op: step.op, ok } satisfies Reply);
  });
}

/** A thread running this file, whose lines go to stdout; `exited` resolves however it ends. */
function startThread(data: ChurnThread | AliasThread, say: (text: string) => void, onReply: (reply: Reply) => void = () => {}) {
  const thread = new Worker(fileURLToPath(import.meta.url), { workerData: data });
  thread.on("message", (message: string | Reply) => (typeof message === "string" ? say(message) : onReply(message)));
  thread.on("error", (error) => say(line.error(`${data.kind === "churn" ? "thread" : "alias-thread"}:crash`, error)));
  const exited = new Promise<void>((resolve) => thread.once("exit", () => resolve()));
  return { thread, exited };
}

/** Waits for `done`, up to `ms`; false when it did not come. */
async function within(done: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const result = await Promise.race([done.then(() => true as const), late]);
  clearTimeout(timer);
  return result;
}

async function threads(job: ThreadsJob, say: (text: string) => void): Promise<void> {
  const cache = await openOrSay(job.path, say, "main:");
  if (cache === undefined) return;
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const started = Array.from({ length: job.threads }, (_, i) => startThread({ kind: "churn", path: job.path, owner: `t${i}`, stop: stop.buffer }, say));
  const end = monotonicNow() + job.seconds * 1000;
  for (let n = 0; monotonicNow() < end; n++) {
    await writeAndRead(cache, "m", n, say, "main:");
    await sleep(2);
  }
  Atomics.store(stop, 0, 1);
  for (const { thread, exited } of started) {
    if (await within(exited, STUCK_MS)) continue;
    say(line.error("thread:stuck", new Error(`a thread did not finish its round within ${STUCK_MS} ms of being stopped`)));
    await thread.terminate();
  }
  await closeOrSay(cache, say, "main:");
}

/** Part 4 in the main thread: every round, the three names open at once, write, read, close in turn. */
async function aliasesInMain(names: Record<string, string>, job: AliasJob, say: (text: string) => void): Promise<void> {
  const rng = seededRng(job.seed);
  for (let round = 0; round < job.rounds; round++) {
    const open = new Map<string, Cache<unknown>>();
    for (const name of shuffled(Object.keys(names), rng)) {
      const cache = await openOrSay(names[name]!, say, "alias:");
      if (cache !== undefined) open.set(name, cache);
    }
    // Each name writes, then reads every other name's write; again after each close, through the names left open.
    const writeAndCross = async () => {
      const wrote: string[] = [];
      for (const [name, cache] of open) if (await writeAndRead(cache, aliasOwner(name), round, say, "alias:")) wrote.push(name);
      for (const [name, cache] of open) for (const other of wrote) if (other !== name) await readBack(cache, aliasOwner(other), round, say, "alias:");
    };
    await writeAndCross();
    for (const name of shuffled([...open.keys()], rng)) {
      await closeOrSay(open.get(name)!, say, "alias:");
      open.delete(name);
      await writeAndCross();
    }
    say(line.round("alias"));
  }
}

/** Part 4 in worker threads: one name per thread, the main thread stepping them through each round together. */
async function aliasesInThreads(names: Record<string, string>, job: AliasJob, say: (text: string) => void): Promise<void> {
  const rng = seededRng(job.seed ^ 0x74687264);
  const threads = Object.entries(names).map(([name, path]) => {
    let answer: (reply: Reply) => void = () => {};
    const started = startThread({ kind: "alias", path, name }, say, (reply) => answer(reply));
    const ask = async (step: Step): Promise<boolean | "stuck"> => {
      const reply = new Promise<Reply>((resolve) => (answer = resolve));
      started.thread.postMessage(step);
      if (!(await within(reply, THREAD_STEP_MS))) return "stuck";
      return (await reply).ok;
    };
    return { name, ask, ...started };
  });
  try {
    for (let round = 0; round < job.rounds; round++) {
      const all = async (op: Step["op"], list = threads, others?: string[]) => {
        const replies = await Promise.all(list.map((t) => t.ask({ op, round, others: others?.filter((o) => o !== t.name) })));
        if (replies.includes("stuck")) throw new Error(`a thread did not answer "${op}" within ${THREAD_STEP_MS} ms`);
        return list.filter((_, i) => replies[i] === true);
      };
      let open = await all("open");
      const writeAndCross = async () => {
        const wrote = await all("write", open);
        await all("read", open, wrote.map((t) => t.name));
      };
      await writeAndCross();
      for (const closing of shuffled(open, rng)) {
        await all("close", [closing]);
        open = open.filter((t) => t !== closing);
        await writeAndCross();
      }
      say(line.round("alias-thread"));
    }
  } catch (error) {
    say(line.error("alias-thread:stuck", error));
  } finally {
    for (const t of threads) t.thread.postMessage({ op: "exit", round: -1 } satisfies Step);
    for (const t of threads) if (!(await within(t.exited, STUCK_MS))) await t.thread.terminate();
  }
}

if (isMainThread) {
  const job = JSON.parse(process.argv[2]!) as Job;
  const say = (text: string) => console.log(text);
  if (job.mode === "threads") {
    await threads(job, say);
  } else {
    // The relative name is relative to the working directory, which every thread of the process shares.
    process.chdir(job.base);
    const names = { absolute: join(job.base, "cache"), relative: "cache", symlink: job.link };
    await aliasesInMain(names, job, say);
    await aliasesInThreads(names, job, say);
  }
  say(line.done);
} else {
  const data = workerData as ChurnThread | AliasThread;
  if (data.kind === "churn") await churnThread(data);
  else aliasThread(data);
}
