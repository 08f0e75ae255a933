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
import type { Backend, ClientJob, ClientMessage, ParentMessage } from "./client-protocol.ts";

const CLIENT = fileURLToPath(new URL("./client.ts", import.meta.url));

export type RunProgress = { alive: number; ops: number };

export type RunOptions = {
  backend: Backend;
  /** The redis-server of the redis backend. */
  redisUrl?: string;
  plan: RunPlan<unknown>;
  /** A fresh directory for this run; the caller removes it. */
  dir: string;
  /** Every process still alive after this long is killed and the run reported as timed out. */
  timeoutMs: number;
  onProgress?: (progress: RunProgress) => void;
};

/** A run either produced a history or could not start because the backend refused a second process. */
export type RunOutcome = { kind: "ran"; history: History } | { kind: "unsupported"; reason: string };

type Client = {
  plan: Pick<ProcessPlan, "program"> & { role: string };
  job: ClientJob;
  child: Child<ClientMessage>;
  /** Resolves when the client is ready or has given up (its open failed, or it ended early). */
  ready: Promise<void>;
  ended: Promise<void>;
  outcome: ProcessOutcome;
  ops: number;
  alive: boolean;
};

function startClient(dir: string, job: ClientJob, plan: Client["plan"], onProgress: () => void): Client {
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
  const onMessage = (m: ClientMessage) => {
    if (m.type === "ready") {
      outcome.wallClockSkew = m.wallClockSkew;
      markReady();
    } else if (m.type === "open-failed") {
      outcome.openError = m.error;
      markReady();
    } else {
      client.ops = m.ops;
      onProgress();
    }
  };
  const child = new Child<ClientMessage>(CLIENT, [jobPath], { tsx: true, ipc: true, onMessage });
  const client: Client = { plan, job, child, ready, ended: Promise.resolve(), outcome, ops: 0, alive: true };
  // `exited` resolves once the last messages are handled too (an "open-failed" among them).
  client.ended = child.exited.then((exit) => {
    outcome.endedAt = exit.endedAt + job.epochOffset;
    client.alive = false;
    if (exit.exitCode !== undefined) outcome.exitCode = exit.exitCode;
    if (exit.signal !== undefined) outcome.signal = exit.signal;
    outcome.stderr = exit.stderr;
    markReady();
    onProgress();
  });
  return client;
}

function send(client: Client, message: ParentMessage): void {
  if (client.alive) client.child.send(message).catch(() => {});
}

function isLocked(error: ErrorSummary | undefined): boolean {
  return error?.code === "LEVEL_LOCKED" || error?.causeCode === "LEVEL_LOCKED";
}

function collect(client: Client): OpRecord[] {
  const { records, unfinished } = readHistoryFile(client.job.historyPath);
  if (unfinished !== undefined && client.outcome.signal === "SIGKILL") {
    const { seq, step, t0, m0 } = unfinished;
    const op = client.plan.program[step]!;
    records.push({ proc: client.job.proc, seq, step, op, t0, t1: Infinity, m0, m1: Infinity, clock: [], outcome: "pending" });
  }
  return records;
}

export async function runPlan(options: RunOptions): Promise<RunOutcome> {
  const { backend, plan, dir } = options;
  const cachePath = join(dir, "cache");
  const offset = epochOffset();
  const now = sharedClock(offset);
  mkdirSync(cachePath, { recursive: true });
  const clients: Client[] = [];
  const report = () =>
    options.onProgress?.({
      alive: clients.filter((w) => w.alive).length,
      ops: clients.reduce((sum, w) => sum + w.ops, 0),
    });
  const jobFor = (proc: string, program: Op[], extra: Partial<ClientJob>): ClientJob => ({
    proc,
    backend,
    cachePath,
    ...(options.redisUrl === undefined ? {} : { redisUrl: options.redisUrl }),
    historyPath: join(dir, `${proc}.jsonl`),
    program,
    loop: false,
    epochOffset: offset,
    ...extra,
  });
  for (const process of plan.processes) {
    const job = jobFor(process.name, process.program, { loop: process.loop === true, kill: process.kill, values: process.values, bound: process.bound });
    clients.push(startClient(dir, job, process, report));
  }
  report();

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    for (const client of clients) {
      if (!client.alive) continue;
      client.outcome.timedOut = true;
      client.child.kill();
    }
  }, options.timeoutMs);
  try {
    await Promise.all(clients.map((w) => w.ready));
    if (clients.some((w) => isLocked(w.outcome.openError))) {
      for (const client of clients) send(client, { type: "abort" });
      await Promise.all(clients.map((w) => w.ended));
      return { kind: "unsupported", reason: "LEVEL_LOCKED" };
    }
    const goAt = now();
    for (const client of clients) send(client, { type: "go" });
    const loopers = clients.filter((w) => w.job.loop);
    void Promise.all(clients.filter((w) => !w.job.loop).map((w) => w.ended)).then(() => {
      const after = now();
      for (const client of loopers) send(client, { type: "stop", after });
    });
    await Promise.all(clients.map((w) => w.ended));

    const records = clients.flatMap((w) => collect(w));
    const processes = clients.map((w) => w.outcome);
    if (plan.final !== undefined && !timedOut) {
      const final = startClient(dir, jobFor("final", plan.final, {}), { role: "final", program: plan.final }, report);
      clients.push(final);
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
