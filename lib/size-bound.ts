import type { RootDatabase } from "./engine/index.ts";
import { CacheError } from "./errors.ts";

// LMDB (as lmdb-js builds it) grows its map without limit, so an upper bound on the cache's size is
// kept here: puts are refused once the pages holding live entries, plus what this process wrote
// since it last looked, would pass the bound. Looking costs a few microseconds, so it happens when
// enough has been written or enough time has passed for other processes to have written. With
// eviction, such a put first waits for deletes (lib/eviction.ts) down to the low-water mark, so that
// the next puts find room without evicting again; it is refused only when nothing evictable is left.

const PAGE_BYTES = 4096;
const LOOK_AFTER_BYTES = 256 * 1024;
const LOOK_AFTER_MS = 50;
/** Eviction deletes down to this share of the bound. */
const LOW_WATER = 0.9;
/** The smallest bound: one page. */
export const MIN_BOUND_BYTES = PAGE_BYTES;

/** Records larger than this go to overflow pages of their own (LMDB keeps at least two nodes a page). */
const OVERFLOW_AFTER = PAGE_BYTES / 2 - 64;

/**
 * The pages a put of a stored key and record may add, estimated from above: whole pages for a record
 * of overflow pages, twice its size for a small one (pages are half to fully used), so that one
 * process between two looks does not pass the bound by much more than LMDB's page splits.
 */
export function footprint(stored: Uint8Array, record: Uint8Array): number {
  const bytes = stored.length + record.length;
  return bytes > OVERFLOW_AFTER ? Math.ceil((bytes + 64) / PAGE_BYTES) * PAGE_BYTES : 2 * bytes;
}

export function liveBytes(db: RootDatabase<Buffer, Buffer>): number {
  const stats = db.getStats();
  // Reading the stats takes a snapshot, which lmdb-js would keep until the event loop turns: a loop of
  // awaited puts never lets it, and pages freed after the snapshot could not be reused by any
  // process's writes meanwhile, so the file would grow past the bound. It is released at once.
  db.resetReadTxn();
  const { treeBranchPageCount, treeLeafPageCount, overflowPages } = stats.root;
  return (treeBranchPageCount + treeLeafPageCount + overflowPages) * stats.pageSize;
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

  private async makeRoom(bytes: number): Promise<void> {
    this.evicting ??= this.evict!(Math.floor(this.maxBytes * LOW_WATER) - bytes).finally(() => (this.evicting = undefined));
    await this.evicting;
    this.look(performance.now());
    if (this.used + this.written + bytes > this.maxBytes) throw this.full("nothing its eviction policy may delete is left");
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
