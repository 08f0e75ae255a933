import type { RootDatabase, TreeStats } from "./engine/index.ts";
import { CacheError } from "./errors.ts";
import { ACCESS_KEY_EXTRA, ACCESS_VALUE_BYTES, ORDERED_KEY_EXTRA } from "./keys.ts";

// LMDB (as lmdb-js builds it) grows its map without limit, so an upper bound on the cache's size is
// kept here, on the pages holding live entries. Every put reads their count inside its own write
// transaction, after all it wrote, and is undone if it would pass the bound (check). That count is
// also the open's look for the next put, which adds its estimated pages to it to decide ahead of its
// transaction whether to wait for deletes (lib/eviction.ts) down to the low-water mark, so that the
// puts after it find room without evicting again. A look of its own (a few microseconds, and a
// snapshot) is taken only when the last is old: after 50 ms or 256 KiB of estimated pages without a
// put's count, after deletes, and around an eviction. A put is refused only when nothing evictable is
// left.

const PAGE_BYTES = 4096;
const LOOK_AFTER_BYTES = 256 * 1024;
const LOOK_AFTER_MS = 50;
/** Eviction deletes down to this share of the bound. */
const LOW_WATER = 0.9;
/** The smallest bound: one page. */
export const MIN_BOUND_BYTES = PAGE_BYTES;

// LMDB's page layout (0.9): a page header, then a 2-byte slot per node; a node is an 8-byte header, the
// key and the data, rounded up to an even size. Data that would make a node larger than NODE_MAX (a
// page keeps at least two nodes) goes to overflow pages of its own, and the node keeps their page
// number instead.
const PAGE_HEADER = 16;
const NODE_HEADER = 8;
const SLOT = 2;
const NODE_MAX = (Math.floor((PAGE_BYTES - PAGE_HEADER) / 2) & ~1) - SLOT;
const PAGE_NUMBER = 8;

/**
 * The fewest nodes of this size a page holds once it has been split: LMDB splits a full page in the
 * middle, and a page that only gains keys at its end (keys written in order) stays there.
 */
function fewestPerPage(nodeBytes: number): number {
  const fits = Math.floor((PAGE_BYTES - PAGE_HEADER) / (nodeBytes + (nodeBytes & 1) + SLOT));
  return Math.max(1, Math.floor((fits + 1) / 2));
}

/**
 * The bytes of pages a record of this key and data size may add, from above: its share of a leaf page
 * at the fewest nodes a page keeps, its share of the branch node that leaf's split adds a level up,
 * and whole overflow pages for large data.
 */
function recordFootprint(keyBytes: number, dataBytes: number): number {
  let node = NODE_HEADER + keyBytes + dataBytes;
  let overflow = 0;
  if (node > NODE_MAX) {
    overflow = Math.ceil((dataBytes + PAGE_HEADER) / PAGE_BYTES) * PAGE_BYTES;
    node = NODE_HEADER + keyBytes + PAGE_NUMBER;
  }
  const perLeaf = fewestPerPage(node);
  const branchShare = PAGE_BYTES / fewestPerPage(NODE_HEADER + keyBytes) / perLeaf;
  return overflow + Math.ceil(PAGE_BYTES / perLeaf + branchShare);
}

/** What an open that keeps recency writes for an entry it has not used before: an access record and a recency index record. */
function recencyFootprint(storedBytes: number): number {
  return recordFootprint(ACCESS_KEY_EXTRA + storedBytes, ACCESS_VALUE_BYTES) + recordFootprint(ORDERED_KEY_EXTRA + storedBytes, 0);
}

/**
 * What the put of an entry may add to the pages in use, from above: its record, its expiry index
 * record if it expires, and its recency records if the open keeps them, so that a put evicts ahead of
 * its transaction rather than being undone by the check inside it.
 */
export function putFootprint(stored: Uint8Array, record: Uint8Array, expires: boolean, tracked: boolean): number {
  const index = expires ? recordFootprint(ORDERED_KEY_EXTRA + stored.length, 0) : 0;
  return recordFootprint(stored.length, record.length) + index + (tracked ? recencyFootprint(stored.length) : 0);
}

function treeBytes(tree: TreeStats & { pageSize: number }): number {
  return (tree.treeBranchPageCount + tree.treeLeafPageCount + tree.overflowPages) * tree.pageSize;
}

export function liveBytes(db: RootDatabase<Buffer, Buffer>): number {
  const stats = db.getStats();
  // Reading the stats takes a snapshot, which lmdb-js would keep until the event loop turns: a loop of
  // awaited puts never lets it, and pages freed after the snapshot could not be reused by any
  // process's writes meanwhile, so the file would grow past the bound. It is released at once.
  db.resetReadTxn();
  return treeBytes({ ...stats.root, pageSize: stats.pageSize });
}

/** Thrown inside a put's write transaction, which it undoes, when the put left the pages in use past the bound. */
export class OverBound extends Error {
  constructor(readonly bytes: number) {
    super(`a put would leave ${bytes} bytes of pages in use`);
  }
}

export class SizeBound {
  private used = 0;
  private written = 0;
  private lookedAt = -Infinity;
  /** The eviction in progress: puts that find no room meanwhile wait for it. */
  private evicting: Promise<boolean> | undefined;

  /** `evict` deletes until the pages in use are at most the given bytes, and says whether it got there; without it, a full cache refuses puts. */
  constructor(
    private readonly db: RootDatabase<Buffer, Buffer>,
    readonly maxBytes: number,
    private readonly evict?: (target: number) => Promise<boolean>,
  ) {}

  /**
   * Call before a put of about `bytes`: returns at once when there is room; else throws CACHE_FULL,
   * or, with eviction, returns a promise of the room (rejected with CACHE_FULL when none is made).
   */
  admit(bytes: number): void | Promise<void> {
    const now = performance.now();
    if (this.written + bytes > LOOK_AFTER_BYTES || now - this.lookedAt > LOOK_AFTER_MS) this.look(now);
    if (this.used + this.written + bytes <= this.maxBytes) {
      this.written += bytes;
      return;
    }
    if (this.evict === undefined) throw this.full("delete or sweep to make room");
    return this.makeRoom(bytes);
  }

  private look(now: number): void {
    this.used = liveBytes(this.db);
    this.written = 0;
    this.lookedAt = now;
  }

  /**
   * Inside a put's write transaction, after all it wrote: the pages in use as the transaction sees
   * them (every process's commits and its own writes), or OverBound past the bound. This makes the
   * bound exact for puts, where the estimates only keep such undone puts rare.
   */
  check(): void {
    const bytes = treeBytes(this.db.db.stat());
    if (bytes > this.maxBytes) throw new OverBound(bytes);
    // The count is also this open's look, taken without a snapshot of its own: a look outside a write
    // transaction holds one, and while a loaded machine deschedules the process holding it, no process
    // can reuse the pages freed meanwhile. (Should the commit fail, the next put's count corrects it.)
    this.used = bytes;
    this.written = 0;
    this.lookedAt = performance.now();
  }

  /** After a put undone by OverBound: makes room for what it added, as a put past the bound would (CACHE_FULL when none is made). */
  afterOver(over: OverBound, bytes: number): Promise<void> {
    this.look(performance.now());
    const grew = Math.max(bytes, over.bytes - this.used);
    if (this.evict === undefined) return Promise.reject(this.full("delete or sweep to make room"));
    return this.makeRoom(grew);
  }

  private async makeRoom(bytes: number): Promise<void> {
    this.evicting ??= this.evict!(Math.floor(this.maxBytes * LOW_WATER) - bytes).finally(() => (this.evicting = undefined));
    const reached = await this.evicting;
    this.look(performance.now());
    // Other processes may have filled the room again since the eviction reached its mark: that is no
    // reason to refuse, and the put's own check (and a new eviction if need be) settles it.
    if (!reached && this.used + this.written + bytes > this.maxBytes) throw this.full("nothing its eviction policy may delete is left");
    this.written += bytes;
  }

  private full(advice: string): CacheError {
    return new CacheError("CACHE_FULL", `the cache holds ${this.used + this.written} bytes of its ${this.maxBytes}-byte bound; ${advice}`);
  }

  /** After a delete: the next put looks again, so the room it made is usable at once. */
  freed(): void {
    this.lookedAt = -Infinity;
  }
}
