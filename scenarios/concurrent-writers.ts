// Writers race set, del and batch on overlapping keys and namespaces while readers read; every read and the
// final state must be consistent with one real-time order of the committed writes.
import fc from "fast-check";
import { codecArb, keyArb, nsPathArb } from "../harness/arbitraries.ts";
import { entriesWellFormed } from "../harness/checks/entries-shape.ts";
import { readsSeeLatestWrite } from "../harness/checks/latest-write.ts";
import { modelOf } from "../harness/checks/model.ts";
import { oneOrder } from "../harness/checks/one-order.ts";
import { clocksAgree, processesWorked } from "../harness/checks/processes.ts";
import { finalSnapshot, processName, rawOpArb, resolveProgram } from "../harness/programs.ts";
import type { Scenario } from "../harness/scenario.ts";

const writerOp = rawOpArb({ weights: { set: 8, del: 3, batch: 5, get: 2, has: 1, entries: 1, sleep: 2 } });
const readerOp = rawOpArb({ weights: { get: 6, has: 2, entries: 2 } });

export const concurrentWriters: Scenario = {
  name: "concurrent-writers",
  summary: "writers race set/del/batch on shared keys; every read and the final state fit one order of the writes",
  defaults: { writers: 4, readers: 4, runs: 8 },
  plan: ({ writers, readers }) =>
    fc
      .record({
        namespaces: fc.array(nsPathArb, { maxLength: 2 }),
        keys: fc.uniqueArray(keyArb, { minLength: 2, maxLength: 6 }),
        writers: fc.array(fc.record({ ops: fc.array(writerOp, { minLength: 1, maxLength: 80, size: "max" }), values: codecArb }), {
          minLength: writers,
          maxLength: writers,
        }),
        readers: fc.array(fc.array(readerOp, { minLength: 1, maxLength: 12 }), { minLength: readers, maxLength: readers }),
      })
      .map(({ namespaces, keys, writers, readers }) => {
        const all = [[], ...namespaces];
        return {
          processes: [
            ...writers.map((w, i) => {
              const name = processName("writer", i);
              return { name, role: "writer" as const, program: resolveProgram(w.ops, name, all, keys), values: w.values };
            }),
            ...readers.map((ops, i) => {
              const name = processName("reader", i);
              return { name, role: "reader" as const, program: resolveProgram(ops, name, all, keys), loop: true };
            }),
          ],
          final: finalSnapshot(all, keys),
          context: undefined,
        };
      }),
  checks: [
    { name: "the processes' clocks agree within the tolerance", run: clocksAgree },
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
