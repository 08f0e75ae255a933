import type { RootDatabase } from "./engine/index.ts";
import { decodePayload, expiryOfRecord, isPlainPayload, readHead } from "./codec.ts";
import { closedError } from "./checks.ts";
import { clearDeadReaders, type SharedEnv } from "./env.ts";
import { CacheError, engineFailure } from "./errors.ts";
import { countIndexed, reindex } from "./expiry-index.ts";
import type { StoredKey } from "./keys.ts";
import { MISS, type ReadCache, type ReadSpace } from "./read-cache.ts";
import { forget, type Recency } from "./recency.ts";
import { OverBound, putFootprint, type SizeBound } from "./size-bound.ts";
import { isExpired } from "./ttl.ts";
import type { Millis, ValueCodec } from "./types.ts";

// What the views of one open share, and the reads and writes every member is made of.

/** What every view of one open shares: the environment, the settings, and whether it was closed. */
export type Core = {
  readonly env: SharedEnv;
  readonly db: RootDatabase<Buffer, Buffer>;
  readonly now: () => number;
  readonly codec: ValueCodec;
  /** Payloads longer than this are compressed. */
  readonly compressAbove: number;
  readonly defaultTtl: Millis | undefined;
  readonly bound: SizeBound | undefined;
  /** Uses of entries not yet written, with "lru" eviction; undefined otherwise. */
  readonly recency: Recency | undefined;
  /** Decoded values of records read more than once; undefined when turned off. */
  readonly reads: ReadCache | undefined;
  closed: boolean;
  /** This open's counts, for stats(). */
  readonly counts: Counts;
  /** getOrSet calls of this open in progress, by stored key: later calls for the key share them. */
  readonly pending: Map<string, Promise<unknown>>;
  /** Claims this open holds, by lease key (latin1) to token: released at close. */
  readonly claims: Map<string, number>;
};

export type Counts = { hits: number; misses: number; sets: number; deletes: number; expiredOnRead: number; computes: number };

export function newCounts(): Counts {
  return { hits: 0, misses: 0, sets: 0, deletes: 0, expiredOnRead: 0, computes: 0 };
}

// Each fresh snapshot makes lmdb-js schedule a timer. A loop of awaited gets that never lets the event
// loop turn would pile those timers up without bound (a million gets, a million timers), so every so
// many gets one of them waits for a turn of the event loop, and the timers run.
const READS_PER_TURN = 1024;
let readsSinceTurn = 0;

/** Once every READS_PER_TURN reads: a promise of the event loop's next turn, to be awaited. */
export function dueTurn(): Promise<void> | undefined {
  if (++readsSinceTurn < READS_PER_TURN) return undefined;
  readsSinceTurn = 0;
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * The record under a stored key, as a view of lmdb-js's reused read buffer: valid until the next read.
 * (That buffer reports its length through an own property, so it is cut to a plain view first.)
 */
export function peek(db: RootDatabase<Buffer, Buffer>, stored: Buffer): Buffer | undefined {
  const record = db.getBinaryFast(stored);
  return record === undefined ? undefined : record.subarray(0, record.length);
}

export function checkOpen(core: Core): void {
  if (core.closed) throw closedError();
}

/** An engine error seen after close() is the close's doing; any other is an I/O failure. */
export function engineError(core: Core, error: unknown): CacheError {
  return engineFailure(error, core.closed ? "CACHE_CLOSED" : "CACHE_IO", "storage engine failed");
}

/**
 * Runs `work` in a write transaction. `adds`: a transaction that may add pages (a put's, a flush of
 * recency): it also writes the access times this open has in memory, and is undone with OverBound if
 * it leaves the pages in use past the bound (putWrite). The others only delete, or write a claim, and
 * so need no room.
 */
export function write<R>(core: Core, work: () => R, adds = false): R {
  const { recency, db, bound } = core;
  try {
    clearDeadReaders(core.env);
    const result = db.transactionSync(() => {
      const done = work();
      if (adds) {
        recency?.flushInto(db, core.now());
        bound?.check();
      }
      return done;
    });
    recency?.settle(true);
    return result;
  } catch (error) {
    recency?.settle(false);
    if (error instanceof OverBound) throw error;
    throw engineError(core, error);
  }
}

/** An entry a put writes: its stored key, its record, and its expiry. */
export type Put = { readonly stored: Buffer; readonly record: Buffer; readonly expiry: number | undefined };

/**
 * A put's write transaction, within the bound: room is made ahead of it from the estimate of what its
 * entries add, and a put that still leaves the pages in use past the bound is undone, makes room for
 * what it added and runs again; CACHE_FULL when no room can be made. The entries' keys are recorded
 * as used (for "lru") just before each run, so that no eviction meanwhile flushes their use while
 * they are not there yet.
 */
export async function putWrite<R>(core: Core, puts: readonly Put[], work: () => R): Promise<R> {
  const { bound, recency } = core;
  let bytes = 0;
  if (bound !== undefined) for (const { stored, record, expiry } of puts) bytes += putFootprint(stored, record, expiry !== undefined, recency !== undefined);
  let room = bound?.admit(bytes);
  for (;;) {
    if (room !== undefined) {
      await room;
      checkOpen(core);
    }
    if (recency !== undefined) {
      const now = core.now();
      for (const { stored } of puts) recency.saw(stored, now, true);
    }
    try {
      return write(core, work, true);
    } catch (error) {
      if (!(error instanceof OverBound)) throw error;
      room = bound!.afterOver(error, bytes);
    }
  }
}

/**
 * Writes the access times this open has in memory, in a write transaction of their own; a failure
 * leaves them to the next one. Checked against the bound as a put is: a flush that would pass it waits
 * for the next put's eviction to make room.
 */
export function flushRecency(core: Core): void {
  if (core.closed) return;
  try {
    write(core, () => undefined, true);
  } catch {
    // Lost times make eviction less exact, nothing more.
  }
}

/**
 * Within a write transaction, before a write to a slot: a hashed slot may only be taken by the key it
 * was hashed from. Returns the expiry of the record the write replaces, for the expiry index.
 */
export function claimSlot(db: RootDatabase<Buffer, Buffer>, key: StoredKey): number | undefined {
  const current = peek(db, key.stored);
  if (current === undefined) return undefined;
  if (key.full !== undefined) {
    const owner = readHead(current).full;
    if (owner === undefined || !owner.equals(key.full)) {
      throw new CacheError("CACHE_KEY_COLLISION", "two long keys share a hashed slot; the write was refused");
    }
  }
  return expiryOfRecord(current);
}

/** The slot holds this exact key (always true for inline keys, checked for hashed ones). */
export function ownsSlot(key: StoredKey, full: Buffer | undefined): boolean {
  return key.full === undefined || (full !== undefined && full.equals(key.full));
}

/**
 * Within a write transaction: removes the entry under `stored`, whose record had `expiry`, with its
 * expiry index and recency records. Returns the change in the number of index records, for countIndexed.
 */
export function removeEntry(db: RootDatabase<Buffer, Buffer>, stored: Buffer, expiry: number | undefined): number {
  db.removeSync(stored);
  forget(db, stored);
  return reindex(db, stored, expiry, undefined);
}

/** Delete an expired entry (and its index record) only if it is still byte for byte what was read: a fresh write survives. */
export function deleteIfUnchanged(core: Core, stored: Buffer, seen: Buffer): boolean {
  const { db } = core;
  return db.transactionSync(() => {
    const current = peek(db, stored);
    if (current === undefined || !current.equals(seen)) return false;
    countIndexed(db, removeEntry(db, stored, expiryOfRecord(seen)));
    return true;
  });
}

export function expireQuietly(core: Core, stored: Buffer, seen: Buffer): void {
  try {
    deleteIfUnchanged(core, stored, seen);
  } catch {
    // The entry reads as missing either way; a later read or sweep retries the delete.
  }
}

/** Where reads that are not counted count. */
const uncounted = newCounts();

/** A live entry that a read found: its value and its expiry. */
export type Found = { value: unknown; expiry: number | undefined };

/**
 * The live entry under a key, from a fresh snapshot (a write another process finished before this
 * call is seen); an expired one is deleted if unchanged, and reads as missing. A caller's read is
 * counted in stats(); getOrSet's looks while it waits are not.
 */
export function readEntry(core: Core, slot: StoredKey, key: string, kept: ReadSpace | undefined, counted: boolean): Found | undefined {
  try {
    return readEntryIn(core, slot, key, kept, counted);
  } finally {
    // The value is decoded: its snapshot goes now. lmdb-js would keep it until the event loop turns,
    // and while a loop of awaited calls runs, no process could reuse the pages freed after it.
    core.db.resetReadTxn();
  }
}

function readEntryIn(core: Core, slot: StoredKey, key: string, kept: ReadSpace | undefined, counted: boolean): Found | undefined {
  const { db } = core;
  const counts = counted ? core.counts : uncounted;
  let record: Buffer | undefined;
  try {
    db.resetReadTxn();
    record = peek(db, slot.stored);
  } catch (error) {
    throw engineError(core, error);
  }
  if (record === undefined) {
    counts.misses++;
    return undefined;
  }
  const head = readHead(record);
  if (!ownsSlot(slot, head.full)) {
    counts.misses++;
    return undefined;
  }
  const now = core.now();
  if (isExpired(head.expiry, now)) {
    counts.misses++;
    counts.expiredOnRead++;
    expireQuietly(core, slot.stored, Buffer.from(record));
    return undefined;
  }
  counts.hits++;
  core.recency?.saw(slot.stored, now);
  if (kept === undefined || !isPlainPayload(head)) return { value: decodePayload(record, head), expiry: head.expiry };
  const value = kept.hit(key, record);
  if (value !== MISS) return { value, expiry: head.expiry };
  return { value: kept.remember(key, record, decodePayload(record, head)), expiry: head.expiry };
}
