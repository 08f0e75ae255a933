// Every read returns what a write that could be the latest at that time left: for each read there is an
// order of the register's writes, consistent with real time, in which the read sees that write's state.
import { observationText, writeText } from "./describe.ts";
import { Failures } from "./failures.ts";
import type { HistoryIndex, Observation } from "./history-index.ts";
import { type RegisterOf, perKey, possibleLatest, precedes, producers, registers } from "./registers.ts";
import type { CheckOutcome } from "../scenario.ts";
import { tagOf } from "../generator/values.ts";

/** Why the write that put the value a read returned cannot be the one the read saw. */
function whyNot(indexed: HistoryIndex, o: Observation, candidates: ReturnType<typeof possibleLatest>): string {
  const writer = o.canon === undefined ? undefined : indexed.writesByValue.get(o.key)?.get(o.canon);
  const latest = candidates.map((w) => writeText(indexed, w, o.key)).join("; ");
  if (o.kind === "value" && writer === undefined) {
    const tag = tagOf(o.value);
    return `no write put that value under this key${tag === undefined ? "" : ` (it is stamped by ${tag})`}; latest possible: ${latest}`;
  }
  if (writer !== undefined && precedes(o, writer, indexed.tolerance)) {
    return `it was written by ${writeText(indexed, writer, o.key)}, invoked after the read completed`;
  }
  if (writer !== undefined) return `it was written by ${writeText(indexed, writer, o.key)}, superseded before the read began; latest possible: ${latest}`;
  return `latest possible: ${latest}`;
}

export function readsSeeLatestWrite(
  indexed: HistoryIndex,
  options: { final: boolean; registerOf?: RegisterOf },
): CheckOutcome {
  const failures = new Failures();
  for (const register of registers(indexed, options.registerOf ?? perKey).values()) {
    for (const o of register.observations) {
      if (o.final !== options.final) continue;
      failures.checked++;
      if (producers(register, o, indexed.tolerance).length > 0) continue;
      const candidates = possibleLatest(register, o, indexed.tolerance);
      failures.add(`${observationText(indexed, o)}: ${whyNot(indexed, o, candidates)}`);
    }
  }
  return failures.outcome();
}
