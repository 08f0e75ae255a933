import { open as openFile } from "node:fs/promises";
import { join } from "node:path";
import { CacheError } from "./errors.ts";

// lmdb-js trusts the data file's header: a damaged meta page or a truncated file can crash the process
// inside the native code instead of failing. So the header is checked from JavaScript before LMDB
// sees the file. Layout (LMDB 0.9.29, data version 1): two meta pages, each a 16-byte page header, then
// magic u32 @16, version u32 @20, page size u32 @40 (the free tree's md_pad), free tree root u64 @80,
// main tree root u64 @128, transaction id u64 @144. The file may legitimately end before the meta's
// last page (pages the free list holds need not have been written), but never before a tree's root.

/** Byte offsets within a meta page (LMDB 0.9.29's layout above); the damage campaign writes at them too. */
export const META_AT = { magic: 16, version: 20, pageSize: 40, freeRoot: 80, mainRoot: 128, txnId: 144 } as const;

const MAGIC = 0xbeefc0de;
/** Where lmdb-js's prebuilt LMDB 0.9.90 (data version 2, 24-byte page header) puts its magic. */
const V2_MAGIC_AT = 24;
const VERSION = 1;
const HEADER_BYTES = 152;

type Meta = { pageSize: number; roots: bigint[]; txnId: bigint };

/** LMDB's P_INVALID: the root of an empty tree. */
const NO_PAGE = 0xffffffffffffffffn;

function readMeta(bytes: Buffer, at: number): Meta | string {
  if (bytes.length < at + HEADER_BYTES) return "meta page is cut short";
  if (bytes.readUInt32LE(at + META_AT.magic) !== MAGIC) return "meta page has no LMDB magic";
  if (bytes.readUInt32LE(at + META_AT.version) !== VERSION) return "meta page has another LMDB version";
  const pageSize = bytes.readUInt32LE(at + META_AT.pageSize);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return "meta page has a bad page size";
  const roots = [bytes.readBigUInt64LE(at + META_AT.freeRoot), bytes.readBigUInt64LE(at + META_AT.mainRoot)].filter((root) => root !== NO_PAGE);
  return { pageSize, roots, txnId: bytes.readBigUInt64LE(at + META_AT.txnId) };
}

function damaged(path: string, why: string): CacheError {
  return new CacheError("CACHE_CORRUPT", `the data file ${path} is damaged (${why}); resetCache() empties the cache`);
}

/**
 * Throws CACHE_CORRUPT when the data file in `dir` exists but cannot be a whole LMDB file; resolves
 * whether there was one. A writer in another process may be rewriting a meta page as it is read, so a
 * failed check is tried again before it counts: real damage stays.
 */
export async function checkDataFile(dir: string, attempts = 3): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await checkOnce(dir);
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function checkOnce(dir: string): Promise<boolean> {
  const path = join(dir, "data.mdb");
  let file;
  try {
    file = await openFile(path, "r");
  } catch {
    return false; // No data file yet: LMDB creates it.
  }
  try {
    // Metas first, size last: the file only grows, so a size read after the metas covers their roots.
    const first = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await file.read(first, 0, HEADER_BYTES, 0);
    if (bytesRead === 0) return true;
    if (bytesRead >= V2_MAGIC_AT + 8 && first.readUInt32LE(V2_MAGIC_AT) === MAGIC && first.readUInt32LE(V2_MAGIC_AT + 4) === 2) {
      throw new CacheError("CACHE_INCOMPATIBLE", `${path} was written by another LMDB build (data version 2); resetCache() empties it`);
    }
    const meta0 = readMeta(first.subarray(0, bytesRead), 0);
    if (typeof meta0 === "string") throw damaged(path, meta0);
    const second = Buffer.alloc(HEADER_BYTES);
    const read1 = await file.read(second, 0, HEADER_BYTES, meta0.pageSize);
    const meta1 = readMeta(second.subarray(0, read1.bytesRead), 0);
    if (typeof meta1 === "string") throw damaged(path, meta1);
    const newest = meta1.txnId > meta0.txnId ? meta1 : meta0;
    const { size } = await file.stat();
    const pages = BigInt(Math.floor(size / newest.pageSize));
    if (newest.roots.some((root) => root >= pages)) throw damaged(path, "file ends before a tree's root page");
    return true;
  } finally {
    await file.close();
  }
}
