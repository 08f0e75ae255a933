import { checkOpen, type Core, engineError } from "./core.ts";
import { liveBytes } from "./size-bound.ts";
import { OWN_RECORDS } from "./keys.ts";
import type { CacheStats } from "./types.ts";

// The counts are this open's, kept in memory: exact, and an increment each. Entries and bytes are the
// whole store's, from LMDB's tree header (constant time) less the library's own records, which are
// the format record, claims in progress and the computation times kept for early refresh.

export function stats(core: Core): CacheStats {
  checkOpen(core);
  const { db } = core;
  try {
    db.resetReadTxn();
    let own = 0;
    for (const _ of db.getKeys({ start: OWN_RECORDS.start, end: OWN_RECORDS.end })) own++;
    return { ...core.counts, entries: db.getStats().entryCount - own, bytes: liveBytes(db) };
  } catch (error) {
    throw engineError(core, error);
  }
}
