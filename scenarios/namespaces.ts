// Processes write and read in random nested namespaces: no value leaks between namespaces, and entries() of
// each namespace equals the model's.
import { entriesWellFormed } from "../harness/checks/entries-shape.ts";
import { readsSeeLatestWrite } from "../harness/checks/latest-write.ts";
import { modelOf } from "../harness/checks/model.ts";
import { oneOrder } from "../harness/checks/one-order.ts";
import { processesWorked } from "../harness/checks/processes.ts";
import { valuesWereWritten } from "../harness/checks/values-written.ts";
import { keyedPlan, rawOpArb } from "../harness/programs.ts";
import type { Scenario } from "../harness/scenario.ts";

const writerOp = rawOpArb({ weights: { set: 6, del: 2, batch: 3, get: 2, entries: 2, sleep: 1 } });
const readerOp = rawOpArb({ weights: { get: 3, has: 1, entries: 4 } });

export const namespaces: Scenario = {
  name: "namespaces",
  summary: "nested namespaces in several processes; no value leaks between them and entries() equals the model",
  notes: [
    "Namespaces are random withNamespace chains (empty segments, '/', U+241F, NUL, astral and lone-surrogate " +
      "characters included). A chain and the single name it folds to (['a','b'] and 'a/b') are the same namespace " +
      "by design, and the model treats them so.",
  ],
  defaults: { writers: 3, readers: 2, runs: 6 },
  plan: (counts) =>
    keyedPlan(counts, { namespaces: { minLength: 2, maxLength: 4 }, maxKeys: 5, writerOp, writerSteps: 50, readerOp, readerSteps: 10 }),
  checks: [
    { name: "every process completed every operation without error", run: processesWorked },
    {
      name: "no value leaks between namespaces: every value read was written under that namespace and key",
      run: (history) => valuesWereWritten(modelOf(history)),
    },
    {
      name: "entries() of a namespace yields only keys written in it, in order, each once",
      run: (history) => entriesWellFormed(modelOf(history), history.records),
    },
    {
      name: "every read, entries() included, returns what a write that could be the latest left",
      run: (history) => readsSeeLatestWrite(modelOf(history), { final: false }),
    },
    { name: "all reads agree on one order of the writes", run: (history) => oneOrder(modelOf(history)) },
    {
      name: "at the end, entries() and get of every namespace equal the model's",
      run: (history) => readsSeeLatestWrite(modelOf(history), { final: true }),
    },
  ],
};
