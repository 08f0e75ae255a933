// Groups of keys that are only ever written together, by batches that put every key of a group at one
// version (or delete them all): what batch-atomicity and crash check atomicity with.
import fc from "fast-check";
import { payloadArb, shapeArb } from "./arbitraries.ts";
import type { Group } from "../checks/groups.ts";
import { groupKeyIds } from "../checks/groups.ts";
import type { RegisterOf } from "../checks/registers.ts";
import { type BatchEntry, type NsPath, type Op, namespaceOf } from "../operations.ts";
import { indexArb, pick, tagFor } from "./programs.ts";
import { type Shape, stampValue } from "./values.ts";

export type GroupSpec = Group & { ns: NsPath };

/** A group per base key: `size` keys named base + "·" + i, in the namespace picked for it. */
export function groupSpecs(bases: readonly string[], sizes: readonly number[], namespaces: readonly NsPath[]): GroupSpec[] {
  return bases.map((base, i) => {
    const ns = pick(namespaces, i);
    const size = pick(sizes, i);
    return { ns, namespace: namespaceOf(ns), keys: Array.from({ length: size }, (_, k) => `${base}·${k}`) };
  });
}

export type RawGroupOp =
  /** One batch over the chosen groups that share the first one's namespace: each put at one version, or deleted. */
  | { kind: "commit"; groups: number[]; dels: boolean[]; decoy: boolean; rotate: number; reverse: boolean; payload: unknown; shape: Shape; pad: number }
  | { kind: "read"; group: number; key: number }
  | { kind: "scan"; group: number };

export function commitArb(maxPad: number): fc.Arbitrary<RawGroupOp> {
  return fc.record({
    kind: fc.constant("commit" as const),
    groups: fc.array(indexArb, { minLength: 1, maxLength: 3 }),
    dels: fc.array(fc.boolean(), { maxLength: 3 }),
    decoy: fc.boolean(),
    rotate: indexArb,
    reverse: fc.boolean(),
    payload: payloadArb,
    shape: shapeArb,
    pad: fc.nat(maxPad),
  });
}

export const readGroupArb: fc.Arbitrary<RawGroupOp> = fc.record({ kind: fc.constant("read" as const), group: indexArb, key: indexArb });
export const scanGroupArb: fc.Arbitrary<RawGroupOp> = fc.record({ kind: fc.constant("scan" as const), group: indexArb });

export function isGroupOp(op: { kind: string }): op is RawGroupOp {
  return op.kind === "commit" || op.kind === "read" || op.kind === "scan";
}

export function resolveGroupOp(op: RawGroupOp, proc: string, step: number, groups: readonly GroupSpec[]): Op {
  if (op.kind === "read") {
    const group = pick(groups, op.group);
    return { kind: "get", ns: group.ns, key: pick(group.keys, op.key) };
  }
  if (op.kind === "scan") return { kind: "entries", ns: pick(groups, op.group).ns };
  const first = pick(groups, op.groups[0]!);
  const chosen = [...new Set(op.groups.map((i) => pick(groups, i)))].filter((g) => g.namespace === first.namespace);
  const tag = tagFor(proc, step);
  const entries: BatchEntry[] = chosen.flatMap((group, g) =>
    group.keys.map((key, k): BatchEntry => {
      if (op.dels[g] === true) return { type: "del", key };
      return { type: "put", key, value: stampValue(tag, op.shape, [k, op.payload, "x".repeat(op.pad)]) };
    }),
  );
  const ordered = [...entries.slice(op.rotate % entries.length), ...entries.slice(0, op.rotate % entries.length)];
  if (op.reverse) ordered.reverse();
  // A put that the same batch overwrites: visible only if the batch were applied in pieces.
  if (op.decoy) ordered.unshift({ type: "put", key: first.keys[0]!, value: stampValue(`${tag}.decoy`, "string", "overwritten") });
  return { kind: "batch", ns: first.ns, ops: ordered };
}

/** Registers for the checks: a group's keys form one register; any other key is its own. */
export function groupRegisters(groups: readonly Group[]): RegisterOf {
  const byKey = new Map<string, string>();
  groups.forEach((group, i) => {
    for (const id of groupKeyIds(group)) byKey.set(id, `group ${i}`);
  });
  return (key) => byKey.get(key) ?? key;
}

/** The final read-back of groups: entries() of each group namespace, then get of every group key. */
export function groupSnapshot(groups: readonly GroupSpec[]): Op[] {
  const namespaces = new Map(groups.map((g) => [g.namespace, g.ns]));
  return [
    ...[...namespaces.values()].map((ns): Op => ({ kind: "entries", ns })),
    ...groups.flatMap((g) => g.keys.map((key): Op => ({ kind: "get", ns: g.ns, key }))),
  ];
}
