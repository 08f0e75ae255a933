// entries() of a namespace yields only keys written in that namespace, each once, in code point order
// (UTF-8 byte order), and no more than its limit.
import type { OpRecord } from "../history.ts";
import { compareCodePoints, describeOp, keyId, namespaceOf } from "../operations.ts";
import { keyText } from "./describe.ts";
import { Failures } from "./failures.ts";
import type { HistoryIndex } from "./history-index.ts";
import type { CheckOutcome } from "../scenario.ts";

export function entriesWellFormed(indexed: HistoryIndex, records: OpRecord[]): CheckOutcome {
  const failures = new Failures();
  for (const record of records) {
    const { op } = record;
    if (op.kind !== "entries" || record.outcome !== "ok") continue;
    failures.checked++;
    const where = `${record.proc}#${record.seq} ${describeOp(op)}`;
    const namespace = namespaceOf(op.ns);
    const known = indexed.keysByNamespace.get(namespace);
    const pairs = record.result as [string, unknown][];
    if (op.limit !== undefined && pairs.length > op.limit) failures.add(`${where} yielded ${pairs.length} entries`);
    pairs.forEach(([key], i) => {
      if (known?.has(keyId(namespace, key)) !== true) {
        failures.add(`${where} yielded ${keyText(keyId(namespace, key))}, never written in that namespace`);
      }
      const previous = pairs[i - 1]?.[0];
      if (previous !== undefined && compareCodePoints(previous, key) >= 0) {
        failures.add(`${where} yielded ${JSON.stringify(key)} after ${JSON.stringify(previous)}: out of order or repeated`);
      }
    });
  }
  return failures.outcome();
}
