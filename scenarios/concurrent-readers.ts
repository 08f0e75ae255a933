// Many readers and a few writers: no read returns a value that was never written, and per reader and key
// reads never go back in time.
import fc from "fast-check";
import { keyArb, nsPathArb } from "../harness/scenario/generator/arbitraries.ts";
import { historyIndex } from "../harness/scenario/checks/history-index.ts";
import { monotonicReads } from "../harness/scenario/checks/monotonic-reads.ts";
import { processesWorked } from "../harness/scenario/checks/processes.ts";
import { valuesWereWritten } from "../harness/scenario/checks/values-written.ts";
import { processPlans, rawOpArb, readersArb, resolveProgram, writersArb } from "../harness/scenario/generator/programs.ts";
import type { Scenario } from "../harness/scenario/scenario.ts";

// Writers pause now and then so that readers see many states come and go.
const writerOp = rawOpArb({ weights: { set: 6, del: 2, batch: 3, sleep: 3 }, maxSleepMs: 4 });
const readerOp = rawOpArb({ weights: { get: 6, has: 2, entries: 2 } });

export const concurrentReaders: Scenario = {
  name: "concurrent-readers",
  summary: "readers outnumber writers; reads return only written values and never go back in time",
  defaults: { writers: 2, readers: 6, runs: 6 },
  plan: ({ writers, readers }) =>
    fc
      .record({
        namespaces: fc.array(nsPathArb, { maxLength: 1 }),
        keys: fc.uniqueArray(keyArb, { minLength: 1, maxLength: 4 }),
        writers: writersArb(writers, writerOp, 60),
        readers: readersArb(readers, readerOp, 8),
      })
      .map(({ namespaces, keys, writers, readers }) => {
        const all = [[], ...namespaces];
        return {
          processes: processPlans(writers, readers, (ops, proc) => resolveProgram(ops, proc, all, keys)),
          context: undefined,
        };
      }),
  checks: [
    { name: "every process completed every operation without error", run: processesWorked },
    {
      name: "no read returns a value that was never written (under that namespace and key, before the read ended)",
      run: (history) => valuesWereWritten(historyIndex(history)),
    },
    { name: "per reader and key, reads never go back in time", run: (history) => monotonicReads(historyIndex(history)) },
  ],
};
