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

/** Bounds of the library's own records: leases and format metadata. */
export const OWN_RECORDS = { start: Buffer.from([0xff]), end: Buffer.from([0xff, 0xff]) };
