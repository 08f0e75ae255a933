import type { RootDatabase } from "./engine/index.ts";
import { decodePayload, encodeRecord, expiryOrLive, isPlainPayload, readHead, withFullKey } from "./codec.ts";
import { clearDeadReaders, type SharedEnv, releaseEnv } from "./env.ts";
import { CacheError, engineFailure } from "./errors.ts";
import {
  ALL_ENTRIES,
  fullKey,
  isHashedKey,
  transientFullKey,
  logicalKey,
  MAX_INLINE_KEY,
  namespacePrefix,
  namespaceRange,
  type StoredKey,
  startsWith,
  storedKey,
} from "./keys.ts";
import { MISS, type ReadCache } from "./read-cache.ts";
import type { SizeBound } from "./size-bound.ts";
import { checkBatch, checkKey, checkLimit, closedError, nestedNamespace, preparePut } from "./checks.ts";
import { expiryOf, isExpired } from "./ttl.ts";
import type { Cache, Millis, ValueCodec } from "./types.ts";

/** What every view of one open shares: the environment, the settings, and whether it was closed. */
export type Core = {
  readonly env: SharedEnv;
  readonly db: RootDatabase<Buffer, Buffer>;
  readonly now: () => number;
  readonly codec: ValueCodec;
  readonly defaultTtl: Millis | undefined;
  readonly bound: SizeBound | undefined;
  /** Decoded values of records read more than once; undefined when turned off. */
  readonly reads: ReadCache | undefined;
  closed: boolean;
};

type RawEntry = { stored: Buffer; record: Buffer };

/** Expired entries are deleted in write transactions of at most this many, so writers are not held up. */
const SWEEP_CHUNK = 1000;

// Each fresh snapshot makes lmdb-js schedule a timer. A loop of awaited gets that never lets the event
// loop turn would pile those timers up without bound (a million gets, a million timers), so every so
// many gets one of them waits for a turn of the event loop, and the timers run.
const READS_PER_TURN = 1024;
let readsSinceTurn = 0;

/** Once every READS_PER_TURN reads: a promise of the event loop's next turn, to be awaited. */
function dueTurn(): Promise<void> | undefined {
  if (++readsSinceTurn < READS_PER_TURN) return undefined;
  readsSinceTurn = 0;
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * The record under a stored key, as a view of lmdb-js's reused read buffer: valid until the next read.
 * (That buffer reports its length through an own property, so it is cut to a plain view first.)
 */
function peek(db: RootDatabase<Buffer, Buffer>, stored: Buffer): Buffer | undefined {
  const record = db.getBinaryFast(stored);
  return record === undefined ? undefined : record.subarray(0, record.length);
}

function checkOpen(core: Core): void {
  if (core.closed) throw closedError();
}

/** An engine error seen after close() is the close's doing; any other is an I/O failure. */
function engineError(core: Core, error: unknown): CacheError {
  return engineFailure(error, core.closed ? "CACHE_CLOSED" : "CACHE_IO", "storage engine failed");
}

function write<R>(core: Core, work: () => R): R {
  try {
    clearDeadReaders(core.env);
    return core.db.transactionSync(work);
  } catch (error) {
    throw engineError(core, error);
  }
}

/** Within a write transaction: a hashed slot may only be taken by the key it was hashed from. */
function claimSlot(db: RootDatabase<Buffer, Buffer>, key: StoredKey): void {
  if (key.full === undefined) return;
  const current = peek(db, key.stored);
  if (current === undefined) return;
  const owner = readHead(current).full;
  if (owner === undefined || !owner.equals(key.full)) {
    throw new CacheError("CACHE_KEY_COLLISION", "two long keys share a hashed slot; the write was refused");
  }
}

/** The slot holds this exact key (always true for inline keys, checked for hashed ones). */
function ownsSlot(key: StoredKey, full: Buffer | undefined): boolean {
  return key.full === undefined || (full !== undefined && full.equals(key.full));
}

/** Delete an expired record only if it is still byte for byte what was read: a fresh write survives. */
function deleteIfUnchanged(core: Core, stored: Buffer, seen: Buffer): boolean {
  const { db } = core;
  return db.transactionSync(() => {
    const current = peek(db, stored);
    if (current === undefined || !current.equals(seen)) return false;
    db.removeSync(stored);
    return true;
  });
}

function expireQuietly(core: Core, stored: Buffer, seen: Buffer): void {
  try {
    deleteIfUnchanged(core, stored, seen);
  } catch {
    // The entry reads as missing either way; a later read or sweep retries the delete.
  }
}

/** Entries of a stored-key range in key order; hashed long keys sharing a head are put in order of their full keys. */
function* ordered(db: RootDatabase<Buffer, Buffer>, start: Buffer, end: Buffer): Generator<RawEntry> {
  let group: RawEntry[] = [];
  const flush = function* (): Generator<RawEntry> {
    const keyed = group.map((entry) => ({ entry, full: readHead(entry.record).full! }));
    keyed.sort((a, b) => Buffer.compare(a.full, b.full));
    for (const { entry } of keyed) yield entry;
    group = [];
  };
  for (const { key, value } of db.getRange({ start, end })) {
    const entry = { stored: key, record: value };
    if (isHashedKey(key)) {
      const head = group[0];
      if (head !== undefined && Buffer.compare(head.stored.subarray(0, MAX_INLINE_KEY), key.subarray(0, MAX_INLINE_KEY)) !== 0) {
        yield* flush();
      }
      group.push(entry);
      continue;
    }
    if (group.length > 0) yield* flush();
    yield entry;
  }
  if (group.length > 0) yield* flush();
}

type PreparedOp = { key: StoredKey; record: Buffer | undefined };

function prepareBatch(core: Core, prefix: Buffer, ops: unknown): PreparedOp[] {
  const now = core.now();
  return checkBatch(ops, core.defaultTtl).map((op) => {
    const stored = storedKey(fullKey(prefix, op.key));
    if (op.type === "del") return { key: stored, record: undefined };
    return { key: stored, record: withFullKey(encodeRecord(op.value, core.codec, expiryOf(op.ttl, now)), stored.full) };
  });
}

export function createView<T>(core: Core, namespace: string): Cache<T> {
  const prefix = namespacePrefix(namespace);
  const { db } = core;

  const kept = core.reads?.space(namespace);

  const get = async (key: string): Promise<T | undefined> => {
    const turn = dueTurn();
    if (turn !== undefined) await turn;
    checkOpen(core);
    checkKey(key);
    const slot = storedKey(transientFullKey(prefix, key));
    let record: Buffer | undefined;
    try {
      // A fresh snapshot for every read: a write another process finished before this call is seen.
      db.resetReadTxn();
      record = peek(db, slot.stored);
    } catch (error) {
      throw engineError(core, error);
    }
    if (record === undefined) return undefined;
    const head = readHead(record);
    if (!ownsSlot(slot, head.full)) return undefined;
    if (isExpired(head.expiry, core.now())) {
      expireQuietly(core, slot.stored, Buffer.from(record));
      return undefined;
    }
    if (kept === undefined || !isPlainPayload(head)) return decodePayload(record, head) as T;
    const value = kept.hit(key, record);
    if (value !== MISS) return value as T;
    return kept.remember(key, record, decodePayload(record, head)) as T;
  };

  const view: Cache<T> = {
    get,
    has: async (key) => (await get(key)) !== undefined,
    set: async (key, value, opts) => {
      checkOpen(core);
      // The value first: its getters run user code, which might itself use the transient key buffer.
      const { record } = preparePut(core, key, value, opts);
      const slot = storedKey(transientFullKey(prefix, key));
      const stored = withFullKey(record, slot.full);
      core.bound?.admit(slot.stored.length + stored.length);
      write(core, () => {
        claimSlot(db, slot);
        db.putSync(slot.stored, stored);
      });
    },
    del: async (key) => {
      checkOpen(core);
      checkKey(key);
      const slot = storedKey(transientFullKey(prefix, key));
      write(core, () => {
        const current = slot.full === undefined ? undefined : peek(db, slot.stored);
        if (current === undefined || ownsSlot(slot, readHead(current).full)) db.removeSync(slot.stored);
      });
      core.bound?.freed();
    },
    batch: async (ops) => {
      checkOpen(core);
      const prepared = prepareBatch(core, prefix, ops);
      if (prepared.length === 0) return;
      if (core.bound !== undefined) {
        const bytes = prepared.reduce((sum, { key, record }) => sum + (record ? key.stored.length + record.length : 0), 0);
        if (bytes > 0) core.bound.admit(bytes);
      }
      write(core, () => {
        for (const { key, record } of prepared) {
          claimSlot(db, key);
          if (record === undefined) db.removeSync(key.stored);
          else db.putSync(key.stored, record);
        }
      });
      core.bound?.freed();
    },
    entries: (opts) => entries<T>(core, prefix, opts),
    sweepExpired: () => sweepExpired(core),
    withNamespace: (ns) => createView<T>(core, nestedNamespace(namespace, ns)),
    close: async () => {
      if (core.closed) return;
      core.closed = true;
      core.reads?.clear();
      await releaseEnv(core.env);
    },
  };
  return Object.freeze(view);
}

async function* entries<T>(core: Core, prefix: Buffer, opts: unknown): AsyncGenerator<[string, T]> {
  checkOpen(core);
  const limit = checkLimit(opts);
  if (limit === 0) return;
  const { start, end } = namespaceRange(prefix);
  let counted = 0;
  let source: Generator<RawEntry>;
  try {
    core.db.resetReadTxn();
    source = ordered(core.db, start, end);
  } catch (error) {
    throw engineError(core, error);
  }
  try {
    while (counted < limit) {
      checkOpen(core);
      let step: IteratorResult<RawEntry>;
      try {
        step = source.next();
      } catch (error) {
        throw engineError(core, error);
      }
      if (step.done) return;
      const { stored, record } = step.value;
      const head = readHead(record);
      const full = head.full ?? stored;
      if (!startsWith(full, prefix)) continue;
      counted++;
      if (isExpired(head.expiry, core.now())) {
        expireQuietly(core, stored, record);
        continue;
      }
      yield [logicalKey(prefix, full), decodePayload(record, head) as T];
    }
  } finally {
    source.return(undefined);
  }
}

async function sweepExpired(core: Core): Promise<number> {
  checkOpen(core);
  const now = core.now();
  let deleted = 0;
  let pending: RawEntry[] = [];
  const flush = () => {
    const chunk = pending;
    pending = [];
    deleted += write(core, () => chunk.filter(({ stored, record }) => deleteIfUnchanged(core, stored, record)).length);
  };
  try {
    core.db.resetReadTxn();
    for (const { key, value } of core.db.getRange({ start: ALL_ENTRIES.start, end: ALL_ENTRIES.end })) {
      if (!isExpired(expiryOrLive(value), now)) continue;
      pending.push({ stored: key, record: value });
      if (pending.length >= SWEEP_CHUNK) flush();
    }
    if (pending.length > 0) flush();
  } catch (error) {
    throw engineError(core, error);
  }
  if (deleted > 0) core.bound?.freed();
  return deleted;
}
