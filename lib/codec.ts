import { deserialize, serialize } from "node:v8";
// msgpackr's "pack" entry is its pure JavaScript codec. The main entry also loads msgpackr-extract,
// a native string extractor: that took about 15 ms of every process's start, and on this cache's
// records (hundreds of bytes) decoding ran slower with it than without.
import { Packr, RESERVE_START_SPACE } from "msgpackr/pack";
import { CacheError } from "./errors.ts";
import { LZ4_MAX_RATIO, lz4Bound, lz4Compress, lz4Decompress } from "./lz4.ts";
import { isPlainJson } from "./plain-json.ts";
import type { ValueCodec } from "./types.ts";

// A record is [flags][expiry: float64 LE]?[full key length: uint32 LE][full key]?[payload].
// The flags say which parts are there, which codec wrote the payload and whether it is compressed,
// so every process reads every record whatever codec and compression it writes with.
// A compressed payload is [its length uncompressed: uint32 LE][LZ4 block].
const HAS_EXPIRY = 0b0001;
const HAS_FULL_KEY = 0b0010;
const CODEC_SHIFT = 2;
const CODEC_MASK = 0b1100;
const COMPRESSED_LZ4 = 0b1_0000;
const KNOWN_FLAGS = HAS_EXPIRY | HAS_FULL_KEY | CODEC_MASK | COMPRESSED_LZ4;

const CODEC_JSON = 0;
const CODEC_STRUCTURED = 1;
const CODEC_UNDEFINED = 2;
/** JSON semantics in MessagePack bytes: for plain JSON values, which it encodes and decodes faster than JSON text. */
const CODEC_JSON_BINARY = 3;

const msgpack = new Packr({ useRecords: false, mapsAsObjects: true });

function rejectUnstorable(_key: string, value: unknown): unknown {
  const kind = typeof value;
  if (kind === "function" || kind === "symbol") {
    throw new CacheError("CACHE_INVALID_VALUE", `a ${kind} cannot be stored`);
  }
  return value;
}

/** The payload's bytes after `headLength` bytes left for the head, and the codec that wrote them. */
function encodePayload(value: unknown, codec: ValueCodec, headLength: number): { id: number; out: Buffer } {
  if (value === undefined) return { id: CODEC_UNDEFINED, out: Buffer.allocUnsafe(headLength) };
  // Plain JSON is packed straight after room for the head: the record is made without another copy.
  // The buffer is a view of msgpackr's, which never packs over it again.
  if (codec === "json" && isPlainJson(value)) return { id: CODEC_JSON_BINARY, out: msgpack.pack(value, RESERVE_START_SPACE | headLength) };
  const bytes = codec === "structured" ? serialize(value) : jsonText(value);
  const out = Buffer.allocUnsafe(headLength + bytes.length);
  bytes.copy(out, headLength);
  return { id: codec === "structured" ? CODEC_STRUCTURED : CODEC_JSON, out };
}

function jsonText(value: unknown): Buffer {
  const text = JSON.stringify(value, rejectUnstorable) as string | undefined;
  if (text === undefined) throw new CacheError("CACHE_INVALID_VALUE", "the value has no JSON form");
  return Buffer.from(text, "utf8");
}

/** With compression on and no `thresholdBytes` given, payloads up to this many bytes are stored as they are. */
export const DEFAULT_COMPRESSION_THRESHOLD = 256;
/** The threshold that compresses nothing. */
export const NEVER_COMPRESS = Infinity;
/** What an open without a `compression` option compresses (docs/performance.md says why). */
export const DEFAULT_COMPRESS_ABOVE = NEVER_COMPRESS;

/**
 * The record with its payload (after `headLength` bytes) compressed, or undefined when compressing
 * would not make it smaller.
 */
function compressed(record: Buffer, headLength: number): Buffer | undefined {
  const payloadLength = record.length - headLength;
  const out = Buffer.allocUnsafe(headLength + 4 + lz4Bound(payloadLength));
  const end = lz4Compress(record.subarray(headLength), out, headLength + 4);
  if (end >= record.length) return undefined;
  record.copy(out, 0, 0, headLength);
  out[0]! |= COMPRESSED_LZ4;
  out.writeUInt32LE(payloadLength, headLength);
  return out.subarray(0, end);
}

/**
 * The record of a value, with its expiry if any: `[flags][expiry]?[payload]`. A payload longer than
 * `compressAbove` bytes is compressed when that makes the record smaller.
 */
export function encodeRecord(value: unknown, codec: ValueCodec, expiry: number | undefined, compressAbove: number): Buffer {
  const headLength = expiry === undefined ? 1 : 9;
  let encoded;
  try {
    encoded = encodePayload(value, codec, headLength);
  } catch (error) {
    if (error instanceof CacheError) throw error;
    throw new CacheError("CACHE_INVALID_VALUE", `value cannot be stored: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const { id, out } = encoded;
  out[0] = (id << CODEC_SHIFT) | (expiry === undefined ? 0 : HAS_EXPIRY);
  if (expiry !== undefined) out.writeDoubleLE(expiry, 1);
  if (out.length - headLength <= compressAbove) return out;
  return compressed(out, headLength) ?? out;
}

/** The record with the full key it belongs to, as a hashed slot's record must carry; an inline key's record as it is. */
export function withFullKey(record: Buffer, full: Buffer | undefined): Buffer {
  if (full === undefined) return record;
  const headLength = record[0]! & HAS_EXPIRY ? 9 : 1;
  const out = Buffer.allocUnsafe(record.length + 4 + full.length);
  record.copy(out, 0, 0, headLength);
  out[0]! |= HAS_FULL_KEY;
  let at = out.writeUInt32LE(full.length, headLength);
  at += full.copy(out, at);
  record.copy(out, at, headLength);
  return out;
}

/** The parts of a record, read without decoding the payload. */
export type RecordHead = { expiry: number | undefined; full: Buffer | undefined; codec: number; compressed: boolean; payloadAt: number };

function corrupt(why: string, cause?: unknown): CacheError {
  return new CacheError("CACHE_CORRUPT", `stored record is damaged: ${why}`, { cause });
}

export function readHead(record: Buffer): RecordHead {
  const flags = record[0];
  if (flags === undefined || (flags & ~KNOWN_FLAGS) !== 0) throw corrupt("unknown record flags");
  const codec = (flags & CODEC_MASK) >> CODEC_SHIFT;
  let at = 1;
  let expiry: number | undefined;
  let full: Buffer | undefined;
  if (flags & HAS_EXPIRY) {
    if (record.length < at + 8) throw corrupt("truncated expiry");
    expiry = record.readDoubleLE(at);
    at += 8;
  }
  if (flags & HAS_FULL_KEY) {
    if (record.length < at + 4) throw corrupt("truncated key length");
    const length = record.readUInt32LE(at);
    at += 4;
    if (record.length < at + length) throw corrupt("truncated key");
    full = record.subarray(at, at + length);
    at += length;
  }
  return { expiry, full, codec, compressed: (flags & COMPRESSED_LZ4) !== 0, payloadAt: at };
}

/** Whether the payload is plain JSON in MessagePack, the one form whose decoded values can be copied cheaply. */
export function isPlainPayload(head: RecordHead): boolean {
  return head.codec === CODEC_JSON_BINARY;
}

/**
 * A compressed payload's bytes, refused unless they decompress to exactly the length stored beside
 * them. That length is checked against the most the compressed bytes could honestly yield before
 * anything is allocated, so a damaged length cannot make a read take unbounded memory.
 */
function decompressed(record: Buffer, at: number): Buffer {
  if (record.length < at + 4) throw corrupt("truncated compressed payload");
  const length = record.readUInt32LE(at);
  const block = record.subarray(at + 4);
  if (length > block.length * LZ4_MAX_RATIO) throw corrupt(`compressed payload claims ${length} bytes, more than ${block.length} bytes can hold`);
  try {
    return lz4Decompress(block, length);
  } catch (error) {
    throw corrupt("compressed payload cannot be decompressed", error);
  }
}

export function decodePayload(record: Buffer, head: RecordHead): unknown {
  if (head.codec === CODEC_UNDEFINED) return undefined;
  const payload = head.compressed ? decompressed(record, head.payloadAt) : record.subarray(head.payloadAt);
  try {
    if (head.codec === CODEC_JSON_BINARY) return msgpack.unpack(payload);
    if (head.codec === CODEC_STRUCTURED) return deserialize(payload);
    return JSON.parse(payload.toString("utf8"));
  } catch (error) {
    throw corrupt("payload cannot be decoded", error);
  }
}

/** A record's expiry; undefined when it has none, and for a damaged record, which a sweep leaves alone. */
export function expiryOfRecord(record: Buffer | undefined): number | undefined {
  if (record === undefined) return undefined;
  try {
    return readHead(record).expiry;
  } catch {
    return undefined;
  }
}
