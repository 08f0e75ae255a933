// Batches are atomic: every key of a group (keys only ever written together, one batch putting them all
// at one version or deleting them all) shows the same version, or none, in any one snapshot. entries()
// reads one snapshot; the final process's reads happen after every writer ended, so they must agree too.
import { keyId } from "../operations.ts";
import { keyText } from "./describe.ts";
import { Failures, at } from "./failures.ts";
import type { HistoryIndex, Observation } from "./history-index.ts";
import type { CheckOutcome } from "../scenario.ts";

/** A group: its namespace and its keys. */
export type Group = { namespace: string; keys: string[] };

export function groupKeyIds(group: Group): string[] {
  return group.keys.map((key) => keyId(group.namespace, key));
}

/** The version a read saw: the write that put its value, "absent", or "unknown" when no write did. */
function version(indexed: HistoryIndex, o: Observation): string {
  if (o.kind !== "value") return o.kind;
  return indexed.writesByValue.get(o.key)?.get(o.canon!)?.id ?? `unknown value ${o.canon}`;
}

export function groupsIntact(indexed: HistoryIndex, groups: Group[]): CheckOutcome {
  const failures = new Failures();
  const snapshots = new Map<string, Observation[]>();
  for (const o of indexed.observations) {
    const { op, proc, seq } = o.record;
    const isSnapshot = (op.kind === "entries" && op.limit === undefined) || o.final;
    if (!isSnapshot) continue;
    const id = op.kind === "entries" ? `${proc}#${seq}` : "the final reads";
    let list = snapshots.get(id);
    if (list === undefined) snapshots.set(id, (list = []));
    list.push(o);
  }
  for (const [snapshot, observations] of snapshots) {
    const byKey = new Map(observations.map((o) => [o.key, o]));
    for (const group of groups) {
      const ids = groupKeyIds(group);
      const seen = ids.map((id) => byKey.get(id));
      if (seen.some((o) => o === undefined)) continue;
      failures.checked++;
      const versions = seen.map((o) => version(indexed, o!));
      if (new Set(versions).size > 1) {
        failures.add(`${snapshot} at ${at(seen[0]!.t0, indexed.origin)} saw a torn group: ${ids.map((id, i) => `${keyText(id)} = ${versions[i]}`).join(", ")}`);
      }
    }
  }
  return failures.outcome();
}
