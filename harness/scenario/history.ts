import { readFileSync } from "node:fs";
import type { Op } from "./operations.ts";

/** What an operation gave back: get → {found, value}; has → boolean; entries → pairs; sweep → count; size → sizes. */
export type GetResult = { found: boolean; value?: unknown };
export type SizeResult = { liveBytes: number; fileBytes: number };
export type OpResult = GetResult | boolean | [string, unknown][] | number | SizeResult;

/** One operation of one process, as the process recorded it. */
export type OpRecord = {
  /** The process ("w0", "r2", "final"). */
  proc: string;
  /** Position in the process's run; grows across repetitions of a looping program. */
  seq: number;
  /** Index of the operation in the program. */
  step: number;
  op: Op;
  /** Invocation and completion on the shared wall clock (epoch ms, see clock.ts). t1 is Infinity while "pending". */
  t0: number;
  t1: number;
  /** Invocation and completion on CLOCK_MONOTONIC (ms). */
  m0: number;
  m1: number;
  /** Every value the cache's clock gave during the operation, in order. */
  clock: number[];
  /**
   * "pending": invoked and never acknowledged because its process was killed inside it; it may or may
   * not have taken effect.
   */
  outcome: "ok" | "error" | "pending";
  result?: OpResult;
  error?: { code?: string; message: string };
};

export type ProcessOutcome = {
  proc: string;
  role: string;
  /** Why the cache did not open, if it did not. */
  openError?: { code?: string; causeCode?: string; message: string };
  exitCode?: number;
  signal?: string;
  /** The process was planned to be killed. */
  killPlanned: boolean;
  /** Shared clock time at which the parent saw the process end (no earlier than its real end). */
  endedAt: number;
  /** This process's own wall clock (performance.timeOrigin + now) minus the shared clock, in ms. */
  wallClockSkew?: number;
  /** The end of stderr, for failure messages. */
  stderr: string;
  /** The parent stopped it after the run's time limit. */
  timedOut: boolean;
};

/** The merged record of one run: every operation of every process, and how each process ended. */
export type History = {
  records: OpRecord[];
  processes: ProcessOutcome[];
  toleranceMs: number;
  /** Shared clock time at which the parent released the barrier. */
  goAt: number;
};

/** An operation a process had begun (written only by processes that have a kill point). */
export type BeginMark = { begin: true; seq: number; step: number; t0: number; m0: number };

/**
 * The complete lines of a worker's history file: the operations it completed, and the last operation it
 * began without completing (its process was killed inside it), if any. A line cut short by a kill is dropped.
 */
export function readHistoryFile(path: string): { records: OpRecord[]; unfinished: BeginMark | undefined } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { records: [], unfinished: undefined };
  }
  const records: OpRecord[] = [];
  let lastBegin: BeginMark | undefined;
  for (const line of text.split("\n")) {
    if (!line.endsWith("}")) continue;
    let parsed: OpRecord | BeginMark;
    try {
      parsed = JSON.parse(line) as OpRecord | BeginMark;
    } catch {
      continue;
    }
    if ("begin" in parsed) lastBegin = parsed;
    else records.push(parsed);
  }
  records.sort((a, b) => a.seq - b.seq);
  const unfinished = lastBegin !== undefined && records.at(-1)?.seq !== lastBegin.seq ? lastBegin : undefined;
  return { records, unfinished };
}

export function isCacheOp(record: OpRecord): boolean {
  return record.op.kind !== "sleep";
}
