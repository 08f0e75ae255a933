import type { RootDatabase } from "./engine/index.ts";
import { type Core, flushRecency, peek, removeEntry, write } from "./core.ts";
import { expiryOfRecord } from "./codec.ts";
import { countIndexed } from "./expiry-index.ts";
import { accessKey, ALL_ENTRIES, expiredUpTo, readExpiryKey, readRecencyKey, RECENCY_INDEX } from "./keys.ts";
import { accessTime, forget } from "./recency.ts";
import { liveBytes } from "./size-bound.ts";
import type { Eviction } from "./types.ts";

// What a bounded cache deletes when a put would pass its bound (docs/eviction.md): expired entries
// first, through the expiry index; then, by policy, entries no open has recorded a use of and the
// least recently used ("lru"), or those that expire soonest ("expiry-first"). Deletes go in write
// transactions of at most EVICT_CHUNK records, the event loop turning between them, until the pages
// in use are down to the low-water mark.

type Db = RootDatabase<Buffer, Buffer>;

export const EVICTIONS: readonly Eviction[] = ["lru", "expiry-first", "none"];

/** Records read (and at most deleted) per write transaction of a sweep or an eviction. */
const EVICT_CHUNK = 256;
/** Entries the search for untracked ones reads per eviction: its cost stays bounded when every entry is tracked. */
const UNTRACKED_SCAN = 4 * EVICT_CHUNK;

/**
 * Bytes an eviction still means to delete, counted as the stored keys and records it deletes: a
 * transaction stops there, so that a chunk of large entries does not go all at once.
 */
type Budget = { bytes: number };

/** Within a write transaction: the entry under `stored` goes, with its expiry index and recency records, counted against the budget. */
function evictEntry(db: Db, stored: Buffer, budget: Budget): number {
  const record = peek(db, stored);
  if (record === undefined) {
    forget(db, stored);
    return 0;
  }
  budget.bytes -= stored.length + record.length;
  return removeEntry(db, stored, expiryOfRecord(record));
}

/**
 * Within a write transaction: the entries named by the first `limit` index records of entries expired
 * by `now`, each deleted if it still has the expiry its index record names (an entry rewritten since
 * has another index record, and survives); every index record read goes, so the next chunk starts at
 * the index's start again. Returns how many entries went, and whether the index may hold more.
 */
export function sweepChunk(db: Db, now: number, limit: number, budget: Budget = { bytes: Infinity }): { deleted: number; more: boolean } {
  const seen = [...db.getKeys({ ...expiredUpTo(now), limit })];
  let deleted = 0;
  let read = 0;
  for (const key of seen) {
    if (budget.bytes <= 0) break;
    read++;
    const { expiry, stored } = readExpiryKey(key);
    const record = peek(db, stored);
    // A damaged record has no expiry a sweep could trust: it is left for get, entries and del to report.
    if (expiryOfRecord(record) === expiry) {
      budget.bytes -= stored.length + record!.length;
      db.removeSync(stored);
      forget(db, stored);
      deleted++;
    }
    db.removeSync(key);
  }
  countIndexed(db, -read);
  return { deleted, more: seen.length === limit || read < seen.length };
}

/** Within a write transaction: the least recently used entries by the recency index; stale index records go uncounted. */
function leastRecentChunk(db: Db, budget: Budget): boolean {
  const seen = [...db.getKeys({ ...RECENCY_INDEX, limit: EVICT_CHUNK })];
  let indexed = 0;
  for (const key of seen) {
    if (budget.bytes <= 0) return true;
    const { time, stored } = readRecencyKey(key);
    const access = db.getBinary(accessKey(stored));
    if (access !== undefined && accessTime(access) === time) indexed += evictEntry(db, stored, budget);
    else db.removeSync(key);
  }
  countIndexed(db, indexed);
  return seen.length === EVICT_CHUNK;
}

/** Where the search for untracked entries goes on; one per open. */
export type Hand = { next: Buffer };

export function newHand(): Hand {
  return { next: ALL_ENTRIES.start };
}

/**
 * Within a write transaction: entries with no access record (written and read only by opens that
 * keep no recency, or before eviction was turned on) among the next UNTRACKED_SCAN from the hand.
 */
function untrackedChunk(db: Db, hand: Hand, budget: Budget): void {
  const doomed: Buffer[] = [];
  let read = 0;
  for (const key of db.getKeys({ start: hand.next, end: ALL_ENTRIES.end, limit: UNTRACKED_SCAN })) {
    read++;
    hand.next = Buffer.concat([key, Buffer.from([0x00])]);
    if (db.getBinary(accessKey(key)) === undefined) doomed.push(Buffer.from(key));
    if (doomed.length === EVICT_CHUNK) break;
  }
  if (read < UNTRACKED_SCAN && doomed.length < EVICT_CHUNK) hand.next = ALL_ENTRIES.start;
  let indexed = 0;
  for (const stored of doomed) {
    if (budget.bytes <= 0) break;
    indexed += evictEntry(db, stored, budget);
  }
  countIndexed(db, indexed);
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Deletes by `policy` until the pages in use are at most `target` bytes, or nothing the policy may
 * delete is left. Returns whether the target was reached.
 */
export async function evict(core: Core, policy: Exclude<Eviction, "none">, hand: Hand, target: number): Promise<boolean> {
  const { db } = core;
  const now = core.now();
  // The uses this open has in memory count before anything is chosen; the deletes below write none.
  flushRecency(core);
  const budget = { bytes: 0 };
  // Whether the pages in use are down to the target; if not, the bytes to delete before looking again.
  const below = () => {
    db.resetReadTxn();
    budget.bytes = liveBytes(db) - target;
    return budget.bytes <= 0;
  };
  const steps: Array<() => boolean> =
    policy === "lru"
      ? [
          () => sweepChunk(db, now, EVICT_CHUNK, budget).more,
          () => (untrackedChunk(db, hand, budget), false),
          () => leastRecentChunk(db, budget),
        ]
      : [() => sweepChunk(db, now, EVICT_CHUNK, budget).more, () => sweepChunk(db, Infinity, EVICT_CHUNK, budget).more];
  for (const step of steps) {
    for (let more = true; more; ) {
      if (below()) return true;
      more = write(core, step);
      await turn();
    }
  }
  return below();
}
