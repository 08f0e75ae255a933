// Writers race set, del and batch on overlapping keys and namespaces while readers read; every read and the
// final state must be consistent with one real-time order of the committed writes.
import { entriesWellFormed } from "../harness/scenario/checks/entries-shape.ts";
import { readsSeeLatestWrite } from "../harness/scenario/checks/latest-write.ts";
import { historyIndex } from "../harness/scenario/checks/history-index.ts";
import { oneOrder } from "../harness/scenario/checks/one-order.ts";
import { processesWorked } from "../harness/scenario/checks/processes.ts";
import { keyedPlan, rawOpArb } from "../harness/scenario/generator/programs.ts";
import type { Scenario } from "../harness/scenario/scenario.ts";

const writerOp = rawOpArb({ weights: { set: 8, del: 3, batch: 5, get: 2, has: 1, entries: 1, sleep: 2 } });
const readerOp = rawOpArb({ weights: { get: 6, has: 2, entries: 2 } });

export const concurrentWriters: Scenario = {
  name: "concurrent-writers",
  summary: "writers race set/del/batch on shared keys; every read and the final state fit one order of the writes",
  defaults: { writers: 4, readers: 4, runs: 8 },
  plan: (counts) =>
    keyedPlan(counts, { namespaces: { minLength: 0, maxLength: 2 }, maxKeys: 6, writerOp, writerSteps: 80, readerOp, readerSteps: 12 }),
  checks: [
    { name: "every process completed every operation without error", run: processesWorked },
    {
      name: "every read returns the value of a write that could be the latest at that time",
      run: (history) => readsSeeLatestWrite(historyIndex(history), { final: false }),
    },
    { name: "all reads agree on one order of the writes", run: (history) => oneOrder(historyIndex(history)) },
    {
      name: "entries() yields only keys written in its namespace, in order, each once",
      run: (history) => entriesWellFormed(historyIndex(history), history.records),
    },
    {
      name: "no completed write is lost: the final state is what a last write left",
      run: (history) => readsSeeLatestWrite(historyIndex(history), { final: true }),
    },
  ],
};
