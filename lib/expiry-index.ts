import type { RootDatabase } from "./engine/index.ts";
import { expiryKey, INDEX_COUNT_KEY } from "./keys.ts";

// The expiry index (lib/keys.ts, expiryKey) is kept in the same write transaction as every write that
// adds, replaces or removes an entry: the writer reads the expiry of the record it replaces (it reads
// the slot anyway, or cheaply: the record's first nine bytes) and moves the index record along. The
// number of index records is kept beside it, so that stats() can leave them out in constant time.

type Db = RootDatabase<Buffer, Buffer>;

const EMPTY = Buffer.alloc(0);
/** An index record that is already there stays, uncounted again. */
const IF_ABSENT = { noOverwrite: true } as const;

/**
 * Within a write transaction: the index follows an entry whose expiry goes from `before` (the replaced
 * record's; undefined when there was none, or it had none) to `after` (undefined when the entry is
 * removed, or has no expiry). Returns the change in the number of index records.
 */
export function reindex(db: Db, stored: Uint8Array, before: number | undefined, after: number | undefined): number {
  let change = 0;
  if (before !== undefined && before !== after && db.removeSync(expiryKey(before, stored))) change--;
  // Also when the expiry is unchanged: a record written by a process of the previous format has no index record yet.
  if (after !== undefined && db.putSync(expiryKey(after, stored), EMPTY, IF_ABSENT)) change++;
  return change;
}

/** The number of index records (or of the records another count key counts), as the last write transaction left it. */
export function indexCount(db: Db, countKey = INDEX_COUNT_KEY): number {
  const bytes = db.getBinary(countKey);
  return bytes === undefined ? 0 : bytes.readDoubleLE(0);
}

/** Within a write transaction: records a change in the number of index records (one write, and none for no change). */
export function countIndexed(db: Db, change: number, countKey = INDEX_COUNT_KEY): void {
  if (change === 0) return;
  const out = Buffer.allocUnsafe(8);
  out.writeDoubleLE(indexCount(db, countKey) + change, 0);
  db.putSync(countKey, out);
}
