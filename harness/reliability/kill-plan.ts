// The kill-point campaign's writers: what each kind writes, so that what survived can be checked
// against what was acknowledged.
import { seededRng } from "../shared/rng.ts";

export const KILL_MODES = ["set", "batch", "sweep", "lazy"] as const;
export type KillMode = (typeof KILL_MODES)[number];

/** What a writer is doing when it dies; "lazy" is the delete a get of an expired entry makes. */
export const PHASES = ["idle", "set", "batch", "sweep", "lazy", "migrate", "upgrade"] as const;
export type Phase = (typeof PHASES)[number];

export type KillWriterJob = {
  path: string;
  mode: KillMode | "churn" | "migrate" | "upgrade" | "evict";
  /** migrate: the level-cache directory to copy in. */
  source?: string;
  ns: string;
  seed: number;
  durability?: "process" | "fsync";
  /** Set: the writer's own thread SIGKILLs it this long after the cache opened (upgrade: after the open began; evict: after its writes passed the bound). */
  killAfterUs?: number;
  expiredPerRound?: number;
  /** churn: keys k0..k<keySpace-1> overwritten in turn, with values padded by valueBytes (evict: new keys evictKey(n)). */
  keySpace?: number;
  valueBytes?: number;
  ratePerSecond?: number;
  /** evict: the cache's maxSizeBytes, with eviction "lru". */
  boundBytes?: number;
};

export const liveKey = (n: number) => `l${n}`;
export const groupKey = (n: number, i: number) => `g${n}/${i}`;
export const expiredKey = (n: number, i: number) => `x${n}/${i}`;
/** Zero-padded, so that the keys sort in the order they were written. */
export const evictKey = (n: number) => `e${String(n).padStart(9, "0")}`;
export const evictValue = (n: number, valueBytes: number) => ({ n, pad: "v".repeat(valueBytes) });

/** Batch sizes: half small, half large enough to hold the write lock for milliseconds. */
export function batchSize(seed: number, n: number): number {
  const rng = seededRng((seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  return rng.next() < 0.5 ? rng.int(1, 8) : rng.int(200, 3000);
}

/** The last write a writer acknowledged: its iteration and which step of it. */
export type LastAck = { n: number; what: string } | undefined;

export type WriterCheck = {
  /** Acknowledged writes looked for. */
  checked: number;
  /** Acknowledged writes missing or changed after the kill. */
  lost: string[];
  /** Batches present in part. */
  torn: string[];
  /** Entries that no acknowledged or in-flight write could have made, or expired entries served. */
  unexpected: string[];
};

const isAcked = (last: LastAck, n: number, what: string, order: readonly string[]) =>
  last !== undefined && (n < last.n || (n === last.n && order.indexOf(what) <= order.indexOf(last.what)));

const STEPS = { sweep: ["expired", "set", "sweep"], lazy: ["expired", "set", "lazy"] } as const;

/**
 * Checks what a killed writer's namespace holds (every entry, as entries() yields it) against what it
 * acknowledged. The write in flight at the kill may or may not be there, but whole or not at all.
 */
export function checkWriter(mode: KillMode, last: LastAck, entries: ReadonlyArray<[string, unknown]>): WriterCheck {
  const found = new Map(entries);
  const result: WriterCheck = { checked: 0, lost: [], torn: [], unexpected: [] };
  const lastN = last?.n ?? -1;
  const valueIs = (key: string, n: number) => (found.get(key) as { n?: unknown } | undefined)?.n === n;
  if (mode === "set") {
    for (let n = 0; n <= lastN; n++) {
      result.checked++;
      if (!valueIs(liveKey(n), n)) result.lost.push(liveKey(n));
    }
    for (const [key, value] of found) {
      const n = Number(key.slice(1));
      if (!key.startsWith("l") || n > lastN + 1 || (value as { n?: unknown }).n !== n) result.unexpected.push(key);
    }
    return result;
  }
  if (mode === "batch") {
    const groups = new Map<number, { count: number; size: number }>();
    for (const [key, value] of found) {
      if (key === "head") continue;
      const match = /^g(\d+)\/(\d+)$/.exec(key);
      const { n, size } = value as { n: number; size: number };
      if (match === null || Number(match[1]) !== n || n > lastN + 1) {
        result.unexpected.push(key);
        continue;
      }
      const group = groups.get(n) ?? { count: 0, size };
      group.count++;
      groups.set(n, group);
    }
    for (const [n, group] of groups) if (group.count !== group.size) result.torn.push(`batch ${n}: ${group.count} of ${group.size}`);
    for (let n = 0; n <= lastN; n++) {
      result.checked++;
      if (!groups.has(n)) result.lost.push(`batch ${n}`);
    }
    const head = (found.get("head") as { n?: number } | undefined)?.n;
    if (lastN >= 0 && (head === undefined || head < lastN || head > lastN + 1)) result.lost.push(`head ${String(head)} after ack ${lastN}`);
    return result;
  }
  for (let n = 0; n <= lastN; n++) {
    if (!isAcked(last, n, "set", STEPS[mode])) continue;
    result.checked++;
    if (!valueIs(liveKey(n), n)) result.lost.push(liveKey(n));
  }
  for (const key of found.keys()) {
    if (key.startsWith("x")) result.unexpected.push(`expired ${key} served`);
    else if (!key.startsWith("l") || Number(key.slice(1)) > lastN + 1) result.unexpected.push(key);
  }
  return result;
}
