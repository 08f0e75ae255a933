// Processes write three times a bounded cache's size while reading keys drawn from a Zipf distribution:
// the pages in use stay within the bound, the data file stops growing, no read
// returns a value never written, a value read is one a latest write could have left (or the key is
// gone: eviction may delete any entry), and the most read keys stay cached.
import fc from "fast-check";
import { mixSeed, seededRng, zipfSampler } from "../harness/shared/rng.ts";
import { fileStopsGrowing, hotKeysHit, liveBytesWithin } from "../harness/scenario/checks/eviction.ts";
import { historyIndex } from "../harness/scenario/checks/history-index.ts";
import { readsSeeLatestWrite } from "../harness/scenario/checks/latest-write.ts";
import { processesWorked } from "../harness/scenario/checks/processes.ts";
import { valuesWereWritten } from "../harness/scenario/checks/values-written.ts";
import type { History } from "../harness/scenario/history.ts";
import { keyId, type Op } from "../harness/scenario/operations.ts";
import { processName, tagFor } from "../harness/scenario/generator/programs.ts";
import { stampValue } from "../harness/scenario/generator/values.ts";
import type { CacheBound, ProcessPlan, Scenario } from "../harness/scenario/scenario.ts";

const BOUND: CacheBound = { maxSizeBytes: 256 * 1024, eviction: "lru" };
const KEYS = Array.from({ length: 400 }, (_, i) => `k${i}`);
/** The top 1% of the Zipf ranks. */
const HOT = KEYS.slice(0, Math.ceil(KEYS.length / 100));
const VALUE_CHARS = 1000;
/** The engine allocates the file at least this far ahead of use (docs/engine.md). */
const ALLOCATION_STEP = 1024 * 1024;
/**
 * Recency is approximate (coarse, buffered per process): a hot key evicted once stays missing until a
 * writer happens to write it again (one write in 400), so a single eviction costs many of its reads.
 * Runs here hit 0.93 to 1.0 on a quiet machine and down to 0.69 with the load average at 8 to 15 (a
 * process descheduled with its reads unwritten); the bar is set below that. The policy's hit ratio
 * against an exact LRU is measured in the bench (pnpm bench --eviction).
 */
const HOT_HIT_RATIO = 0.6;


function writerProgram(proc: string, seed: number, writes: number): Op[] {
  const rng = seededRng(seed);
  const zipf = zipfSampler(rng, KEYS.length);
  const payload = "p".repeat(VALUE_CHARS);
  const program: Op[] = HOT.map((key, i) => ({ kind: "set", ns: [], key, value: stampValue(tagFor(proc, i), "string", payload) }));
  for (let i = 0; i < writes; i++) {
    program.push({ kind: "set", ns: [], key: rng.pick(KEYS), value: stampValue(tagFor(proc, program.length), "string", payload) });
    program.push({ kind: "get", ns: [], key: KEYS[zipf()]! }, { kind: "get", ns: [], key: KEYS[zipf()]! });
    if (i % 20 === 0) program.push({ kind: "size" }, { kind: "sleep", ms: 5 });
  }
  return program;
}

function readerProgram(seed: number): Op[] {
  const zipf = zipfSampler(seededRng(seed), KEYS.length);
  const program: Op[] = Array.from({ length: 40 }, () => ({ kind: "get", ns: [], key: KEYS[zipf()]! }));
  program.push({ kind: "size" }, { kind: "sleep", ms: 2 });
  return program;
}

/** The history without reads that found nothing: under eviction a key may be gone at any time. */
function withoutMisses(history: History): History {
  return { ...history, records: history.records.filter((r) => r.op.kind !== "get" || (r.result as { found?: boolean } | undefined)?.found !== false) };
}

export const eviction: Scenario = {
  name: "eviction",
  summary: "processes write 3x a bounded cache's size while reading Zipf-distributed keys; the bound holds and hot keys stay",
  notes: [
    `Bound: ${BOUND.maxSizeBytes} bytes, eviction "${BOUND.eviction}", in every process. ${KEYS.length} keys of ${VALUE_CHARS}-character ` +
      "values; writers write uniformly drawn keys for three times the bound in all, and every process reads keys drawn " +
      `with Zipf's law (s = 1). Pages in use, sampled by every process, must stay within the bound ` +
      `(every put is checked against it inside its transaction); the file may grow by one allocation step (${ALLOCATION_STEP} bytes) after the first ` +
      `two thirds of the samples. Hot keys are the top 1% of ranks; reads of them after their first write must hit at least ${HOT_HIT_RATIO}.`,
  ],
  defaults: { writers: 3, readers: 2, runs: 4 },
  plan: ({ writers, readers }) =>
    fc.integer().map((seed) => {
      const writes = Math.ceil((3 * BOUND.maxSizeBytes) / VALUE_CHARS / writers);
      const processes: ProcessPlan[] = [
        ...Array.from({ length: writers }, (_, i): ProcessPlan => {
          const name = processName("writer", i);
          return { name, role: "writer", program: writerProgram(name, mixSeed(seed, i), writes), bound: BOUND };
        }),
        ...Array.from({ length: readers }, (_, i): ProcessPlan => ({
          name: processName("reader", i),
          role: "reader",
          program: readerProgram(mixSeed(seed, writers + i)),
          loop: true,
          bound: BOUND,
        })),
      ];
      return { processes, context: undefined };
    }),
  checks: [
    { name: "every process completed every operation without error", run: processesWorked },
    {
      name: "the pages in use stay within the bound",
      run: (history) => liveBytesWithin(history, BOUND.maxSizeBytes),
    },
    { name: "the data file stops growing once the bound is reached", run: (history) => fileStopsGrowing(history, ALLOCATION_STEP) },
    { name: "no read returns a value never written", run: (history) => valuesWereWritten(historyIndex(history)) },
    {
      name: "a value read is one a latest write could have left (a key found missing may have been evicted)",
      run: (history) => readsSeeLatestWrite(historyIndex(withoutMisses(history)), { final: false }),
    },
    {
      name: `reads of the top 1% of keys hit at least ${HOT_HIT_RATIO} of the time`,
      run: (history) => hotKeysHit(history, new Set(HOT.map((key) => keyId("", key))), HOT_HIT_RATIO),
    },
  ],
};
