import { createHash } from "node:crypto";
import { wtf8Decode, wtf8Encode } from "./wtf8.ts";

// Stored key = escape(wtf8(namespace)) + 0x00 + wtf8(key). The escape keeps 0x00 out of the namespace
// part, so the 0x00 ends it unambiguously: distinct (namespace, key) pairs never share a stored key,
// and a namespace's keys form one contiguous range. WTF-8 never produces 0xFE or 0xFF bytes, which
// leaves 0xFF free to mark hashed long keys and the library's own records.

/** LMDB's key limit is 1978 bytes; keys whose full form is longer are stored under a hashed form. */
export const MAX_INLINE_KEY = 1900;
const LONG_MARK = 0xff;
const HASH_BYTES = 32;

/** Records of the library itself (format metadata) live under this first byte, outside every namespace. */
export const META_KEY = Buffer.from([0xff, 0x6d, 0x65, 0x74, 0x61]);
/** getOrSet's claims and computation times: this prefix, then the stored key they are for. */
const LEASE_MARK = Buffer.from([0xff, 0x6c]);

export function namespacePrefix(namespace: string): Buffer {
  const raw = wtf8Encode(namespace);
  const out: number[] = [];
  for (const byte of raw) {
    if (byte === 0x00) out.push(0x01, 0x01);
    else if (byte === 0x01) out.push(0x01, 0x02);
    else out.push(byte);
  }
  out.push(0x00);
  return Buffer.from(out);
}

/** The key as stored, and the full key when the stored one is its hashed form (kept in the record). */
export type StoredKey = { stored: Buffer; full: Buffer | undefined };

let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * The full key written into a buffer that the next call reuses: for lookups that hand the key to LMDB
 * (which copies it) before anything else runs. Saves an allocation on every read.
 */
export function transientFullKey(prefix: Buffer, key: string): Buffer {
  const p = prefix.length;
  const n = key.length;
  if (p + n * 3 > scratch.length) scratch = Buffer.allocUnsafe(p + n * 3);
  // Short prefixes and short ASCII keys, the common case, are copied by hand: half the time of the
  // calls into Buffer#copy and Buffer#write.
  if (p <= 32) for (let i = 0; i < p; i++) scratch[i] = prefix[i]!;
  else prefix.copy(scratch, 0);
  if (n <= 128) {
    let i = 0;
    for (; i < n; i++) {
      const unit = key.charCodeAt(i);
      if (unit >= 0x80) break;
      scratch[p + i] = unit;
    }
    if (i === n) return scratch.subarray(0, p + n);
  }
  if (!key.isWellFormed()) return fullKey(prefix, key);
  return scratch.subarray(0, p + scratch.write(key, p, "utf8"));
}

export function fullKey(prefix: Buffer, key: string): Buffer {
  if (key.isWellFormed()) {
    const length = Buffer.byteLength(key, "utf8");
    const out = Buffer.allocUnsafe(prefix.length + length);
    prefix.copy(out, 0);
    out.write(key, prefix.length, length, "utf8");
    return out;
  }
  return Buffer.concat([prefix, wtf8Encode(key)]);
}

export function storedKey(full: Buffer): StoredKey {
  if (full.length <= MAX_INLINE_KEY) return { stored: full, full: undefined };
  const digest = createHash("sha256").update(full).digest();
  const stored = Buffer.allocUnsafe(MAX_INLINE_KEY + 1 + HASH_BYTES);
  full.copy(stored, 0, 0, MAX_INLINE_KEY);
  stored[MAX_INLINE_KEY] = LONG_MARK;
  digest.copy(stored, MAX_INLINE_KEY + 1);
  return { stored, full };
}

export function isHashedKey(stored: Uint8Array): boolean {
  return stored.length === MAX_INLINE_KEY + 1 + HASH_BYTES && stored[MAX_INLINE_KEY] === LONG_MARK;
}

export function logicalKey(prefix: Buffer, full: Uint8Array): string {
  return wtf8Decode(full.subarray(prefix.length));
}

export function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** The smallest byte string greater than every string that starts with `bytes`. */
function successor(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  let i = out.length - 1;
  while (i >= 0 && out[i] === 0xff) i--;
  out[i] = out[i]! + 1;
  return out.subarray(0, i + 1);
}

/** Stored-key bounds [start, end) that hold every key of the namespace (and, for huge namespaces, a few others). */
export function namespaceRange(prefix: Buffer): { start: Buffer; end: Buffer } {
  const head = prefix.length <= MAX_INLINE_KEY ? prefix : prefix.subarray(0, MAX_INLINE_KEY);
  return { start: head, end: successor(head) };
}

/** The key of the lease record (claim or computation time) of a stored key. */
export function leaseKey(stored: Buffer): Buffer {
  return Buffer.concat([LEASE_MARK, stored]);
}

/** Bounds of the lease records of a stored-key range. */
export function leaseRange(range: { start: Buffer; end: Buffer }): { start: Buffer; end: Buffer } {
  return { start: leaseKey(range.start), end: leaseKey(range.end) };
}

/** Bounds of every cache entry, all namespaces, without the library's own records. */
export const ALL_ENTRIES = { start: Buffer.from([0x00]), end: Buffer.from([0xff]) };

/** Bounds of every lease record. */
export const ALL_LEASES = leaseRange(ALL_ENTRIES);

/**
 * The expiry index: for every entry with an expiry, an empty record under this prefix, then the expiry
 * in 8 bytes that sort as the numbers do (sortableNumber), then the entry's stored key. A sweep reads
 * it from the start up to the present and finds exactly the expired entries, in the order they expired.
 */
const EXPIRY_MARK = Buffer.from([0xff, 0x78]);
const EXPIRY_BYTES = 8;
/** What an expiry or recency index record's key adds to the stored key it names: its mark and number. */
export const ORDERED_KEY_EXTRA = EXPIRY_MARK.length + EXPIRY_BYTES;

/** Bounds of every expiry index record. */
export const EXPIRY_INDEX = { start: EXPIRY_MARK, end: Buffer.from([0xff, 0x79]) };

/** How many expiry index records there are, as a uint64 LE: stats() reads it instead of walking the index. */
export const INDEX_COUNT_KEY = Buffer.from([0xff, 0x6e]);

/** While the format upgrade that builds the index runs: the last stored key it has indexed. */
export const UPGRADE_KEY = Buffer.from([0xff, 0x75]);

/**
 * A float64 as 8 bytes whose unsigned order is the numbers' order: big-endian, with the sign bit set
 * for positive numbers and every bit flipped for negative ones. Exact, so that the index record
 * names the very expiry its entry holds, fractions and negative clocks included.
 */
function sortableNumber(value: number, out: Buffer, at: number): void {
  out.writeDoubleBE(value, at);
  if (out[at]! & 0x80) for (let i = at; i < at + EXPIRY_BYTES; i++) out[i] = ~out[i]! & 0xff;
  else out[at] = out[at]! | 0x80;
}

/** `mark`, then `value` in sortable bytes, then the stored key: a record of an index ordered by `value`. */
function orderedKey(mark: Buffer, value: number, stored: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(mark.length + EXPIRY_BYTES + stored.length);
  out[0] = mark[0]!;
  out[1] = mark[1]!;
  sortableNumber(value, out, mark.length);
  out.set(stored, mark.length + EXPIRY_BYTES);
  return out;
}

/** The number and stored key an ordered index record names. */
function readOrderedKey(key: Uint8Array): { value: number; stored: Buffer } {
  const bytes = Buffer.from(key.subarray(2, 2 + EXPIRY_BYTES));
  if (bytes[0]! & 0x80) bytes[0] = bytes[0]! & 0x7f;
  else for (let i = 0; i < EXPIRY_BYTES; i++) bytes[i] = ~bytes[i]! & 0xff;
  return { value: bytes.readDoubleBE(0), stored: Buffer.from(key.subarray(2 + EXPIRY_BYTES)) };
}

export function expiryKey(expiry: number, stored: Uint8Array): Buffer {
  return orderedKey(EXPIRY_MARK, expiry, stored);
}

/** The expiry and stored key an expiry index record names. */
export function readExpiryKey(key: Uint8Array): { expiry: number; stored: Buffer } {
  const { value, stored } = readOrderedKey(key);
  return { expiry: value, stored };
}

/** Bounds of the index records of entries that expired at or before `now`. */
export function expiredUpTo(now: number): { start: Buffer; end: Buffer } {
  // Every index record of expiry `now` starts with this key, then has a stored key (non-empty, never starting with 0xff).
  return { start: EXPIRY_INDEX.start, end: Buffer.concat([expiryKey(now, Buffer.alloc(0)), Buffer.from([0xff])]) };
}

/**
 * Recency, kept by opens that evict least recently used entries (lib/recency.ts): for every entry
 * they wrote or read, an access record (this mark, then the stored key; value: the coarse time of
 * its last known use) and a recency index record (RECENCY_MARK, the same time in sortable bytes, the
 * stored key; empty), so that eviction reads the least recently used first.
 */
const ACCESS_MARK = Buffer.from([0xff, 0x61]);
const RECENCY_MARK = Buffer.from([0xff, 0x72]);
/** What an access record's key adds to the stored key it names; its value is a float64. */
export const ACCESS_KEY_EXTRA = ACCESS_MARK.length;
export const ACCESS_VALUE_BYTES = 8;

/** Bounds of every access record, and of every recency index record. */
export const ACCESS_RECORDS = { start: ACCESS_MARK, end: Buffer.from([0xff, 0x62]) };
export const RECENCY_INDEX = { start: RECENCY_MARK, end: Buffer.from([0xff, 0x73]) };

/** How many access and recency index records there are, as a float64 LE: stats() reads it instead of walking them. */
export const RECENCY_COUNT_KEY = Buffer.from([0xff, 0x63]);

export function accessKey(stored: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(ACCESS_MARK.length + stored.length);
  out[0] = ACCESS_MARK[0]!;
  out[1] = ACCESS_MARK[1]!;
  out.set(stored, ACCESS_MARK.length);
  return out;
}

export function recencyKey(time: number, stored: Uint8Array): Buffer {
  return orderedKey(RECENCY_MARK, time, stored);
}

/** The time and stored key a recency index record names. */
export function readRecencyKey(key: Uint8Array): { time: number; stored: Buffer } {
  const { value, stored } = readOrderedKey(key);
  return { time: value, stored };
}

/** Bounds of the library's own records: leases, format metadata, the expiry index and recency. */
export const OWN_RECORDS = { start: Buffer.from([0xff]), end: Buffer.from([0xff, 0xff]) };
