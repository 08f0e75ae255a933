// Helpers scenarios build their programs with: generated choices are indices, resolved against the run's
// generated namespaces and keys, so that shrinking a program never leaves it pointing at nothing.
import fc from "fast-check";
import { codecArb, keyArb, nsPathArb, payloadArb, shapeArb } from "./arbitraries.ts";
import { type BatchEntry, type NsPath, type Op, namespaceOf } from "../operations.ts";
import type { ProcessPlan, RunPlan } from "../scenario.ts";
import { type Shape, stampValue } from "./values.ts";

/** Picks an element by a generated index (any natural number). */
export function pick<T>(items: readonly T[], index: number): T {
  return items[index % items.length]!;
}

export const indexArb = fc.nat(63);

/** The tag stamped into the value an operation writes: the process, the step, and the op within a batch. */
export function tagFor(proc: string, step: number, sub?: number): string {
  return sub === undefined ? `${proc}#${step}` : `${proc}#${step}.${sub}`;
}

/** Process names: "w0".. for writers, "r0".. for readers. */
export function processName(role: ProcessPlan["role"], index: number): string {
  return `${role === "writer" ? "w" : "r"}${index}`;
}

/** A program that reads everything back: entries() of every namespace, then get of every key. */
export function finalSnapshot(namespaces: readonly NsPath[], keys: readonly string[]): Op[] {
  const seen = new Set<string>();
  const unique = namespaces.filter((ns) => {
    const name = namespaceOf(ns);
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
  return [
    ...unique.map((ns): Op => ({ kind: "entries", ns })),
    ...unique.flatMap((ns) => keys.map((key): Op => ({ kind: "get", ns, key }))),
  ];
}

/** A generated operation before it is resolved: indices instead of keys and namespaces, payloads unstamped. */
export type RawOp =
  | { kind: "set"; ns: number; key: number; payload: unknown; shape: Shape; ttlMs?: number }
  | { kind: "del"; ns: number; key: number }
  | { kind: "batch"; ns: number; ops: RawBatchEntry[] }
  | { kind: "get"; ns: number; key: number }
  | { kind: "has"; ns: number; key: number }
  | { kind: "entries"; ns: number; limit?: number }
  | { kind: "sweep" }
  | { kind: "sleep"; ms: number }
  | { kind: "reopen"; pauseMs?: number };

export type RawBatchEntry = { put: boolean; key: number; payload: unknown; shape: Shape; ttlMs?: number };

export type Vocabulary = {
  /** Relative weight of each kind of operation; kinds left out are never generated. */
  weights: Partial<Record<RawOp["kind"], number>>;
  /** TTL of a put: undefined for none. */
  ttl?: fc.Arbitrary<number | undefined>;
  maxBatch?: number;
  maxSleepMs?: number;
  /** Longest pause between a reopen's close and its open: while it lasts, the process holds no cache. */
  maxReopenPauseMs?: number;
};

function withTtl<T extends object>(base: fc.Arbitrary<T>, ttl: fc.Arbitrary<number | undefined> | undefined) {
  if (ttl === undefined) return base;
  return fc.tuple(base, ttl).map(([value, ttlMs]) => (ttlMs === undefined ? value : { ...value, ttlMs }));
}

export function rawOpArb(vocabulary: Vocabulary): fc.Arbitrary<RawOp> {
  const { weights, ttl, maxBatch = 6, maxSleepMs = 3, maxReopenPauseMs = 3 } = vocabulary;
  const target = { ns: indexArb, key: indexArb };
  const entry: fc.Arbitrary<RawBatchEntry> = withTtl(
    fc.record({ put: fc.boolean(), key: indexArb, payload: payloadArb, shape: shapeArb }),
    ttl,
  );
  const kinds: Record<RawOp["kind"], fc.Arbitrary<RawOp>> = {
    set: withTtl(fc.record({ kind: fc.constant("set" as const), ...target, payload: payloadArb, shape: shapeArb }), ttl),
    del: fc.record({ kind: fc.constant("del" as const), ...target }),
    batch: fc.record({ kind: fc.constant("batch" as const), ns: indexArb, ops: fc.array(entry, { minLength: 1, maxLength: maxBatch }) }),
    get: fc.record({ kind: fc.constant("get" as const), ...target }),
    has: fc.record({ kind: fc.constant("has" as const), ...target }),
    entries: fc.record(
      { kind: fc.constant("entries" as const), ns: indexArb, limit: fc.integer({ min: 1, max: 4 }) },
      { requiredKeys: ["kind", "ns"] },
    ),
    sweep: fc.constant({ kind: "sweep" as const }),
    sleep: fc.record({ kind: fc.constant("sleep" as const), ms: fc.integer({ min: 0, max: maxSleepMs }) }),
    // The pause is optional so that shrinking can drop it: a back-to-back close and open is the simpler case.
    reopen: fc.record(
      { kind: fc.constant("reopen" as const), pauseMs: fc.integer({ min: 0, max: maxReopenPauseMs }) },
      { requiredKeys: ["kind"] },
    ),
  };
  return fc.oneof(
    ...Object.entries(weights).map(([kind, weight]) => ({ weight: weight!, arbitrary: kinds[kind as RawOp["kind"]] })),
  );
}

/** Turns generated operations into a process's program, stamping every value it writes with its tag. */
export function resolveProgram(raw: readonly RawOp[], proc: string, namespaces: readonly NsPath[], keys: readonly string[]): Op[] {
  return raw.map((op, step) => resolveOp(op, proc, step, namespaces, keys));
}

export function resolveOp(op: RawOp, proc: string, step: number, namespaces: readonly NsPath[], keys: readonly string[]): Op {
  switch (op.kind) {
    case "set": {
      const value = stampValue(tagFor(proc, step), op.shape, op.payload);
      return { kind: "set", ns: pick(namespaces, op.ns), key: pick(keys, op.key), value, ...ttlOf(op) };
    }
    case "del":
    case "get":
    case "has":
      return { kind: op.kind, ns: pick(namespaces, op.ns), key: pick(keys, op.key) };
    case "batch":
      return {
        kind: "batch",
        ns: pick(namespaces, op.ns),
        ops: op.ops.map((entry, sub): BatchEntry => {
          const key = pick(keys, entry.key);
          if (!entry.put) return { type: "del", key };
          return { type: "put", key, value: stampValue(tagFor(proc, step, sub), entry.shape, entry.payload), ...ttlOf(entry) };
        }),
      };
    case "entries":
      return { kind: "entries", ns: pick(namespaces, op.ns), ...(op.limit === undefined ? {} : { limit: op.limit }) };
    case "sweep":
    case "sleep":
    case "reopen":
      return op;
  }
}

function ttlOf(op: { ttlMs?: number }): { ttlMs?: number } {
  return op.ttlMs === undefined ? {} : { ttlMs: op.ttlMs };
}

export type RawWriter<T> = { ops: T[]; values: "json" | "structured" };

/** `count` writer programs of up to `maxLength` operations, each with the value codec it writes with. */
export function writersArb<T>(count: number, op: fc.Arbitrary<T>, maxLength: number): fc.Arbitrary<RawWriter<T>[]> {
  const writer = fc.record({ ops: fc.array(op, { minLength: 1, maxLength, size: "max" }), values: codecArb });
  return fc.array(writer, { minLength: count, maxLength: count });
}

/** `count` reader programs (repeated until the writers are done) of up to `maxLength` operations. */
export function readersArb<T>(count: number, op: fc.Arbitrary<T>, maxLength: number): fc.Arbitrary<T[][]> {
  return fc.array(fc.array(op, { minLength: 1, maxLength }), { minLength: count, maxLength: count });
}

/** The processes of a run: writers run their program once, readers loop theirs. */
export function processPlans<T>(
  writers: readonly RawWriter<T>[],
  readers: readonly T[][],
  resolve: (ops: T[], proc: string) => Op[],
): ProcessPlan[] {
  return [
    ...writers.map((w, i): ProcessPlan => {
      const name = processName("writer", i);
      return { name, role: "writer", program: resolve(w.ops, name), values: w.values };
    }),
    ...readers.map((ops, i): ProcessPlan => {
      const name = processName("reader", i);
      return { name, role: "reader", program: resolve(ops, name), loop: true };
    }),
  ];
}

/** How a run over random namespaces (the root one always among them) and shared keys is drawn. */
export type KeyedPlanShape = {
  namespaces: { minLength: number; maxLength: number };
  maxKeys: number;
  writerOp: fc.Arbitrary<RawOp>;
  writerSteps: number;
  readerOp: fc.Arbitrary<RawOp>;
  readerSteps: number;
};

/** Writers and readers over shared namespaces and keys, with a final snapshot of them all. */
export function keyedPlan(counts: { writers: number; readers: number }, shape: KeyedPlanShape): fc.Arbitrary<RunPlan<undefined>> {
  return fc
    .record({
      namespaces: fc.array(nsPathArb, shape.namespaces),
      keys: fc.uniqueArray(keyArb, { minLength: 2, maxLength: shape.maxKeys }),
      writers: writersArb(counts.writers, shape.writerOp, shape.writerSteps),
      readers: readersArb(counts.readers, shape.readerOp, shape.readerSteps),
    })
    .map(({ namespaces, keys, writers, readers }) => {
      const all = [[], ...namespaces];
      return {
        processes: processPlans(writers, readers, (ops, proc) => resolveProgram(ops, proc, all, keys)),
        final: finalSnapshot(all, keys),
        context: undefined,
      };
    });
}
