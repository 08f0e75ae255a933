import { deserialize, serialize } from "node:v8";
import { Packr } from "msgpackr";
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
/** JSON semantics in MessagePack bytes: for plain JSON values, which it decodes in half JSON.parse's time. */
const CODEC_JSON_BINARY = 3;

const msgpack = new Packr({ useRecords: false, mapsAsObjects: true });

export type Payload = { codec: number; bytes: Buffer };

function rejectUnstorable(_key: string, value: unknown): unknown {
  const kind = typeof value;
  if (kind === "function" || kind === "symbol") {
    throw new CacheError("CACHE_INVALID_VALUE", `a ${kind} cannot be stored`);
  }
  return value;
}

export function encodeValue(value: unknown, codec: ValueCodec): Payload {
  if (value === undefined) return { codec: CODEC_UNDEFINED, bytes: Buffer.alloc(0) };
  try {
    if (codec === "structured") return { codec: CODEC_STRUCTURED, bytes: serialize(value) };
    if (isPlainJson(value)) return { codec: CODEC_JSON_BINARY, bytes: msgpack.pack(value) };
    return { codec: CODEC_JSON, bytes: Buffer.from(JSON.stringify(value, rejectUnstorable), "utf8") };
  } catch (error) {
    if (error instanceof CacheError) throw error;
    throw new CacheError("CACHE_INVALID_VALUE", `value cannot be stored: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export function encodeRecord(payload: Payload, expiry: number | undefined, full: Buffer | undefined): Buffer {
  let flags = payload.codec << CODEC_SHIFT;
  let size = 1 + payload.bytes.length;
  if (expiry !== undefined) {
    flags |= HAS_EXPIRY;
    size += 8;
  }
  if (full !== undefined) {
    flags |= HAS_FULL_KEY;
    size += 4 + full.length;
  }
  const out = Buffer.allocUnsafe(size);
  out[0] = flags;
  let at = 1;
  if (expiry !== undefined) at = out.writeDoubleLE(expiry, at);
  if (full !== undefined) {
    at = out.writeUInt32LE(full.length, at);
    at += full.copy(out, at);
  }
  payload.bytes.copy(out, at);
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
