// Entries with TTLs expire while processes read, rewrite and sweep them: no read returns a value past its
// expiry, a value before its expiry is never missing, sweepExpired counts match, and a fresh value written
// while another process lazily expires the old one is never lost.
import fc from "fast-check";
import { keyArb, nsPathArb, payloadArb, shapeArb } from "../harness/scenario/generator/arbitraries.ts";
import { CLOCK_TOLERANCE_MS } from "../harness/shared/clock.ts";
import { expiredNeverReturned } from "../harness/scenario/checks/expiry.ts";
import { freshWritesSurviveLazyExpiry } from "../harness/scenario/checks/lazy-expiry.ts";
import { readsSeeLatestWrite } from "../harness/scenario/checks/latest-write.ts";
import { historyIndex } from "../harness/scenario/checks/history-index.ts";
import { oneOrder } from "../harness/scenario/checks/one-order.ts";
import { processesWorked } from "../harness/scenario/checks/processes.ts";
import { sweepCountsMatch } from "../harness/scenario/checks/sweep-counts.ts";
import {
  type RawOp,
  finalSnapshot,
  indexArb,
  processPlans,
  rawOpArb,
  readersArb,
  resolveProgram,
  writersArb,
} from "../harness/scenario/generator/programs.ts";
import type { Scenario } from "../harness/scenario/scenario.ts";

/** Mostly TTLs that run out during the run; some already expired, some outliving it, some none. */
const ttlArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -5) },
  { weight: 1, arbitrary: fc.constant(600_000) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const writerOp = rawOpArb({ weights: { set: 6, batch: 2, del: 1, get: 2, sweep: 1, sleep: 4 }, ttl: ttlArb, maxSleepMs: 20 });

/**
 * The lazy-expiry race on purpose: write a key with a short TTL, wait about that long, write it again for
 * good, while readers keep reading it (and lazily deleting it once expired).
 */
const rewriteArb = fc
  .record({ ns: indexArb, key: indexArb, ttlMs: fc.integer({ min: 1, max: 8 }), lag: fc.integer({ min: -1, max: 2 }), payload: payloadArb, shape: shapeArb })
  .map(({ ns, key, ttlMs, lag, payload, shape }): RawOp[] => [
    { kind: "set", ns, key, payload, shape, ttlMs },
    { kind: "sleep", ms: Math.max(0, ttlMs + lag) },
    { kind: "set", ns, key, payload, shape },
  ]);
const writerStep = fc.oneof({ weight: 3, arbitrary: writerOp.map((op) => [op]) }, { weight: 1, arbitrary: rewriteArb });
const readerOp = rawOpArb({ weights: { get: 6, has: 2, entries: 2, sweep: 1 } });

export const ttl: Scenario = {
  name: "ttl",
  summary: "entries expire while processes read, rewrite and sweep them; expiry is exact and fresh values survive",
  notes: [
    "Clock: real time, injected. Every process's cache gets `now` = the run's shared clock (CLOCK_MONOTONIC plus " +
      "one epoch offset fixed by the parent, so epoch milliseconds that all processes read alike), and every value " +
      "it returns during an operation is recorded. Expiry decisions are checked exactly against the readings the " +
      "cache used: a value returned must expire after the read's earliest reading. Comparing one process's reading " +
      `with another's (an entry removed by another process's lazy expiry or sweep) allows ${CLOCK_TOLERANCE_MS} ms, ` +
      "the tolerance operations are ordered with: the processes read one kernel clock.",
  ],
  defaults: { writers: 2, readers: 2, runs: 6 },
  plan: ({ writers, readers }) =>
    fc
      .record({
        namespaces: fc.array(nsPathArb, { maxLength: 1 }),
        keys: fc.uniqueArray(keyArb, { minLength: 1, maxLength: 3 }),
        writers: writersArb(writers, writerStep, 30).map((ws) => ws.map((w) => ({ ...w, ops: w.ops.flat() }))),
        readers: readersArb(readers, readerOp, 8),
      })
      .map(({ namespaces, keys, writers, readers }) => {
        const all = [[], ...namespaces];
        return { processes: processPlans(writers, readers, (ops, proc) => resolveProgram(ops, proc, all, keys)), final: finalSnapshot(all, keys), context: undefined };
      }),
  checks: [
    { name: "every process completed every operation without error", run: processesWorked },
    { name: "no read returns a value past its expiry", run: (history) => expiredNeverReturned(historyIndex(history)) },
    {
      name: "a value before its expiry is never missing: every read returns what a possible latest write left",
      run: (history) => readsSeeLatestWrite(historyIndex(history), { final: false }),
    },
    {
      name: "the lazy-expiry race never loses the fresh value (checked = races in the history)",
      run: (history) => freshWritesSurviveLazyExpiry(historyIndex(history)),
    },
    { name: "sweepExpired counts match the entries that were expired", run: (history) => sweepCountsMatch(historyIndex(history), history.records) },
    { name: "all reads agree on one order of the writes", run: (history) => oneOrder(historyIndex(history)) },
    { name: "the final state is what a last write left, expired entries gone", run: (history) => readsSeeLatestWrite(historyIndex(history), { final: true }) },
  ],
};
