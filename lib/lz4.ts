// LZ4's block format (sequences of a token, literals, a 2-byte offset and a match length), written
// for records of a few hundred bytes to a few kilobytes: zlib's one-shot calls cost more to set up
// than this takes to compress a whole record. Greedy matching on a hash of 4 bytes, as LZ4's fast
// mode does; the decoder checks every length and offset against both buffers.

const MIN_MATCH = 4;
/** The format's end rules: the last 5 bytes are literals, and no match starts in the last 12. */
const LAST_LITERALS = 5;
const MATCH_FREE_TAIL = 12;
const MAX_OFFSET = 0xffff;
const HASH_BITS = 12;
/** Every byte of output decodes to at most 255 bytes (a run of length bytes): a bound on any honest ratio. */
export const LZ4_MAX_RATIO = 255;

const table = new Int32Array(1 << HASH_BITS);

/** Short runs byte by byte: a subarray for each would cost more than the copy. */
function copy(out: Uint8Array, at: number, src: Uint8Array, from: number, count: number): void {
  if (count > 32) out.set(src.subarray(from, from + count), at);
  else for (let i = 0; i < count; i++) out[at + i] = src[from + i]!;
}

function read32(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24);
}

function hash(word: number): number {
  return Math.imul(word, 0x9e3779b1) >>> (32 - HASH_BITS);
}

/** The most bytes `lz4Compress` can write for `length` bytes of input. */
export function lz4Bound(length: number): number {
  return length + Math.ceil(length / 255) + 16;
}

function writeLength(out: Uint8Array, at: number, rest: number): number {
  while (rest >= 255) {
    out[at++] = 255;
    rest -= 255;
  }
  out[at++] = rest;
  return at;
}

/** One sequence: literals src[from, from + literals), then (unless last) a match of `length` at `offset` back. */
function sequence(out: Uint8Array, at: number, src: Uint8Array, from: number, literals: number, offset: number, length: number): number {
  const token = at++;
  let nibbles = Math.min(literals, 15) << 4;
  if (literals >= 15) at = writeLength(out, at, literals - 15);
  copy(out, at, src, from, literals);
  at += literals;
  if (length > 0) {
    out[at++] = offset & 0xff;
    out[at++] = offset >>> 8;
    const extra = length - MIN_MATCH;
    nibbles |= Math.min(extra, 15);
    if (extra >= 15) at = writeLength(out, at, extra - 15);
  }
  out[token] = nibbles;
  return at;
}

/** Compresses `src` into `out` (at least `lz4Bound(src.length)` bytes from `at`); returns where the output ends. */
export function lz4Compress(src: Uint8Array, out: Uint8Array, at: number): number {
  const end = src.length;
  const lastStart = end - MATCH_FREE_TAIL;
  const matchEnd = end - LAST_LITERALS;
  table.fill(-1);
  let anchor = 0;
  let ip = 0;
  while (ip < lastStart) {
    const word = read32(src, ip);
    const h = hash(word);
    let ref = table[h]!;
    table[h] = ip;
    if (ref < 0 || ip - ref > MAX_OFFSET || read32(src, ref) !== word) {
      // Further apart the longer nothing matched: incompressible input is passed over quickly.
      ip += 1 + ((ip - anchor) >> 6);
      continue;
    }
    while (ip > anchor && ref > 0 && src[ip - 1] === src[ref - 1]) {
      ip--;
      ref--;
    }
    let length = MIN_MATCH;
    while (ip + length < matchEnd && src[ip + length] === src[ref + length]) length++;
    at = sequence(out, at, src, anchor, ip - anchor, ip - ref, length);
    ip += length;
    anchor = ip;
  }
  return sequence(out, at, src, anchor, end - anchor, 0, 0);
}

class Lz4Error extends Error {
  override name = "Lz4Error";
}


/** The sum of a length's extra bytes from `at`: bytes of 255, then one below 255. */
function readLength(src: Uint8Array, at: number): number {
  let total = 0;
  let byte;
  do {
    if (at >= src.length) throw new Lz4Error("length runs past the input");
    byte = src[at++]!;
    total += byte;
  } while (byte === 255);
  return total;
}

/** How many bytes `readLength` read to sum to `extra`. */
function lengthBytes(extra: number): number {
  return Math.floor(extra / 255) + 1;
}

/**
 * Decompresses `src` into a new buffer of exactly `length` bytes. Any sequence that would read past
 * the input, write past `length` or copy from before the output's start, and any output that is not
 * exactly `length` bytes, throws: damaged input never yields a wrong value or takes more memory.
 */
export function lz4Decompress(src: Uint8Array, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  const end = src.length;
  let ip = 0;
  let op = 0;
  for (;;) {
    if (ip >= end) throw new Lz4Error("input ends before its last sequence");
    const token = src[ip++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      literals += readLength(src, ip);
      ip += lengthBytes(literals - 15);
    }
    if (ip + literals > end || op + literals > length) throw new Lz4Error("literals run past a buffer");
    copy(out, op, src, ip, literals);
    ip += literals;
    op += literals;
    if (ip === end) break;
    if (ip + 2 > end) throw new Lz4Error("offset runs past the input");
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw new Lz4Error("offset points before the output");
    let match = token & 15;
    if (match === 15) {
      match += readLength(src, ip);
      ip += lengthBytes(match - 15);
    }
    match += MIN_MATCH;
    if (op + match > length) throw new Lz4Error("match runs past the output");
    // Byte by byte, front to back: an overlapping match (offset < length) repeats what it writes.
    for (const stop = op + match; op < stop; op++) out[op] = out[op - offset]!;
  }
  if (op !== length) throw new Lz4Error(`output is ${op} bytes, not ${length}`);
  return out;
}
