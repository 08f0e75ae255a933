// Writers are killed with SIGKILL at generated points (inside set, batch and sweep, as scheduling allows);
// afterwards no batch is torn, every acknowledged write survives, the directory reopens without repair,
// and the processes that were not killed went on working.
import fc from "fast-check";
import { keyArb, nsPathArb } from "../harness/scenario/generator/arbitraries.ts";
import { type Group, groupsIntact } from "../harness/scenario/checks/groups.ts";
import { readsSeeLatestWrite } from "../harness/scenario/checks/latest-write.ts";
import { historyIndex } from "../harness/scenario/checks/history-index.ts";
import { oneOrder } from "../harness/scenario/checks/one-order.ts";
import { killsLanded, processesWorked, reopensClean, survivorsWentOn } from "../harness/scenario/checks/processes.ts";
import { sweepCountsMatch } from "../harness/scenario/checks/sweep-counts.ts";
import {
  type RawGroupOp,
  commitArb,
  groupRegisters,
  groupSnapshot,
  groupSpecs,
  isGroupOp,
  readGroupArb,
  resolveGroupOp,
  scanGroupArb,
} from "../harness/scenario/generator/group-batches.ts";
import type { NsPath, Op } from "../harness/scenario/operations.ts";
import { type RawOp, finalSnapshot, pick, processPlans, rawOpArb, readersArb, resolveOp, tagFor, writersArb } from "../harness/scenario/generator/programs.ts";
import type { Scenario } from "../harness/scenario/scenario.ts";
import { stampValue } from "../harness/scenario/generator/values.ts";

type Context = { groups: Group[] };
/** Puts `count` entries that expire at once (or nearly), for sweepExpired to find. */
type ExpireOp = { kind: "expire"; count: number; ttlMs: number };
type CrashOp = RawGroupOp | RawOp | ExpireOp;

const FODDER: NsPath = ["fodder"];
const MAX_FODDER = 120;
const PROBE: NsPath = ["reopen-probe"];

const expireArb: fc.Arbitrary<CrashOp> = fc.record({
  kind: fc.constant("expire" as const),
  count: fc.integer({ min: 10, max: MAX_FODDER }),
  ttlMs: fc.oneof(fc.constantFrom(-1, 0), fc.integer({ min: 1, max: 20 })),
});
const plainTtl = fc.oneof(fc.constant(undefined), fc.constantFrom(-1, 0), fc.integer({ min: 1, max: 30 }));
// Big batches take long enough to commit for a kill to land inside them.
const writerOp: fc.Arbitrary<CrashOp> = fc.oneof(
  { weight: 5, arbitrary: commitArb(4000) },
  { weight: 3, arbitrary: rawOpArb({ weights: { set: 3, del: 1, sweep: 2 }, ttl: plainTtl }) },
  { weight: 2, arbitrary: expireArb },
);
const readerOp: fc.Arbitrary<CrashOp> = fc.oneof(readGroupArb, scanGroupArb, rawOpArb({ weights: { get: 2, entries: 1 } }));

const KILLABLE = new Set(["set", "batch", "sweep"]);

function resolve(op: CrashOp, proc: string, step: number, groups: Parameters<typeof resolveGroupOp>[3], namespaces: NsPath[], keys: string[]): Op {
  if (op.kind === "expire") {
    const ops = Array.from({ length: op.count }, (_, i) => ({
      type: "put" as const,
      key: `f${i}`,
      value: stampValue(tagFor(proc, step, i), "string", "fodder"),
      ttlMs: op.ttlMs,
    }));
    return { kind: "batch", ns: FODDER, ops };
  }
  if (isGroupOp(op)) return resolveGroupOp(op, proc, step, groups);
  return resolveOp(op, proc, step, namespaces, keys);
}

export const crash: Scenario<Context> = {
  name: "crash",
  summary: "writers SIGKILLed inside set/batch/sweep; no torn batch, acknowledged writes survive, the directory reopens",
  notes: [
    "A kill point is an operation and a delay in microseconds after it begins; a thread of the writer, already " +
      "spinning, sends SIGKILL to its own process then, while the main thread may be inside a synchronous commit. " +
      "On a loaded machine the kill can land later than planned; the table says which operation each kill " +
      "interrupted (from begin marks the writer logs before each operation). An interrupted operation counts as " +
      "possibly applied. Writer w0 is always killed; the others are killed or not as generated.",
  ],
  defaults: { writers: 3, readers: 2, runs: 10 },
  plan: ({ writers, readers }) =>
    fc
      .record({
        namespaces: fc.array(nsPathArb, { maxLength: 1 }),
        keys: fc.uniqueArray(keyArb, { minLength: 1, maxLength: 4 }),
        bases: fc.uniqueArray(keyArb, { minLength: 1, maxLength: 3 }),
        sizes: fc.array(fc.integer({ min: 8, max: 40 }), { minLength: 1, maxLength: 3 }),
        writers: writersArb(writers, writerOp, 40),
        readers: readersArb(readers, readerOp, 8),
        kills: fc.array(fc.record({ on: fc.boolean(), at: fc.nat(), delayUs: fc.integer({ min: 0, max: 3000 }) }), {
          minLength: writers,
          maxLength: writers,
        }),
      })
      .map(({ namespaces, keys, bases, sizes, writers, readers, kills }) => {
        const plain: NsPath[] = [[], ...namespaces];
        // Group keys live in namespace "groups", apart from the plain keys.
        const groups = groupSpecs(bases, sizes, [["groups"]]);
        const processes = processPlans(writers, readers, (ops, proc) => ops.map((op, step) => resolve(op, proc, step, groups, plain, keys)));
        processes.forEach((process, i) => {
          const kill = kills[i];
          if (process.role !== "writer" || kill === undefined || (i > 0 && !kill.on)) return;
          // Early in the program, so that a kill landing late (on a busy machine) still finds work under way.
          const killable = process.program.flatMap((op, step) => (KILLABLE.has(op.kind) ? [step] : []));
          const early = killable.slice(0, Math.ceil(killable.length / 2));
          process.kill = { op: early.length === 0 ? 0 : pick(early, kill.at), delayUs: kill.delayUs };
        });
        const fodderKeys = Array.from({ length: MAX_FODDER }, (_, i) => `f${i}`);
        const final: Op[] = [
          ...groupSnapshot(groups),
          ...finalSnapshot(plain, keys),
          ...finalSnapshot([FODDER], fodderKeys),
          { kind: "set", ns: PROBE, key: "probe", value: stampValue("final#probe", "string", "reopened") },
          { kind: "get", ns: PROBE, key: "probe" },
        ];
        return { processes, final, context: { groups: groups.map(({ namespace, keys }) => ({ namespace, keys })) } };
      }),
  checks: [
    { name: "every process that was not killed completed every operation without error", run: processesWorked },
    { name: "every planned kill killed its writer with SIGKILL", run: killsLanded },
    { name: "the surviving processes went on working after the last kill", run: survivorsWentOn },
    { name: "the directory reopens without repair in a fresh process, which reads and writes it", run: reopensClean },
    {
      name: "no batch is torn: entries() snapshots and the final state show whole batches",
      run: (history, plan) => groupsIntact(historyIndex(history), plan.context.groups),
    },
    {
      name: "every read returns what a write that could be the latest left (an interrupted write may or may not have landed)",
      run: (history, plan) => readsSeeLatestWrite(historyIndex(history), { final: false, registerOf: groupRegisters(plan.context.groups) }),
    },
    {
      name: "every acknowledged write survives: the final state is what a last write left",
      run: (history, plan) => readsSeeLatestWrite(historyIndex(history), { final: true, registerOf: groupRegisters(plan.context.groups) }),
    },
    {
      name: "all reads agree on one order of the writes",
      run: (history, plan) => oneOrder(historyIndex(history), { registerOf: groupRegisters(plan.context.groups) }),
    },
    { name: "sweepExpired counts match the entries that were expired", run: (history) => sweepCountsMatch(historyIndex(history), history.records) },
  ],
};
