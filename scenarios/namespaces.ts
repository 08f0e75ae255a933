// Processes write and read in random nested namespaces: no value leaks between namespaces, and entries() of
// each namespace equals the model's.
import { entriesWellFormed } from "../harness/scenario/checks/entries-shape.ts";
import { readsSeeLatestWrite } from "../harness/scenario/checks/latest-write.ts";
import { historyIndex } from "../harness/scenario/checks/history-index.ts";
import { oneOrder } from "../harness/scenario/checks/one-order.ts";
import { processesWorked } from "../harness/scenario/checks/processes.ts";
import { valuesWereWritten } from "../harness/scenario/checks/values-written.ts";
import { keyedPlan, rawOpArb } from "../harness/scenario/generator/programs.ts";
import type { Scenario } from "../harness/scenario/scenario.ts";

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
      run: (history) => valuesWereWritten(historyIndex(history)),
    },
    {
      name: "entries() of a namespace yields only keys written in it, in order, each once",
      run: (history) => entriesWellFormed(historyIndex(history), history.records),
    },
    {
      name: "every read, entries() included, returns what a write that could be the latest left",
      run: (history) => readsSeeLatestWrite(historyIndex(history), { final: false }),
    },
    { name: "all reads agree on one order of the writes", run: (history) => oneOrder(historyIndex(history)) },
    {
      name: "at the end, entries() and get of every namespace equal the model's",
      run: (history) => readsSeeLatestWrite(historyIndex(history), { final: true }),
    },
  ],
};
