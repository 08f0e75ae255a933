import { wtf8Decode, wtf8Encode } from "../wtf8.ts";

// A Redis key is `{` enc(prefix) `:` enc(namespace) `}` wtf8(key). enc() is WTF-8 with `%`, `{`, `}`
// and `:` written as %XX, so the first `}` always ends the namespace part: distinct (prefix, namespace,
// key) triples never share a key, and no key of one namespace starts with another's part. The part in
// braces is Redis Cluster's hash tag, so a namespace's keys share one hash slot and a batch (MULTI) of
// one view never spans slots. WTF-8 keeps lone surrogates distinct, as the LMDB backend's keys do.

const ESCAPED = new Set([0x25, 0x7b, 0x7d, 0x3a]); // % { } :
const OPEN = 0x7b;
const CLOSE = 0x7d;
const COLON = 0x3a;

function enc(text: string): number[] {
  const out: number[] = [];
  for (const byte of wtf8Encode(text)) {
    if (ESCAPED.has(byte)) out.push(0x25, ...Buffer.from(byte.toString(16).toUpperCase(), "latin1"));
    else out.push(byte);
  }
  return out;
}

/** The bytes every key of one namespace of one cache starts with. */
export function namespaceHead(prefix: string, namespace: string): Buffer {
  return Buffer.from([OPEN, ...enc(prefix), COLON, ...enc(namespace), CLOSE]);
}

/** The bytes every key of every namespace of one cache starts with. */
export function cacheHead(prefix: string): Buffer {
  return Buffer.from([OPEN, ...enc(prefix), COLON]);
}

export function redisKey(head: Buffer, key: string): Buffer {
  return Buffer.concat([head, wtf8Encode(key)]);
}

// The library's own records of a key sit beside it in its namespace (so in its hash slot), marked by a
// byte WTF-8 never produces: getOrSet's claim (0xFF) and the last computation's duration (0xFE).
const CLAIM_MARK = 0xff;
const TIMING_MARK = 0xfe;

export function claimKey(head: Buffer, key: string): Buffer {
  return Buffer.concat([head, Buffer.of(CLAIM_MARK), wtf8Encode(key)]);
}

export function timingKey(head: Buffer, key: string): Buffer {
  return Buffer.concat([head, Buffer.of(TIMING_MARK), wtf8Encode(key)]);
}

/** Whether a key of this cache is an entry, not one of the library's own records. */
export function isEntryKey(stored: Buffer): boolean {
  const end = stored.indexOf(CLOSE);
  return end + 1 >= stored.length || stored[end + 1]! < TIMING_MARK;
}

/** The logical key of a Redis key of the namespace whose head is `head`. */
export function logicalKey(head: Buffer, stored: Buffer): string {
  return wtf8Decode(stored.subarray(head.length));
}

// Glob metacharacters of Redis's MATCH: `*`, `?`, `[` (and `]`), and `\`, which escapes the next byte.
const GLOB = new Set([0x2a, 0x3f, 0x5b, 0x5d, 0x5c]);

/** A SCAN MATCH pattern for the keys that start with `head`, whatever bytes `head` holds. */
export function prefixPattern(head: Buffer): Buffer {
  const out: number[] = [];
  for (const byte of head) {
    if (GLOB.has(byte)) out.push(0x5c);
    out.push(byte);
  }
  out.push(0x2a);
  return Buffer.from(out);
}
