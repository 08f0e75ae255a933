// A register is what one sequence of writes governs: a single key, or a group of keys that are only ever
// written together (each write sets every key of the group). Reads of a register must agree with some
// order of its writes that respects real time.
import { INITIAL, type HistoryIndex, type Observation, type Write } from "./history-index.ts";

export type Register = { id: string; writes: Write[]; observations: Observation[] };

/** Maps a key id to its register; by default every key is its own register. */
export type RegisterOf = (key: string) => string;

export const perKey: RegisterOf = (key) => key;

export function registers(indexed: HistoryIndex, registerOf: RegisterOf = perKey): Map<string, Register> {
  const out = new Map<string, Register>();
  const get = (id: string) => {
    let register = out.get(id);
    if (register === undefined) out.set(id, (register = { id, writes: [], observations: [] }));
    return register;
  };
  for (const write of indexed.writes) {
    const ids = new Set([...write.effects.keys()].map(registerOf));
    for (const id of ids) get(id).writes.push(write);
  }
  for (const observation of indexed.observations) get(registerOf(observation.key)).observations.push(observation);
  return out;
}

/** `a` completed before `b` was invoked, by more than the clock tolerance. */
export function precedes(a: { t1: number }, b: { t0: number }, tolerance: number): boolean {
  return a.t1 + tolerance < b.t0;
}

/**
 * The writes that could be the latest of the register when the operation took effect: not invoked after it
 * completed, and not superseded (followed by another write that completed before the operation was invoked).
 * The initial empty state is among them until some write completes before the operation.
 */
export function possibleLatest(register: Register, op: { t0: number; t1: number }, tolerance: number): Write[] {
  let latestStart = -Infinity;
  let anyBefore = false;
  for (const write of register.writes) {
    if (precedes(write, op, tolerance)) {
      anyBefore = true;
      latestStart = Math.max(latestStart, write.t0);
    }
  }
  const out = anyBefore ? [] : [INITIAL];
  for (const write of register.writes) {
    if (write.t0 <= op.t1 + tolerance && !(write.t1 + tolerance < latestStart)) out.push(write);
  }
  return out;
}

/** Whether the state a write left can explain what the observation saw of its key. */
export function explains(write: Write, observation: Observation): boolean {
  if (write === INITIAL) return observation.kind === "absent";
  const effect = write.effects.get(observation.key);
  if (effect === undefined) return false;
  switch (observation.kind) {
    case "value":
      return effect.kind === "put" && effect.canon === observation.canon;
    case "present":
      return effect.kind === "put" && effect.expiresBy > observation.clockLow;
    case "absent":
      // Expired by the reader's own clock, or deleted by another process whose clock ran up to `tolerance` ahead.
      return effect.kind === "absent" || effect.expiresFrom <= observation.clockHigh;
  }
}

/** The possible latest writes that explain the observation; empty means no order of the writes allows it. */
export function producers(register: Register, observation: Observation, tolerance: number): Write[] {
  return possibleLatest(register, observation, tolerance).filter((write) => explains(write, observation));
}
