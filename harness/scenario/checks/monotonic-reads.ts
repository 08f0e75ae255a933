// Per process and key, reads never go back in time: a read may not return a state whose every possible
// source was replaced, before it was ever written, by every possible source of the process's previous read.
import { observationText } from "./describe.ts";
import { Failures } from "./failures.ts";
import type { HistoryIndex, Observation } from "./history-index.ts";
import { type RegisterOf, perKey, precedes, producers, registers } from "./registers.ts";
import type { CheckOutcome } from "../scenario.ts";

export function monotonicReads(indexed: HistoryIndex, options: { registerOf?: RegisterOf } = {}): CheckOutcome {
  const failures = new Failures();
  for (const register of registers(indexed, options.registerOf ?? perKey).values()) {
    const byProcess = new Map<string, Observation[]>();
    for (const o of register.observations) {
      let list = byProcess.get(o.record.proc);
      if (list === undefined) byProcess.set(o.record.proc, (list = []));
      list.push(o);
    }
    for (const list of byProcess.values()) {
      list.sort((a, b) => a.record.seq - b.record.seq);
      let previous: { o: Observation; sources: ReturnType<typeof producers> } | undefined;
      for (const o of list) {
        const sources = producers(register, o, indexed.tolerance);
        if (sources.length === 0) continue;
        if (previous !== undefined && previous.o.record.seq !== o.record.seq) {
          failures.checked++;
          const before = previous.sources;
          const back = sources.every((s) => before.every((b) => s !== b && precedes(s, b, indexed.tolerance)));
          if (back) {
            failures.add(`${observationText(indexed, o)} went back in time: the same process had already seen the later state in ${observationText(indexed, previous.o)} (sources ${sources.map((s) => s.id).join(", ")} all completed before ${before.map((b) => b.id).join(", ")} began)`);
          }
        }
        previous = { o, sources };
      }
    }
  }
  return failures.outcome();
}
