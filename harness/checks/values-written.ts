// No read returns a value that was never written: every value read was put under that very key by a
// write invoked before the read completed.
import { observationText, writeText } from "./describe.ts";
import { Failures } from "./failures.ts";
import type { Model } from "./model.ts";
import { precedes } from "./registers.ts";
import type { CheckOutcome } from "../scenario.ts";
import { tagOf } from "../values.ts";

export function valuesWereWritten(model: Model): CheckOutcome {
  const failures = new Failures();
  for (const o of model.observations) {
    if (o.kind !== "value") continue;
    failures.checked++;
    const writer = model.writesByValue.get(o.key)?.get(o.canon!);
    if (writer === undefined) {
      const tag = tagOf(o.value);
      failures.add(`${observationText(model, o)}: never written under this key${tag === undefined ? "" : ` (stamped by ${tag})`}`);
    } else if (precedes(o, writer, model.tolerance)) {
      failures.add(`${observationText(model, o)}: returned before ${writeText(model, writer, o.key)} was invoked`);
    }
  }
  return failures.outcome();
}
