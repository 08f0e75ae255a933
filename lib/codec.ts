import { deserialize, serialize } from "node:v8";
// msgpackr's "pack" entry is its pure JavaScript codec. The main entry also loads msgpackr-extract,
// a native string extractor: that took about 15 ms of every process's start, and on this cache's
// records (hundreds of bytes) decoding ran slower with it than without.
import { Packr, RESERVE_START_SPACE } from "msgpackr/pack";
import { CacheError } from "./errors.ts";
import { isPlainJson } from "./plain-json.ts";
import type { ValueCodec } from "./types.ts";

// A record is [flags][expiry: float64 LE]?[full key length: uint32 LE][full key]?[payload].
// The flags say which parts are there and which codec wrote the payload, so every process
// reads every record whatever codec it writes with.
const HAS_EXPIRY = 0b0001;
const HAS_FULL_KEY = 0b0010;
const CODEC_SHIFT = 2;
const CODEC_MASK = 0b1100;
const KNOWN_FLAGS = HAS_EXPIRY | HAS_FULL_KEY | CODEC_MASK;

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

/** The record of a value, with its expiry if any: `[flags][expiry]?[payload]`. */
export function encodeRecord(value: unknown, codec: ValueCodec, expiry: number | undefined): Buffer {
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
  return out;
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
export type RecordHead = { expiry: number | undefined; full: Buffer | undefined; codec: number; payloadAt: number };

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
  return { expiry, full, codec, payloadAt: at };
}

/** Whether the payload is plain JSON in MessagePack, the one form whose decoded values can be copied cheaply. */
export function isPlainPayload(head: RecordHead): boolean {
  return head.codec === CODEC_JSON_BINARY;
}

export function decodePayload(record: Buffer, head: RecordHead): unknown {
  if (head.codec === CODEC_UNDEFINED) return undefined;
  try {
    if (head.codec === CODEC_JSON_BINARY) return msgpack.unpack(record.subarray(head.payloadAt));
    if (head.codec === CODEC_STRUCTURED) return deserialize(record.subarray(head.payloadAt));
    return JSON.parse(record.toString("utf8", head.payloadAt));
  } catch (error) {
    throw corrupt("payload cannot be decoded", error);
  }
}

/** A damaged record has no expiry a sweep could trust: it is left for get, entries and del to report. */
export function expiryOrLive(record: Buffer): number | undefined {
  try {
    return readHead(record).expiry;
  } catch {
    return undefined;
  }
}
