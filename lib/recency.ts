import type { RootDatabase } from "./engine/index.ts";
import { countIndexed } from "./expiry-index.ts";
import { ACCESS_VALUE_BYTES, accessKey, RECENCY_COUNT_KEY, RECENCY_INDEX, recencyKey, readRecencyKey } from "./keys.ts";

// Recency for least-recently-used eviction, without making a read a write. An open that evicts by
// recency remembers the keys it reads (and writes) with the time of use, in memory, and writes their
// access records in batches: inside the next put's write transaction, before an eviction, or from an
// unref'd timer (lib/core.ts write). A stored time is rewritten only when the new one is later by at
// least the precision: an eighth of the age of the least recently used entry (the horizon eviction
// works at), so that a key read often costs a write per precision at most, and the order is as fine
// as eviction needs it. What is lost: uses closer together than the precision, times still in memory
// when the process dies, and reads of other processes not yet written.

type Db = RootDatabase<Buffer, Buffer>;

/** Bounds of the precision: no finer than this (hot keys of a fast-churning cache), */
const MIN_PRECISION_MS = 10;
/** and no coarser than this (a cache that keeps entries for hours). */
const MAX_PRECISION_MS = 60_000;
/** The precision until an open has looked at the recency index. */
export const FIRST_PRECISION_MS = 1000;
/**
 * Read keys an open remembers between two writes of them; reads of further keys go unrecorded
 * meanwhile. Few, so that the writes stay a small part of the reads' cost however fine the precision:
 * the keys read most are the likeliest to be among the first read after a flush, and so recorded.
 */
const PENDING_KEYS = 256;
/** The longest a read's time waits in memory when the open writes nothing else. */
const MAX_FLUSH_MS = 1000;

const EMPTY = Buffer.alloc(0);

/** The stored time of an access record. */
export function accessTime(record: Buffer): number {
  return record.readDoubleLE(0);
}

/** Within a write transaction: the entry under `stored` was used at `at`; its records move along if they name a time earlier by `precision` or more. */
export function touch(db: Db, stored: Buffer, at: number, precision: number): void {
  const access = accessKey(stored);
  const before = db.getBinary(access);
  const known = before === undefined ? undefined : accessTime(before);
  if (known !== undefined && at - known < precision) return;
  const time = Buffer.allocUnsafe(ACCESS_VALUE_BYTES);
  time.writeDoubleLE(at, 0);
  db.putSync(access, time);
  db.putSync(recencyKey(at, stored), EMPTY);
  if (known === undefined) countIndexed(db, 2, RECENCY_COUNT_KEY);
  else db.removeSync(recencyKey(known, stored));
}

/** Within a write transaction that removes the entry under `stored`: its access and recency index records go too. */
export function forget(db: Db, stored: Uint8Array): void {
  const access = accessKey(stored);
  const before = db.getBinary(access);
  if (before === undefined) return;
  db.removeSync(access);
  countIndexed(db, db.removeSync(recencyKey(accessTime(before), stored)) ? -2 : -1, RECENCY_COUNT_KEY);
}

/** Within a read or write transaction: an eighth of the age of the least recently used entry, within bounds. */
function precisionAt(db: Db, now: number): number {
  for (const key of db.getKeys({ ...RECENCY_INDEX, limit: 1 })) {
    return Math.min(MAX_PRECISION_MS, Math.max(MIN_PRECISION_MS, (now - readRecencyKey(key).time) / 8));
  }
  return FIRST_PRECISION_MS;
}

/** The keys one open used since it last wrote their times. */
export class Recency {
  private pending = new Map<string, number>();
  /** The times the write transaction in progress writes: kept if it commits, remembered again if it is undone. */
  private flushing: Map<string, number> | undefined;
  /** The time last written per key, so that a hot key is not queued again within the precision. */
  private readonly written = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  /** As a flush last found it, at the time in `precisionFound`. */
  private precision = FIRST_PRECISION_MS;
  private precisionFound = -Infinity;

  /** `flushAlone` runs a write transaction of its own (which calls flushInto): for an open that writes nothing else. */
  constructor(private readonly flushAlone: () => void) {}

  /** A use of the entry under `stored` at `now`: remembered, never written here. A write's own key is always kept. */
  saw(stored: Buffer, now: number, writing = false): void {
    const id = stored.toString("latin1");
    if (!writing) {
      const last = this.pending.get(id) ?? this.written.get(id);
      if (last !== undefined && now - last < this.precision) return;
      if (this.pending.size >= PENDING_KEYS && !this.pending.has(id)) return;
    }
    this.pending.set(id, now);
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flushAlone();
    }, Math.min(MAX_FLUSH_MS, this.precision)).unref();
  }

  /** Within a write transaction: writes the remembered times of the entries that are still there. */
  flushInto(db: Db, now: number): void {
    if (this.pending.size === 0) return;
    // Finding it opens a cursor on the index, which cost a put with recency half its time; it changes
    // slowly (it follows the age of the oldest entry), so it is found again once per precision.
    if (now - this.precisionFound >= this.precision || now < this.precisionFound) {
      this.precision = precisionAt(db, now);
      this.precisionFound = now;
    }
    for (const [id, at] of this.pending) {
      const stored = Buffer.from(id, "latin1");
      if (db.getBinaryFast(stored) !== undefined) touch(db, stored, at, this.precision);
    }
    this.flushing = this.pending;
    this.pending = new Map();
  }

  /** After the write transaction that flushed: whether it committed. */
  settle(committed: boolean): void {
    const flushed = this.flushing;
    if (flushed === undefined) return;
    this.flushing = undefined;
    if (committed) {
      if (this.written.size > 64 * PENDING_KEYS) this.written.clear();
      for (const [id, at] of flushed) this.written.set(id, at);
    } else {
      for (const [id, at] of flushed) if (!this.pending.has(id)) this.pending.set(id, at);
      this.schedule();
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
