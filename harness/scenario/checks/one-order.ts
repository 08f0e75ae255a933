// Reads agree on one order of the writes. For each register, the writes that put values and the reads that
// returned them form clusters (a write and its readers); with every value written once, a history of them is
// linearizable exactly when no two forward zones overlap and no backward zone lies inside a forward zone
// (Gibbons and Korach's zone condition). A cluster's zone runs between its earliest completion and its
// latest invocation: forward when a member completes before another begins, backward otherwise.
// Deletes and absent reads are left out, which keeps the check sound: a linearizable history stays
// linearizable without them.
import { observationText, writeText } from "./describe.ts";
import { Failures, at } from "./failures.ts";
import type { HistoryIndex, Observation, Write } from "./history-index.ts";
import { type RegisterOf, perKey, registers } from "./registers.ts";
import type { CheckOutcome } from "../scenario.ts";

type Zone = { write: Write; reads: Observation[]; from: number; to: number; forward: boolean };

function zoneOf(write: Write, reads: Observation[], half: number): Zone {
  // Intervals widened by half the tolerance each side: ordered means apart by more than the tolerance.
  let earliestEnd = write.t1 + half;
  let latestStart = write.t0 - half;
  for (const read of reads) {
    earliestEnd = Math.min(earliestEnd, read.t1 + half);
    latestStart = Math.max(latestStart, read.t0 - half);
  }
  const forward = earliestEnd < latestStart;
  return { write, reads, forward, from: forward ? earliestEnd : latestStart, to: forward ? latestStart : earliestEnd };
}

function zoneText(indexed: HistoryIndex, zone: Zone): string {
  const last = zone.reads.reduce<Observation | undefined>((late, r) => (late === undefined || r.t0 > late.t0 ? r : late), undefined);
  const reader = last === undefined ? "" : `, read last by ${observationText(indexed, last)}`;
  return `${writeText(indexed, zone.write)}${reader} (zone ${at(zone.from, indexed.origin)}..${at(zone.to, indexed.origin)})`;
}

export function oneOrder(indexed: HistoryIndex, options: { registerOf?: RegisterOf } = {}): CheckOutcome {
  const failures = new Failures();
  const half = indexed.tolerance / 2;
  for (const register of registers(indexed, options.registerOf ?? perKey).values()) {
    const readers = new Map<Write, Observation[]>();
    for (const o of register.observations) {
      if (o.kind !== "value") continue;
      const write = indexed.writesByValue.get(o.key)?.get(o.canon!);
      if (write === undefined || !register.writes.includes(write)) continue;
      failures.checked++;
      let list = readers.get(write);
      if (list === undefined) readers.set(write, (list = []));
      list.push(o);
    }
    const zones = register.writes
      .filter((w) => [...w.effects.values()].some((e) => e.kind === "put"))
      .map((w) => zoneOf(w, readers.get(w) ?? [], half));
    const forward = zones.filter((z) => z.forward).sort((a, b) => a.from - b.from);
    for (let i = 1; i < forward.length; i++) {
      const before = forward.slice(0, i).find((z) => z.to > forward[i]!.from);
      if (before !== undefined) {
        failures.add(`register ${register.id}: ${zoneText(indexed, before)} and ${zoneText(indexed, forward[i]!)} cannot both hold: each was read after the other was replaced`);
      }
    }
    for (const inner of zones.filter((z) => !z.forward)) {
      const outer = forward.find((z) => z.from < inner.from && inner.to < z.to);
      if (outer !== undefined) {
        failures.add(`register ${register.id}: ${zoneText(indexed, inner)} happened entirely between ${zoneText(indexed, outer)}, yet was not seen`);
      }
    }
  }
  return failures.outcome();
}
