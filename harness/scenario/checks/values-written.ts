// No read returns a value that was never written: every value read was put under that very key by a
// write invoked before the read completed.
import { observationText, writeText } from "./describe.ts";
import { Failures } from "./failures.ts";
import type { HistoryIndex } from "./history-index.ts";
import { precedes } from "./registers.ts";
import type { CheckOutcome } from "../scenario.ts";
import { tagOf } from "../generator/values.ts";

export function valuesWereWritten(indexed: HistoryIndex): CheckOutcome {
  const failures = new Failures();
  for (const o of indexed.observations) {
    if (o.kind !== "value") continue;
    failures.checked++;
    const writer = indexed.writesByValue.get(o.key)?.get(o.canon!);
    if (writer === undefined) {
      const tag = tagOf(o.value);
      failures.add(`${observationText(indexed, o)}: never written under this key${tag === undefined ? "" : ` (stamped by ${tag})`}`);
    } else if (precedes(o, writer, indexed.tolerance)) {
      failures.add(`${observationText(indexed, o)}: returned before ${writeText(indexed, writer, o.key)} was invoked`);
    }
  }
  return failures.outcome();
}
