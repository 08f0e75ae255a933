// The lazy-expiry race: one process reads an expired entry (and deletes it) while another rewrites the key.
// A delete based on the stale read must not remove the fresh value: every later read that can only see the
// fresh write, before its expiry, returns it. Counts how many such races the history holds.
import { observationText, writeText } from "./describe.ts";
import { Failures } from "./failures.ts";
import { INITIAL, type HistoryIndex, type Observation, type Write } from "./history-index.ts";
import { possibleLatest, producers, registers } from "./registers.ts";
import type { CheckOutcome } from "../scenario.ts";

/** An absent read that only expiry explains: every write that could have left the key absent is an expired put. */
function sawExpired(sources: Write[], o: Observation): boolean {
  return o.kind === "absent" && sources.length > 0 && sources.every((w) => w !== INITIAL && w.effects.get(o.key)?.kind === "put");
}

export function freshWritesSurviveLazyExpiry(indexed: HistoryIndex): CheckOutcome {
  const failures = new Failures();
  const tolerance = indexed.tolerance;
  for (const register of registers(indexed).values()) {
    const expiredReads = register.observations.filter((o) => sawExpired(producers(register, o, tolerance), o));
    for (const fresh of register.writes) {
      const effect = fresh.effects.get(register.id);
      if (effect?.kind !== "put") continue;
      const race = expiredReads.find((r) => r.t0 <= fresh.t1 + tolerance && fresh.t0 <= r.t1 + tolerance);
      if (race === undefined) continue;
      failures.checked++;
      for (const later of register.observations) {
        if (later.t0 <= fresh.t1 + tolerance || effect.expiresFrom <= later.clockHigh) continue;
        const latest = possibleLatest(register, later, tolerance);
        if (latest.length !== 1 || latest[0] !== fresh) continue;
        if (!producers(register, later, tolerance).includes(fresh)) {
          failures.add(`${observationText(indexed, later)}: lost the fresh value of ${writeText(indexed, fresh, register.id)}, written while ${observationText(indexed, race)}`);
        }
      }
    }
  }
  return failures.outcome();
}
