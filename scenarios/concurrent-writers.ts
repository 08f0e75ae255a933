// Writers race set, del and batch on overlapping keys and namespaces while readers read; every read and the
// final state must be consistent with one real-time order of the committed writes.
import { entriesWellFormed } from "../harness/checks/entries-shape.ts";
import { readsSeeLatestWrite } from "../harness/checks/latest-write.ts";
import { modelOf } from "../harness/checks/model.ts";
import { oneOrder } from "../harness/checks/one-order.ts";
import { processesWorked } from "../harness/checks/processes.ts";
import { keyedPlan, rawOpArb } from "../harness/programs.ts";
import type { Scenario } from "../harness/scenario.ts";

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
      run: (history) => readsSeeLatestWrite(modelOf(history), { final: false }),
    },
    { name: "all reads agree on one order of the writes", run: (history) => oneOrder(modelOf(history)) },
    {
      name: "entries() yields only keys written in its namespace, in order, each once",
      run: (history) => entriesWellFormed(modelOf(history), history.records),
    },
    {
      name: "no completed write is lost: the final state is what a last write left",
      run: (history) => readsSeeLatestWrite(modelOf(history), { final: true }),
    },
  ],
};
