// What the parent and a client process tell each other. The job travels in a file; messages over IPC.
import type { ErrorSummary } from "../shared/error-code.ts";
import type { Op } from "./operations.ts";
import type { CacheBound } from "./scenario.ts";

export const BACKENDS = ["lmdb", "level", "redis"] as const;
export type Backend = (typeof BACKENDS)[number];

export type ClientJob = {
  proc: string;
  backend: Backend;
  cachePath: string;
  /** JSON lines, one per completed operation, appended as each completes (so they survive a kill). */
  historyPath: string;
  program: Op[];
  loop: boolean;
  /** The run's epoch offset: every process reads the shared clock as CLOCK_MONOTONIC plus this. */
  epochOffset: number;
  kill?: { op: number; delayUs: number };
  values?: "json" | "structured";
  bound?: CacheBound;
  /** The run's redis-server, for the redis backend: the cache is the keys under `cachePath` as prefix. */
  redisUrl?: string;
};


export type ClientMessage =
  | { type: "ready"; wallClockSkew: number }
  | { type: "open-failed"; error: ErrorSummary }
  | { type: "progress"; ops: number }
  | { type: "done"; ops: number };

export type ParentMessage = { type: "go" } | { type: "stop"; after: number } | { type: "abort" };
