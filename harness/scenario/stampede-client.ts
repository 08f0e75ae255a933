// A process of the stampede scenario (scenarios/stampede.ts): opens the cache, and each round, at the
// parent's go, asks for every key with getOrSet, twice at once (two callers in one process), in its own
// seeded order. Each computation appends "<round> <key> <proc> <monotonic ms>" to the shared log before it
// starts; in a round where this process is to be killed, its computations then block until the kill.
// Run as `node --import tsx stampede-client.ts '<StampedeJob as JSON>'`, with an IPC channel.
import { openSync, writeSync } from "node:fs";
import { openLmdbCache } from "../../lib/index.ts";
import { monotonicNow, sharedClock } from "../shared/clock.ts";
import { cacheErrorCode } from "../shared/error-code.ts";
import { mixSeed, seededRng } from "../shared/rng.ts";
import type { Call, Computed } from "./checks/stampede.ts";

export type StampedeJob = {
  proc: string;
  index: number;
  seed: number;
  cachePath: string;
  computeLog: string;
  keys: string[];
  epochOffset: number;
  ttlMs: number;
  leaseMs: number;
  waitMs: number;
  /** Callers of each key in this process, all at once. */
  callers: number;
};

export type StampedeParentMessage =
  /** Prepare a round: the cache's clock moves `shiftMs` ahead of the shared clock (past the last round's expiry). */
  | { type: "round"; round: number; shiftMs: number; hang: boolean }
  | { type: "go" }
  | { type: "read" }
  | { type: "close" };

export type StampedeMessage =
  | { type: "ready" }
  | { type: "armed" }
  /** Every call of the round has been made: the process is computing or waiting. */
  | { type: "asked" }
  | { type: "done"; calls: Omit<Call, "round" | "proc">[]; computes: number }
  | { type: "stored"; values: Record<string, unknown> };

const job = JSON.parse(process.argv[2]!) as StampedeJob;
const log = openSync(job.computeLog, "a");
const clock = sharedClock(job.epochOffset);
let shift = 0;
const cache = await openLmdbCache<Computed>({ path: job.cachePath, now: () => clock() + shift });

function send(message: StampedeMessage): void {
  process.send!(message);
}

let round = 0;
let hang = false;

function compute(key: string): Promise<Computed> {
  writeSync(log, `${round} ${key} ${job.proc} ${monotonicNow()}\n`);
  // Never settles: the parent kills this process while it holds the claim.
  if (hang) return new Promise(() => {});
  return Promise.resolve({ key, round, proc: job.proc });
}

async function stampede(): Promise<void> {
  const before = (await cache.stats()).computes;
  const options = { ttlMs: job.ttlMs, leaseMs: job.leaseMs, waitMs: job.waitMs };
  const calls = seededRng(mixSeed(job.seed, job.index, round)).shuffled(job.keys).flatMap((key) =>
    Array.from({ length: job.callers }, (_, caller) =>
      cache.getOrSet(key, compute, options).then(
        (value) => ({ key, caller, value }),
        (error: unknown) => ({ key, caller, error: `${cacheErrorCode(error)}: ${String(error)}` }),
      ),
    ),
  );
  send({ type: "asked" });
  const results = await Promise.all(calls);
  send({ type: "done", calls: results, computes: (await cache.stats()).computes - before });
}

process.on("message", (message: StampedeParentMessage) => {
  if (message.type === "round") {
    ({ round, hang } = message);
    shift = message.shiftMs;
    send({ type: "armed" });
  } else if (message.type === "go") {
    void stampede();
  } else if (message.type === "read") {
    void Promise.all(job.keys.map(async (key) => [key, await cache.get(key)] as const)).then((pairs) =>
      send({ type: "stored", values: Object.fromEntries(pairs) }),
    );
  } else {
    void cache.close().then(() => process.disconnect());
  }
});
send({ type: "ready" });
