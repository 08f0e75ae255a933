import { checkOpen, type Core, engineError } from "./core.ts";
import { indexCount } from "./expiry-index.ts";
import { liveBytes } from "./size-bound.ts";
import { ACCESS_RECORDS, EXPIRY_INDEX, OWN_RECORDS, RECENCY_COUNT_KEY, RECENCY_INDEX } from "./keys.ts";
import type { CacheStats } from "./types.ts";

// The counts are this open's, kept in memory: exact, and an increment each. Entries and bytes are the
// whole store's, from LMDB's tree header (constant time) less the library's own records: the expiry
// index and the recency records, whose numbers are kept in records of their own (a read each), and
// the few others, counted by walking them: the format records, the counts, claims in progress and the
// computation times kept for early refresh.

/** The own records that are counted: the ranges between them are walked. */
const COUNTED = [ACCESS_RECORDS, RECENCY_INDEX, EXPIRY_INDEX];

export function stats(core: Core): CacheStats {
  checkOpen(core);
  const { db } = core;
  try {
    db.resetReadTxn();
    let own = indexCount(db) + indexCount(db, RECENCY_COUNT_KEY);
    let start = OWN_RECORDS.start;
    for (const counted of [...COUNTED, { start: OWN_RECORDS.end, end: OWN_RECORDS.end }]) {
      for (const _ of db.getKeys({ start, end: counted.start })) own++;
      start = counted.end;
    }
    return { ...core.counts, entries: db.getStats().entryCount - own, bytes: liveBytes(db) };
  } catch (error) {
    throw engineError(core, error);
  }
}
