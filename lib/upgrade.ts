import type { RootDatabase } from "./engine/index.ts";
import { expiryOfRecord } from "./codec.ts";
import { countIndexed, reindex } from "./expiry-index.ts";
import { ALL_ENTRIES, META_KEY, UPGRADE_KEY } from "./keys.ts";

// Format 1 had no expiry index. The first process of format 2 that opens such a cache builds the index
// in place before its open resolves: entry by entry in key order, in write transactions of a bounded
// number of entries (other processes' writes wait one transaction at most), each recording how far it
// got, so that a process killed midway leaves a cache the next open takes on from there. The first
// transaction replaces the format record with UPGRADING, which processes of format 1 refuse to open;
// the last one writes format 2.

/** The format before the expiry index, upgraded in place. */
export const FORMAT_1 = "lmdb-cache/1";
/** The format record while the upgrade runs: neither format 1 nor 2, so processes of format 1 refuse it. */
export const UPGRADING = "lmdb-cache/2-upgrading";

/** Entries indexed per write transaction: long enough to be quick overall, short enough not to hold writers up. */
const UPGRADE_CHUNK = 5000;

type Db = RootDatabase<Buffer, Buffer>;

/** The key just after `key`: where a range that continues past it starts. */
const after = (key: Buffer) => Buffer.concat([key, Buffer.from([0x00])]);

/**
 * Within a write transaction on a cache of format 1 or UPGRADING: indexes the next chunk of entries.
 * Returns true when every entry is indexed and `format` is written.
 */
export function upgradeChunk(db: Db, format: string): boolean {
  const from = db.getBinary(UPGRADE_KEY);
  const found: Array<{ key: Buffer; expiry: number | undefined }> = [];
  for (const { key, value } of db.getRange({ start: from === undefined ? ALL_ENTRIES.start : after(from), end: ALL_ENTRIES.end, limit: UPGRADE_CHUNK })) {
    found.push({ key, expiry: expiryOfRecord(value) });
  }
  let indexed = 0;
  for (const { key, expiry } of found) indexed += reindex(db, key, undefined, expiry);
  countIndexed(db, indexed);
  if (found.length === UPGRADE_CHUNK) {
    db.putSync(UPGRADE_KEY, found.at(-1)!.key);
    db.putSync(META_KEY, Buffer.from(UPGRADING, "utf8"));
    return false;
  }
  db.removeSync(UPGRADE_KEY);
  db.putSync(META_KEY, Buffer.from(format, "utf8"));
  return true;
}
