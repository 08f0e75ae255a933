// Writers commit batches that keep an invariant (all keys of a group hold the same version); readers never
// see a group broken, in entries() or in reads.
import fc from "fast-check";
import { keyArb, nsPathArb } from "../harness/scenario/generator/arbitraries.ts";
import { type Group, groupsIntact } from "../harness/scenario/checks/groups.ts";
import { readsSeeLatestWrite } from "../harness/scenario/checks/latest-write.ts";
import { historyIndex } from "../harness/scenario/checks/history-index.ts";
import { monotonicReads } from "../harness/scenario/checks/monotonic-reads.ts";
import { oneOrder } from "../harness/scenario/checks/one-order.ts";
import { processesWorked } from "../harness/scenario/checks/processes.ts";
import {
  type RawGroupOp,
  commitArb,
  groupRegisters,
  groupSnapshot,
  groupSpecs,
  readGroupArb,
  resolveGroupOp,
  scanGroupArb,
} from "../harness/scenario/generator/group-batches.ts";
import type { Op } from "../harness/scenario/operations.ts";
import { processPlans, readersArb, writersArb } from "../harness/scenario/generator/programs.ts";
import type { Scenario } from "../harness/scenario/scenario.ts";

type Context = { groups: Group[] };
type RawOp = RawGroupOp | { kind: "sleep"; ms: number };

const sleepArb: fc.Arbitrary<RawOp> = fc.record({ kind: fc.constant("sleep" as const), ms: fc.integer({ min: 0, max: 3 }) });
const writerOp = fc.oneof({ weight: 6, arbitrary: commitArb(64) }, { weight: 1, arbitrary: sleepArb });
const readerOp = fc.oneof({ weight: 4, arbitrary: readGroupArb }, { weight: 3, arbitrary: scanGroupArb });

export const batchAtomicity: Scenario<Context> = {
  name: "batch-atomicity",
  summary: "batches keep every key of a group at one version; no reader ever sees a group torn",
  defaults: { writers: 3, readers: 3, runs: 6 },
  plan: ({ writers, readers }) =>
    fc
      .record({
        namespaces: fc.array(nsPathArb, { maxLength: 1 }),
        bases: fc.uniqueArray(keyArb, { minLength: 2, maxLength: 4 }),
        sizes: fc.array(fc.integer({ min: 2, max: 4 }), { minLength: 1, maxLength: 4 }),
        writers: writersArb(writers, writerOp, 40),
        readers: readersArb(readers, readerOp, 8),
      })
      .map(({ namespaces, bases, sizes, writers, readers }) => {
        const groups = groupSpecs(bases, sizes, [[], ...namespaces]);
        const program = (ops: RawOp[], proc: string): Op[] =>
          ops.map((op, step) => (op.kind === "sleep" ? op : resolveGroupOp(op, proc, step, groups)));
        return {
          processes: processPlans(writers, readers, program),
          final: groupSnapshot(groups),
          context: { groups: groups.map(({ namespace, keys }) => ({ namespace, keys })) },
        };
      }),
  checks: [
    { name: "every process completed every operation without error", run: processesWorked },
    {
      name: "no entries() snapshot, and not the final state, shows a group torn between batches",
      run: (history, plan) => groupsIntact(historyIndex(history), plan.context.groups),
    },
    {
      name: "every read of a group's key returns the group's state after a whole batch that could be the latest",
      run: (history, plan) => readsSeeLatestWrite(historyIndex(history), { final: false, registerOf: groupRegisters(plan.context.groups) }),
    },
    {
      name: "a reader never sees a group go back to an older batch",
      run: (history, plan) => monotonicReads(historyIndex(history), { registerOf: groupRegisters(plan.context.groups) }),
    },
    {
      name: "all reads agree on one order of the batches",
      run: (history, plan) => oneOrder(historyIndex(history), { registerOf: groupRegisters(plan.context.groups) }),
    },
    {
      name: "the final state is what a last batch left",
      run: (history, plan) => readsSeeLatestWrite(historyIndex(history), { final: true, registerOf: groupRegisters(plan.context.groups) }),
    },
  ],
};
