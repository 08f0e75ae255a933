import type { RootDatabase } from "./engine/index.ts";
import { decodePayload, encodeRecord, expiryOfRecord, readHead, withFullKey } from "./codec.ts";
import { checkBatch, checkKey, checkLimit, nestedNamespace, preparePut } from "./checks.ts";
import {
  checkOpen,
  claimSlot,
  type Core,
  dueTurn,
  engineError,
  expireQuietly,
  flushRecency,
  ownsSlot,
  peek,
  putWrite,
  readEntry,
  removeEntry,
  write,
} from "./core.ts";
import { releaseEnv } from "./env.ts";
import { countIndexed, reindex } from "./expiry-index.ts";
import { getOrSet, release } from "./get-or-set.ts";
import {
  ALL_LEASES,
  leaseRange,
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
import { leaseExpiry } from "./lease.ts";
import { sweepChunk } from "./eviction.ts";
import { stats } from "./stats.ts";
import { expiryOf, isExpired } from "./ttl.ts";
import type { Cache } from "./types.ts";

type RawEntry = { stored: Buffer; record: Buffer };

/** Expired entries are deleted in write transactions of at most this many, so writers are not held up. */
const SWEEP_CHUNK = 1000;

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

type PreparedOp = { key: StoredKey; record: Buffer | undefined; expiry: number | undefined };

function prepareBatch(core: Core, prefix: Buffer, ops: unknown): PreparedOp[] {
  const now = core.now();
  return checkBatch(ops, core.defaultTtl).map((op) => {
    const stored = storedKey(fullKey(prefix, op.key));
    if (op.type === "del") return { key: stored, record: undefined, expiry: undefined };
    const expiry = expiryOf(op.ttl, now);
    return { key: stored, record: withFullKey(encodeRecord(op.value, core.codec, expiry, core.compressAbove), stored.full), expiry };
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
    return readEntry(core, storedKey(transientFullKey(prefix, key)), key, kept, true)?.value as T | undefined;
  };

  const view: Cache<T> = {
    get,
    has: async (key) => (await get(key)) !== undefined,
    set: async (key, value, opts) => {
      checkOpen(core);
      // The value first: its getters run user code, which might itself use the transient key buffer.
      const { record, expiry } = preparePut(core, key, value, opts);
      // A bounded put may wait for an eviction, during which other calls reuse the transient key buffer.
      const slot = storedKey(core.bound === undefined ? transientFullKey(prefix, key) : fullKey(prefix, key));
      const stored = withFullKey(record, slot.full);
      await putWrite(core, [{ stored: slot.stored, record: stored, expiry }], () => {
        const before = claimSlot(db, slot);
        db.putSync(slot.stored, stored);
        countIndexed(db, reindex(db, slot.stored, before, expiry));
      });
      core.counts.sets++;
    },
    del: async (key) => {
      checkOpen(core);
      checkKey(key);
      const slot = storedKey(transientFullKey(prefix, key));
      write(core, () => {
        const current = peek(db, slot.stored);
        if (current === undefined || (slot.full !== undefined && !ownsSlot(slot, readHead(current).full))) return;
        countIndexed(db, removeEntry(db, slot.stored, expiryOfRecord(current)));
      });
      core.counts.deletes++;
      core.bound?.freed();
    },
    batch: async (ops) => {
      checkOpen(core);
      const prepared = prepareBatch(core, prefix, ops);
      if (prepared.length === 0) return;
      const puts = prepared.flatMap(({ key, record, expiry }) => (record === undefined ? [] : [{ stored: key.stored, record, expiry }]));
      // A batch of deletes alone adds no pages: it needs no room.
      const run = (work: () => void) => (puts.length === 0 ? write(core, work) : putWrite(core, puts, work));
      await run(() => {
        let indexed = 0;
        for (const { key, record, expiry } of prepared) {
          const before = claimSlot(db, key);
          if (record === undefined) {
            indexed += removeEntry(db, key.stored, before);
          } else {
            db.putSync(key.stored, record);
            indexed += reindex(db, key.stored, before, expiry);
          }
        }
        countIndexed(db, indexed);
      });
      for (const { record } of prepared) {
        if (record === undefined) core.counts.deletes++;
        else core.counts.sets++;
      }
      core.bound?.freed();
    },
    entries: (opts) => entries<T>(core, prefix, opts),
    sweepExpired: () => sweepExpired(core),
    getOrSet: (key, compute, opts) => getOrSet<T>(core, prefix, kept, key, compute, opts),
    clear: async () => {
      checkOpen(core);
      clear(core, prefix);
    },
    stats: async () => stats(core),
    withNamespace: (ns) => createView<T>(core, nestedNamespace(namespace, ns)),
    close: async () => {
      if (core.closed) return;
      releaseClaims(core);
      if (core.recency !== undefined) {
        core.recency.stop();
        flushRecency(core);
      }
      core.closed = true;
      core.reads?.clear();
      await releaseEnv(core.env);
    },
  };
  return Object.freeze(view);
}

/** The namespace's entries, their index records and their leases, in one write transaction: no reader sees it half cleared. */
function clear(core: Core, prefix: Buffer): void {
  const { db } = core;
  const range = namespaceRange(prefix);
  write(core, () => {
    const doomed: Array<{ key: Buffer; expiry: number | undefined }> = [];
    for (const { key, value } of db.getRange(range)) {
      if (startsWith(key, prefix) || (isHashedKey(key) && startsWith(fullKeyOf(value) ?? key, prefix))) {
        doomed.push({ key, expiry: expiryOfRecord(value) });
      }
    }
    countIndexed(db, doomed.reduce((indexed, { key, expiry }) => indexed + removeEntry(db, key, expiry), 0));
    for (const key of [...db.getKeys(leaseRange(range))]) db.removeSync(key);
  });
  core.bound?.freed();
}

/**
 * The full key a hashed slot's record names, or undefined for a damaged record. (A namespace longer
 * than a stored key's inline part shares its range with others: the full key tells them apart.)
 */
function fullKeyOf(record: Buffer): Buffer | undefined {
  try {
    return readHead(record).full;
  } catch {
    return undefined;
  }
}

/** At close, the claims this open holds go, so that no other caller waits for computations that cannot store. */
function releaseClaims(core: Core): void {
  for (const [id, token] of core.claims) {
    try {
      release(core, Buffer.from(id, "latin1"), token);
    } catch {
      // The claim's lease ends it anyway.
    }
  }
  core.claims.clear();
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
    try {
      source.return(undefined);
      // The scan's snapshot goes now, not when the event loop next turns (lib/core.ts, readEntry).
      if (!core.closed) core.db.resetReadTxn();
    } catch {
      // Its snapshot already ended (a close that first wrote this open's access times): nothing is
      // left to release, and the error the scan ends with, if any, is the one to report.
    }
  }
}

/** Ended claims and the timings of expired values: not entries, so not counted. */
function sweepLeases(core: Core, now: number): void {
  const { db } = core;
  const ended: RawEntry[] = [];
  db.resetReadTxn();
  for (const { key, value } of db.getRange(ALL_LEASES)) {
    if (isExpired(leaseExpiry(value), now)) ended.push({ stored: key, record: value });
  }
  for (let at = 0; at < ended.length; at += SWEEP_CHUNK) {
    const chunk = ended.slice(at, at + SWEEP_CHUNK);
    write(core, () => {
      for (const { stored, record } of chunk) if (peek(db, stored)?.equals(record)) db.removeSync(stored);
    });
  }
}

async function sweepExpired(core: Core): Promise<number> {
  checkOpen(core);
  const now = core.now();
  let deleted = 0;
  try {
    for (let more = true; more; ) {
      const chunk = write(core, () => sweepChunk(core.db, now, SWEEP_CHUNK));
      deleted += chunk.deleted;
      more = chunk.more;
    }
    sweepLeases(core, now);
  } catch (error) {
    throw engineError(core, error);
  }
  if (deleted > 0) core.bound?.freed();
  return deleted;
}
