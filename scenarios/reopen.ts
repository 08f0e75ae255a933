// Processes close their cache and open it again mid-program (a fresh openLmdbCache of the same path, with
// the same options, and fresh namespace views) while the others keep reading and writing. Every reopen
// must succeed, and reads on either side of a reopen must fit one order of the writes as anywhere else.
import { entriesWellFormed } from "../harness/scenario/checks/entries-shape.ts";
import { readsSeeLatestWrite } from "../harness/scenario/checks/latest-write.ts";
import { historyIndex } from "../harness/scenario/checks/history-index.ts";
import { oneOrder } from "../harness/scenario/checks/one-order.ts";
import { processesWorked } from "../harness/scenario/checks/processes.ts";
import { reopensSucceeded } from "../harness/scenario/checks/reopens.ts";
import { keyedPlan, rawOpArb } from "../harness/scenario/generator/programs.ts";
import type { Scenario } from "../harness/scenario/scenario.ts";

// Writers reopen between writes often enough that, over a run, opens and closes of several processes
// overlap each other and the others' commits; readers loop until the writers are done, so they churn
// opens and closes all along and check what a freshly opened cache reads.
const writerOp = rawOpArb({ weights: { set: 6, del: 2, batch: 3, get: 1, entries: 1, sleep: 1, reopen: 4 } });
const readerOp = rawOpArb({ weights: { get: 3, has: 1, entries: 2, reopen: 6 } });

export const reopen: Scenario = {
  name: "reopen",
  summary: "processes close and reopen the cache mid-program while others write; every reopen succeeds and reads fit one order",
  notes: [
    "A reopen closes the process's cache, pauses up to 3 ms (or not at all), and opens the same path again with the " +
      "same options. A process left without a cache by a failed reopen opens it first at each later operation, so " +
      "the history shows whether opens recover; the failed reopen and every operation whose open fails count as failures.",
  ],
  defaults: { writers: 3, readers: 3, runs: 10 },
  plan: (counts) =>
    keyedPlan(counts, { namespaces: { minLength: 0, maxLength: 2 }, maxKeys: 6, writerOp, writerSteps: 80, readerOp, readerSteps: 10 }),
  checks: [
    { name: "every process completed every operation, every reopen included, without error", run: processesWorked },
    { name: "every reopen opened the cache again while other processes used it", run: reopensSucceeded },
    {
      name: "every read returns the value of a write that could be the latest at that time",
      run: (history) => readsSeeLatestWrite(historyIndex(history), { final: false }),
    },
    { name: "all reads agree on one order of the writes, across reopens", run: (history) => oneOrder(historyIndex(history)) },
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
