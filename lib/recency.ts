import type { RootDatabase } from "./engine/index.ts";
import { countIndexed } from "./expiry-index.ts";
import { accessKey, RECENCY_COUNT_KEY, recencyKey } from "./keys.ts";

// Recency for least-recently-used eviction, without making a read a write. An open that evicts by
// recency remembers the keys it reads (and writes) with a coarse time, in memory, and writes their
// access records in batches: inside the next write transaction it runs anyway, or from an unref'd
// timer. A stored time is rewritten only when the new one is later, so a key read often costs one
// write per tick at most. What is lost: times finer than a tick, times still in memory when the
// process dies, and reads of other processes not yet written.

type Db = RootDatabase<Buffer, Buffer>;

/** Access times are kept to this granularity: a key read many times within a tick is written at most once. */
export const RECENCY_TICK_MS = 1000;
/** Read keys an open remembers between two writes of them; reads of further keys go unrecorded meanwhile. */
const PENDING_KEYS = 4096;
/** The longest a read's time waits in memory when the open writes nothing else. */
const FLUSH_MS = 1000;

const EMPTY = Buffer.alloc(0);

export function tickOf(now: number): number {
  return Math.floor(now / RECENCY_TICK_MS);
}

/** The stored time of an access record. */
export function accessTime(record: Buffer): number {
  return record.readDoubleLE(0);
}

/** Within a write transaction: the entry under `stored` was used at `tick`; its records move along if they name an earlier one. */
export function touch(db: Db, stored: Buffer, tick: number): void {
  const access = accessKey(stored);
  const before = db.getBinary(access);
  const known = before === undefined ? undefined : accessTime(before);
  if (known !== undefined && known >= tick) return;
  const time = Buffer.allocUnsafe(8);
  time.writeDoubleLE(tick, 0);
  db.putSync(access, time);
  db.putSync(recencyKey(tick, stored), EMPTY);
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

/** The keys one open used since it last wrote their times. */
export class Recency {
  private readonly pending = new Map<string, number>();
  /** The tick last written per key, so that a hot key is not queued again within its tick. */
  private readonly written = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  /** `flushAlone` runs a write transaction of its own (which calls flushInto): for an open that writes nothing else. */
  constructor(private readonly flushAlone: () => void) {}

  /** A use of the entry under `stored` at `now`: remembered, never written here. A write's own key is always kept. */
  saw(stored: Buffer, now: number, writing = false): void {
    const tick = tickOf(now);
    const id = stored.toString("latin1");
    if (this.pending.get(id) === tick || (!writing && this.written.get(id) === tick)) return;
    if (!writing && this.pending.size >= PENDING_KEYS && !this.pending.has(id)) return;
    this.pending.set(id, tick);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flushAlone();
    }, FLUSH_MS).unref();
  }

  /** Within a write transaction: writes the remembered times of the entries that are still there. */
  flushInto(db: Db): void {
    if (this.pending.size === 0) return;
    if (this.written.size > 4 * PENDING_KEYS) this.written.clear();
    for (const [id, tick] of this.pending) {
      const stored = Buffer.from(id, "latin1");
      if (db.getBinaryFast(stored) !== undefined) touch(db, stored, tick);
      this.written.set(id, tick);
    }
    this.pending.clear();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
