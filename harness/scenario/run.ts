// One run: fork every process of a plan over one cache directory, start them together, and merge
// what they recorded into a History.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Child } from "../shared/child.ts";
import { CLOCK_TOLERANCE_MS, epochOffset, sharedClock } from "../shared/clock.ts";
import type { ErrorSummary } from "../shared/error-code.ts";
import { type History, type OpRecord, type ProcessOutcome, readHistoryFile } from "./history.ts";
import type { Op } from "./operations.ts";
import type { ProcessPlan, RunPlan } from "./scenario.ts";
import type { Backend, ParentMessage, WorkerJob, WorkerMessage } from "./client-protocol.ts";

const CLIENT = fileURLToPath(new URL("./client.ts", import.meta.url));

export type RunProgress = { alive: number; ops: number };

export type RunOptions = {
  backend: Backend;
  plan: RunPlan<unknown>;
  /** A fresh directory for this run; the caller removes it. */
  dir: string;
  /** Every process still alive after this long is killed and the run reported as timed out. */
  timeoutMs: number;
  onProgress?: (progress: RunProgress) => void;
};

/** A run either produced a history or could not start because the backend refused a second process. */
export type RunOutcome = { kind: "ran"; history: History } | { kind: "unsupported"; reason: string };

type Worker = {
  plan: Pick<ProcessPlan, "program"> & { role: string };
  job: WorkerJob;
  child: Child<WorkerMessage>;
  /** Resolves when the worker is ready or has given up (its open failed, or it ended early). */
  ready: Promise<void>;
  ended: Promise<void>;
  outcome: ProcessOutcome;
  ops: number;
  alive: boolean;
};

function spawnWorker(dir: string, job: WorkerJob, plan: Worker["plan"], onProgress: () => void): Worker {
  const jobPath = join(dir, `${job.proc}.job.json`);
  writeFileSync(jobPath, JSON.stringify(job));
  const outcome: ProcessOutcome = {
    proc: job.proc,
    role: plan.role,
    killPlanned: job.kill !== undefined,
    endedAt: Number.NaN,
    stderr: "",
    timedOut: false,
  };
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const onMessage = (m: WorkerMessage) => {
    if (m.type === "ready") {
      outcome.wallClockSkew = m.wallClockSkew;
      markReady();
    } else if (m.type === "open-failed") {
      outcome.openError = m.error;
      markReady();
    } else {
      worker.ops = m.ops;
      onProgress();
    }
  };
  const child = new Child<WorkerMessage>(CLIENT, [jobPath], { tsx: true, ipc: true, onMessage });
  const worker: Worker = { plan, job, child, ready, ended: Promise.resolve(), outcome, ops: 0, alive: true };
  // `exited` resolves once the last messages are handled too (an "open-failed" among them).
  worker.ended = child.exited.then((exit) => {
    outcome.endedAt = exit.endedAt + job.epochOffset;
    worker.alive = false;
    if (exit.exitCode !== undefined) outcome.exitCode = exit.exitCode;
    if (exit.signal !== undefined) outcome.signal = exit.signal;
    outcome.stderr = exit.stderr;
    markReady();
    onProgress();
  });
  return worker;
}

function send(worker: Worker, message: ParentMessage): void {
  if (worker.alive) worker.child.send(message).catch(() => {});
}

function isLocked(error: ErrorSummary | undefined): boolean {
  return error?.code === "LEVEL_LOCKED" || error?.causeCode === "LEVEL_LOCKED";
}

function collect(worker: Worker): OpRecord[] {
  const { records, unfinished } = readHistoryFile(worker.job.historyPath);
  if (unfinished !== undefined && worker.outcome.signal === "SIGKILL") {
    const { seq, step, t0, m0 } = unfinished;
    const op = worker.plan.program[step]!;
    records.push({ proc: worker.job.proc, seq, step, op, t0, t1: Infinity, m0, m1: Infinity, clock: [], outcome: "pending" });
  }
  return records;
}

export async function runPlan(options: RunOptions): Promise<RunOutcome> {
  const { backend, plan, dir } = options;
  const cachePath = join(dir, "cache");
  const offset = epochOffset();
  const now = sharedClock(offset);
  mkdirSync(cachePath, { recursive: true });
  const workers: Worker[] = [];
  const report = () =>
    options.onProgress?.({
      alive: workers.filter((w) => w.alive).length,
      ops: workers.reduce((sum, w) => sum + w.ops, 0),
    });
  const jobFor = (proc: string, program: Op[], extra: Partial<WorkerJob>): WorkerJob => ({
    proc,
    backend,
    cachePath,
    historyPath: join(dir, `${proc}.jsonl`),
    program,
    loop: false,
    epochOffset: offset,
    ...extra,
  });
  for (const process of plan.processes) {
    const job = jobFor(process.name, process.program, { loop: process.loop === true, kill: process.kill, values: process.values });
    workers.push(spawnWorker(dir, job, process, report));
  }
  report();

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    for (const worker of workers) {
      if (!worker.alive) continue;
      worker.outcome.timedOut = true;
      worker.child.kill();
    }
  }, options.timeoutMs);
  try {
    await Promise.all(workers.map((w) => w.ready));
    if (workers.some((w) => isLocked(w.outcome.openError))) {
      for (const worker of workers) send(worker, { type: "abort" });
      await Promise.all(workers.map((w) => w.ended));
      return { kind: "unsupported", reason: "LEVEL_LOCKED" };
    }
    const goAt = now();
    for (const worker of workers) send(worker, { type: "go" });
    const loopers = workers.filter((w) => w.job.loop);
    void Promise.all(workers.filter((w) => !w.job.loop).map((w) => w.ended)).then(() => {
      const after = now();
      for (const worker of loopers) send(worker, { type: "stop", after });
    });
    await Promise.all(workers.map((w) => w.ended));

    const records = workers.flatMap((w) => collect(w));
    const processes = workers.map((w) => w.outcome);
    if (plan.final !== undefined && !timedOut) {
      const final = spawnWorker(dir, jobFor("final", plan.final, {}), { role: "final", program: plan.final }, report);
      workers.push(final);
      await final.ready;
      send(final, { type: "go" });
      await final.ended;
      records.push(...collect(final));
      processes.push(final.outcome);
    }
    return { kind: "ran", history: { records, processes, toleranceMs: CLOCK_TOLERANCE_MS, goAt } };
  } finally {
    clearTimeout(timer);
  }
}
