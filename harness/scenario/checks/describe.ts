// Words for failure messages: which operation, when, and what it saw or wrote.
import { describeOp, splitKeyId } from "../operations.ts";
import { preview } from "../generator/values.ts";
import { at } from "./failures.ts";
import { INITIAL, type HistoryIndex, type Observation, type Write } from "./history-index.ts";

export function keyText(id: string): string {
  const { namespace, key } = splitKeyId(id);
  const short = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 20)}…(${text.length})` : text);
  return namespace ? `${short(key)} in namespace ${short(namespace)}` : short(key);
}

export function seen(observation: Observation): string {
  if (observation.kind === "value") return `value ${preview(observation.value)}`;
  return observation.kind;
}

export function observationText(indexed: HistoryIndex, o: Observation): string {
  const { proc, seq, op } = o.record;
  return `${proc}#${seq} ${describeOp(op)} [${at(o.t0, indexed.origin)}, ${at(o.t1, indexed.origin)}] saw ${seen(o)} for ${keyText(o.key)}`;
}

export function writeText(indexed: HistoryIndex, write: Write, key?: string): string {
  if (write === INITIAL) return "the initial empty state";
  const effect = key === undefined ? undefined : write.effects.get(key);
  let what = "";
  if (effect?.kind === "absent") what = " deleted it";
  if (effect?.kind === "put") {
    what = ` put ${preview(effect.value)}`;
    if (effect.expiresBy !== Infinity) what += ` expiring at ${at(effect.expiresFrom, indexed.origin)}`;
  }
  const pending = write.record?.outcome === "pending" ? " (killed before acknowledging)" : "";
  return `${write.id} ${write.record === undefined ? "" : describeOp(write.record.op)} [${at(write.t0, indexed.origin)}, ${at(write.t1, indexed.origin)}]${what}${pending}`;
}
