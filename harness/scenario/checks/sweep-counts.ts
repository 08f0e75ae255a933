// sweepExpired's count matches the history: at least the entries that were certainly there and expired
// when it ran, at most those that could have been.
import type { OpRecord } from "../history.ts";
import { describeOp, keyId, namespaceOf, splitKeyId } from "../operations.ts";
import { at, Failures } from "./failures.ts";
import type { HistoryIndex, Write } from "./history-index.ts";
import { possibleLatest, registers } from "./registers.ts";
import type { CheckOutcome } from "../scenario.ts";

/** Operations that delete expired entries as they pass: reads of the key, entries() of its namespace, sweeps. */
function mayDelete(record: OpRecord, key: string): boolean {
  const { op } = record;
  if (op.kind === "sweep") return true;
  if (op.kind === "get" || op.kind === "has") return keyId(namespaceOf(op.ns), op.key) === key;
  if (op.kind === "entries") return splitKeyId(key).namespace === namespaceOf(op.ns);
  return false;
}

export function sweepCountsMatch(indexed: HistoryIndex, records: OpRecord[]): CheckOutcome {
  const failures = new Failures();
  const keys = registers(indexed);
  const deleters = records.filter((r) => r.outcome !== "error" && ["get", "has", "entries", "sweep"].includes(r.op.kind));
  for (const sweep of records) {
    if (sweep.op.kind !== "sweep" || sweep.outcome !== "ok") continue;
    failures.checked++;
    const count = sweep.result as number;
    const clockLow = sweep.clock.length > 0 ? Math.min(...sweep.clock) : sweep.t0 - indexed.tolerance;
    const clockHigh = sweep.clock.length > 0 ? Math.max(...sweep.clock) : sweep.t1 + indexed.tolerance;
    let least = 0;
    let most = 0;
    for (const register of keys.values()) {
      const latest = possibleLatest(register, sweep, indexed.tolerance);
      const effect = (w: Write) => w.effects.get(register.id);
      const mayBeExpired = (w: Write) => { const e = effect(w); return e?.kind === "put" && e.expiresFrom <= clockHigh; };
      const surelyExpired = (w: Write) => { const e = effect(w); return e?.kind === "put" && e.expiresBy <= clockLow; };
      if (latest.some(mayBeExpired)) most++;
      // Certainly there: the one possible latest write, completed before the sweep, untouched by any other deleter.
      const only = latest.length === 1 ? latest[0]! : undefined;
      if (only === undefined || !surelyExpired(only) || !(only.t1 + indexed.tolerance < sweep.t0)) continue;
      const raced = deleters.some(
        (d) => d !== sweep && mayDelete(d, register.id) && d.t0 <= sweep.t1 + indexed.tolerance && d.t1 + indexed.tolerance >= only.t0,
      );
      if (!raced) least++;
    }
    if (count < least || count > most) {
      failures.add(`${sweep.proc}#${sweep.seq} ${describeOp(sweep.op)} [${at(sweep.t0, indexed.origin)}, ${at(sweep.t1, indexed.origin)}] returned ${count}; the history allows ${least} to ${most}`);
    }
  }
  return failures.outcome();
}
