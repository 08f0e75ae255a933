import { checkOpen, type Core, engineError } from "./core.ts";
import { indexCount } from "./expiry-index.ts";
import { liveBytes } from "./size-bound.ts";
import { EXPIRY_INDEX, OWN_RECORDS } from "./keys.ts";
import type { CacheStats } from "./types.ts";

// The counts are this open's, kept in memory: exact, and an increment each. Entries and bytes are the
// whole store's, from LMDB's tree header (constant time) less the library's own records: the expiry
// index, whose size is kept in a record of its own (one read), and the few others, counted by walking
// them: the format records, claims in progress and the computation times kept for early refresh.

export function stats(core: Core): CacheStats {
  checkOpen(core);
  const { db } = core;
  try {
    db.resetReadTxn();
    let own = indexCount(db);
    for (const _ of db.getKeys({ start: OWN_RECORDS.start, end: EXPIRY_INDEX.start })) own++;
    for (const _ of db.getKeys({ start: EXPIRY_INDEX.end, end: OWN_RECORDS.end })) own++;
    return { ...core.counts, entries: db.getStats().entryCount - own, bytes: liveBytes(db) };
  } catch (error) {
    throw engineError(core, error);
  }
}
