// No read returns a value past its expiry. The cache's clock is recorded, so the check is exact: the
// value's expiry must lie after the earliest clock reading the read could have judged it by.
import { observationText, writeText } from "./describe.ts";
import { Failures } from "./failures.ts";
import type { HistoryIndex } from "./history-index.ts";
import type { CheckOutcome } from "../scenario.ts";
import { at } from "./failures.ts";

export function expiredNeverReturned(indexed: HistoryIndex): CheckOutcome {
  const failures = new Failures();
  for (const o of indexed.observations) {
    if (o.kind !== "value") continue;
    const writer = indexed.writesByValue.get(o.key)?.get(o.canon!);
    const effect = writer?.effects.get(o.key);
    if (writer === undefined || effect?.kind !== "put" || effect.expiresBy === Infinity) continue;
    failures.checked++;
    if (effect.expiresBy <= o.clockLow) {
      failures.add(`${observationText(indexed, o)} with its clock at ${at(o.clockLow, indexed.origin)}, after the expiry of ${writeText(indexed, writer, o.key)}`);
    }
  }
  return failures.outcome();
}
