// What a cache bounded with eviction holds to: its sampled size stays within the bound (pages in use)
// and its data file stops growing once the bound is reached; the keys read most often stay cached.
import type { GetResult, History, OpRecord, SizeResult } from "../history.ts";
import { keyId, namespaceOf } from "../operations.ts";
import type { CheckOutcome } from "../scenario.ts";
import { Failures, at } from "./failures.ts";

const sizesOf = (history: History) =>
  history.records.filter((r): r is OpRecord & { result: SizeResult } => r.op.kind === "size" && r.outcome === "ok").sort((a, b) => a.t1 - b.t1);

/** Every sampled count of pages in use is at most `limit` bytes. */
export function liveBytesWithin(history: History, limit: number): CheckOutcome {
  const failures = new Failures();
  for (const r of sizesOf(history)) {
    failures.checked++;
    if (r.result.liveBytes > limit) failures.add(`${r.proc}#${r.seq} at ${at(r.t1, history.goAt)} saw ${r.result.liveBytes} bytes in use, over ${limit}`);
  }
  if (failures.checked === 0) failures.add("no size was sampled");
  return failures.outcome();
}

/**
 * The data file stops growing: every sample of its last third is at most the largest of the first two
 * thirds plus `step` (the engine's allocation step). A file that grew with what was written, freed
 * pages never reused, fails.
 */
export function fileStopsGrowing(history: History, step: number): CheckOutcome {
  const failures = new Failures();
  const samples = sizesOf(history);
  const early = samples.slice(0, Math.ceil((samples.length * 2) / 3));
  const peak = Math.max(...early.map((r) => r.result.fileBytes));
  for (const r of samples.slice(early.length)) {
    failures.checked++;
    if (r.result.fileBytes > peak + step) failures.add(`${r.proc}#${r.seq} at ${at(r.t1, history.goAt)} saw a ${r.result.fileBytes}-byte file, past ${peak} + ${step}`);
  }
  if (failures.checked === 0) failures.add("too few size samples to compare");
  return failures.outcome();
}

/**
 * Of the reads of `hot` keys (namespace and key, as keyId names them) invoked after a write of the key
 * had completed, at least `minRatio` found a value.
 */
export function hotKeysHit(history: History, hot: ReadonlySet<string>, minRatio: number): CheckOutcome & { ratio: number } {
  const failures = new Failures();
  const firstWritten = new Map<string, number>();
  for (const r of history.records) {
    if (r.op.kind !== "set" || r.outcome !== "ok") continue;
    const id = keyId(namespaceOf(r.op.ns), r.op.key);
    if (hot.has(id)) firstWritten.set(id, Math.min(firstWritten.get(id) ?? Infinity, r.t1));
  }
  let hits = 0;
  for (const r of history.records) {
    if (r.op.kind !== "get" || r.outcome !== "ok") continue;
    const id = keyId(namespaceOf(r.op.ns), r.op.key);
    if (!hot.has(id) || !(r.t0 > (firstWritten.get(id) ?? Infinity))) continue;
    failures.checked++;
    if ((r.result as GetResult).found) hits++;
  }
  const ratio = failures.checked === 0 ? 0 : hits / failures.checked;
  if (failures.checked === 0) failures.add("no read of a hot key after its first write");
  else if (ratio < minRatio) failures.add(`hot keys hit ${hits} of ${failures.checked} reads (${ratio.toFixed(3)}), under ${minRatio}`);
  return { ...failures.outcome(), ratio };
}
