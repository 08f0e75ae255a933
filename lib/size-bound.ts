import type { RootDatabase } from "./engine/index.ts";
import { CacheError } from "./errors.ts";

// LMDB (as lmdb-js builds it) grows its map without limit, so an upper bound on the cache's size is
// kept here: puts are refused once the pages holding live entries, plus what this process wrote
// since it last looked, would pass the bound. Looking costs a few microseconds, so it happens when
// enough has been written or enough time has passed for other processes to have written.

const LOOK_AFTER_BYTES = 256 * 1024;
const LOOK_AFTER_MS = 50;

export function liveBytes(db: RootDatabase<Buffer, Buffer>): number {
  const stats = db.getStats();
  const { treeBranchPageCount, treeLeafPageCount, overflowPages } = stats.root;
  return (treeBranchPageCount + treeLeafPageCount + overflowPages) * stats.pageSize;
}

export class SizeBound {
  private used = 0;
  private written = 0;
  private lookedAt = -Infinity;

  constructor(
    private readonly db: RootDatabase<Buffer, Buffer>,
    readonly maxBytes: number,
  ) {}

  /** Call before a put of about `bytes`; throws CACHE_FULL when it would pass the bound. */
  admit(bytes: number): void {
    const now = performance.now();
    if (this.written + bytes > LOOK_AFTER_BYTES || now - this.lookedAt > LOOK_AFTER_MS) {
      this.used = liveBytes(this.db);
      this.written = 0;
      this.lookedAt = now;
    }
    if (this.used + this.written + bytes > this.maxBytes) {
      throw new CacheError(
        "CACHE_FULL",
        `the cache holds ${this.used + this.written} bytes of its ${this.maxBytes}-byte bound; delete or sweep to make room`,
      );
    }
    this.written += bytes;
  }

  /** After a delete: the next put looks again, so the room it made is usable at once. */
  freed(): void {
    this.lookedAt = -Infinity;
  }
}
