// The lifecycle campaign's workers and the campaign agree here on what a worker does, which keys it
// writes and how it reports: one line per event on stdout, so that a worker killed or stuck half-way
// has still told the parent everything up to that point.
import { openLmdbCache } from "../../lib/index.ts";
import type { Cache } from "../../lib/types.ts";
import { cacheErrorCode } from "../shared/error-code.ts";

/** Keys each writer cycles through: small, so a check reads them all, and each is overwritten many times. */
export const KEY_SPACE = 64;

/** A round (open to close, or one step of a steady worker) longer than this counts as stuck. */
export const STUCK_MS = 10_000;

export type ProcessRole = "churn" | "open-close" | "writer" | "reader";

export type ProcessJob = {
  role: ProcessRole;
  path: string;
  /** The key prefix this worker writes under; a reader reads the prefixes in `reads`. */
  owner: string;
  reads?: string[];
  /** The worker stops at its next round once this file exists. */
  stopFile: string;
  /** Stops by itself after this long, should the parent never create the stop file. */
  maxSeconds: number;
  seed: number;
  /** Set: the worker's own thread SIGKILLs it this long after it starts its loop, */
  killAfterUs?: number;
  /** or, with this too, at the first moment after that when the main thread is in this phase. */
  killIn?: Phase;
};

/** A fresh process: opens, writes and reads a probe key, writes every entry to `out`, closes. */
export type VerifyJob = { role: "verify"; path: string; out: string };
export type Verified = { opened: boolean; wrote: boolean; read: boolean; code?: string; message?: string };

export type ThreadsJob = { path: string; threads: number; seconds: number; seed: number };

/** Part 4: `base` holds the directory `cache`; `link` is a symlink to it. */
export type AliasJob = { base: string; link: string; rounds: number; seed: number };

/** What a churning or killed worker is doing, for its killer thread to report: an index into PHASES. */
export const PHASES = ["between", "open", "set", "get", "close"] as const;
export type Phase = (typeof PHASES)[number];

export const slotKey = (owner: string, n: number) => `${owner}/${n % KEY_SPACE}`;

export type Stored = { owner: string; n: number };

/**
 * The write a stored value must show for an acknowledged write `n`: that one or a later one of the
 * same writer to the same key (a write that went through after the last acknowledgement is fine).
 */
export function keeps(stored: unknown, owner: string, n: number): boolean {
  const value = stored as Partial<Stored> | undefined;
  return value?.owner === owner && typeof value.n === "number" && value.n >= n && (value.n - n) % KEY_SPACE === 0;
}

/** Lines of the worker protocol. */
export const line = {
  round: (kind: string) => `r ${kind}`,
  ack: (owner: string, n: number) => `a ${owner} ${n}`,
  error: (stage: string, error: unknown) => `e ${stage} ${error instanceof Mismatch ? error.code : cacheErrorCode(error)} ${String((error as Error)?.message ?? error).replaceAll("\n", " ").slice(0, 300)}`,
  slow: (stage: string, ms: number) => `slow ${stage} ${Math.round(ms)}`,
  done: "done",
};

/** A read that came back with something other than what was written: reported as an error of code MISMATCH. */
export class Mismatch extends Error {
  override readonly name = "Mismatch";
  readonly code = "MISMATCH";
}

/** Writes `n` under `owner` and reads it back, telling `say` about each step; true when both worked. */
export async function writeAndRead(cache: Cache<unknown>, owner: string, n: number, say: Say, stage = "", enter: Enter = () => {}): Promise<boolean> {
  const key = slotKey(owner, n);
  try {
    enter("set");
    await cache.set(key, { owner, n } satisfies Stored);
    say(line.ack(owner, n));
  } catch (error) {
    say(line.error(`${stage}set`, error));
    return false;
  }
  enter("get");
  return readBack(cache, owner, n, say, stage);
}

type Say = (text: string) => void;
type Enter = (step: Phase) => void;

/** Opens the cache at `path`, or reports why not (as `<stage>open`) and gives undefined. */
export async function openOrSay(path: string, say: Say, stage = "", enter: Enter = () => {}): Promise<Cache<unknown> | undefined> {
  enter("open");
  try {
    return await openLmdbCache<unknown>({ path });
  } catch (error) {
    say(line.error(`${stage}open`, error));
    return undefined;
  } finally {
    enter("between");
  }
}

export async function closeOrSay(cache: Cache<unknown>, say: Say, stage = "", enter: Enter = () => {}): Promise<void> {
  enter("close");
  try {
    await cache.close();
  } catch (error) {
    say(line.error(`${stage}close`, error));
  } finally {
    enter("between");
  }
}

/** Reads what `owner` wrote as its `n`th write; reports a failure or a different value as `<stage>get`. */
export async function readBack(cache: Cache<unknown>, owner: string, n: number, say: Say, stage = ""): Promise<boolean> {
  try {
    const got = await cache.get(slotKey(owner, n));
    if (!keeps(got, owner, n)) throw new Mismatch(`${slotKey(owner, n)} read back as ${JSON.stringify(got)}, written as ${n}`);
    return true;
  } catch (error) {
    say(line.error(`${stage}get`, error));
    return false;
  }
}
