// What a history says about keys: the writes (set, del, batch) with their effect on each key, and the
// observations (get, has, entries, and the final process's reads) of each key. Checks work on these.
import type { GetResult, History, OpRecord } from "../history.ts";
import { type NsPath, compareCodePoints, keyId, namespaceOf, splitKeyId } from "../operations.ts";
import { canonical } from "../generator/values.ts";

/** What a write leaves under one key: a value (expiring somewhere in [expiresFrom, expiresBy]) or nothing. */
export type Effect =
  | { kind: "put"; value: unknown; canon: string; expiresFrom: number; expiresBy: number }
  | { kind: "absent" };

export type Write = {
  /** `proc#seq`, or "initial" for the empty cache every run starts from. */
  id: string;
  t0: number;
  t1: number;
  /** Per key id: the write's last operation on that key (a batch's later ops win). */
  effects: Map<string, Effect>;
  record: OpRecord | undefined;
};

/** The empty cache a run starts from: it precedes every operation and leaves every key absent. */
export const INITIAL: Write = { id: "initial", t0: -Infinity, t1: -Infinity, effects: new Map(), record: undefined };

/** What one read saw of one key: a value, "present" (has), or "absent". */
export type Observation = {
  key: string;
  kind: "value" | "present" | "absent";
  value?: unknown;
  canon?: string;
  t0: number;
  t1: number;
  /** Lowest clock reading the operation could have judged expiry by; highest any deleter could have. */
  clockLow: number;
  clockHigh: number;
  record: OpRecord;
  /** Made by the final process, after every other process ended. */
  final: boolean;
};

export type HistoryIndex = {
  tolerance: number;
  /** Wall clock at which the run's processes were released: times in messages are relative to it. */
  origin: number;
  writes: Write[];
  observations: Observation[];
  /** Key ids written (by a put or a del) in each namespace. */
  keysByNamespace: Map<string, Set<string>>;
  /** Per key id, its writes by the canonical text of the value they put. */
  writesByValue: Map<string, Map<string, Write>>;
};

function expiryBounds(record: OpRecord, ttlMs: number | undefined, tolerance: number): [number, number] {
  if (ttlMs === undefined) return [Infinity, Infinity];
  if (record.clock.length > 0) return [Math.min(...record.clock) + ttlMs, Math.max(...record.clock) + ttlMs];
  return [record.t0 - tolerance + ttlMs, record.t1 + tolerance + ttlMs];
}

function writeOf(record: OpRecord, tolerance: number): Write | undefined {
  const { op } = record;
  if (op.kind !== "set" && op.kind !== "del" && op.kind !== "batch") return undefined;
  const namespace = namespaceOf(op.ns);
  const effects = new Map<string, Effect>();
  const put = (key: string, value: unknown, ttlMs: number | undefined) => {
    const [expiresFrom, expiresBy] = expiryBounds(record, ttlMs, tolerance);
    effects.set(keyId(namespace, key), { kind: "put", value, canon: canonical(value), expiresFrom, expiresBy });
  };
  if (op.kind === "set") put(op.key, op.value, op.ttlMs);
  else if (op.kind === "del") effects.set(keyId(namespace, op.key), { kind: "absent" });
  else {
    for (const entry of op.ops) {
      const id = keyId(namespace, entry.key);
      // A later op on the same key replaces the earlier one's effect (and its place in the order).
      effects.delete(id);
      if (entry.type === "put") put(entry.key, entry.value, entry.ttlMs);
      else effects.set(id, { kind: "absent" });
    }
  }
  return { id: `${record.proc}#${record.seq}`, t0: record.t0, t1: record.t1, effects, record };
}

function observation(
  record: OpRecord,
  key: string,
  kind: Observation["kind"],
  value: unknown,
  tolerance: number,
): Observation {
  const clockLow = record.clock.length > 0 ? Math.min(...record.clock) : record.t0 - tolerance;
  return {
    key,
    kind,
    ...(kind === "value" ? { value, canon: canonical(value) } : {}),
    t0: record.t0,
    t1: record.t1,
    clockLow,
    clockHigh: record.t1 + tolerance,
    record,
    final: record.proc === "final",
  };
}

/** The keys of a namespace that entries() passed over: all known ones, or with a limit those before its last key. */
function passedOver(known: Iterable<string>, yielded: Set<string>, lastKey: string | undefined, limited: boolean): string[] {
  const out: string[] = [];
  for (const id of known) {
    if (yielded.has(id)) continue;
    if (limited && (lastKey === undefined || compareCodePoints(splitKeyId(id).key, lastKey) >= 0)) continue;
    out.push(id);
  }
  return out;
}

const built = new WeakMap<History, HistoryIndex>();

/** The index of a history, built once however many checks ask. */
export function historyIndex(history: History): HistoryIndex {
  let indexed = built.get(history);
  if (indexed === undefined) built.set(history, (indexed = buildHistoryIndex(history)));
  return indexed;
}

export function buildHistoryIndex(history: History): HistoryIndex {
  const tolerance = history.toleranceMs;
  const writes: Write[] = [];
  const keysByNamespace = new Map<string, Set<string>>();
  const writesByValue = new Map<string, Map<string, Write>>();
  for (const record of history.records) {
    if (record.outcome === "error") continue;
    const write = writeOf(record, tolerance);
    if (write === undefined) continue;
    writes.push(write);
    const namespace = namespaceOf((record.op as { ns: NsPath }).ns);
    let known = keysByNamespace.get(namespace);
    if (known === undefined) keysByNamespace.set(namespace, (known = new Set()));
    for (const [id, effect] of write.effects) {
      known.add(id);
      if (effect.kind !== "put") continue;
      let byValue = writesByValue.get(id);
      if (byValue === undefined) writesByValue.set(id, (byValue = new Map()));
      byValue.set(effect.canon, write);
    }
  }

  const observations: Observation[] = [];
  for (const record of history.records) {
    if (record.outcome !== "ok") continue;
    const { op } = record;
    if (op.kind === "get") {
      const { found, value } = record.result as GetResult;
      const id = keyId(namespaceOf(op.ns), op.key);
      observations.push(observation(record, id, found ? "value" : "absent", value, tolerance));
    } else if (op.kind === "has") {
      const id = keyId(namespaceOf(op.ns), op.key);
      observations.push(observation(record, id, record.result === true ? "present" : "absent", undefined, tolerance));
    } else if (op.kind === "entries") {
      const namespace = namespaceOf(op.ns);
      const pairs = record.result as [string, unknown][];
      const yielded = new Set<string>();
      for (const [key, value] of pairs) {
        const id = keyId(namespace, key);
        yielded.add(id);
        observations.push(observation(record, id, "value", value, tolerance));
      }
      const known = keysByNamespace.get(namespace) ?? new Set<string>();
      for (const id of passedOver(known, yielded, pairs.at(-1)?.[0], op.limit !== undefined)) {
        observations.push(observation(record, id, "absent", undefined, tolerance));
      }
    }
  }
  return { tolerance, origin: history.goAt, writes, observations, keysByNamespace, writesByValue };
}
