// What the views of one Redis open share, and the round trips every member is made of.
import { closedError } from "../checks.ts";
import { decodePayload, readHead } from "../codec.ts";
import { CacheError } from "../errors.ts";
import { isExpired } from "../ttl.ts";
import type { Millis, ValueCodec } from "../types.ts";
import { type loadRedis, type RedisClientLike, redisFailure, within } from "./connection.ts";

export type Counts = { hits: number; misses: number; sets: number; deletes: number; expiredOnRead: number; computes: number };

/** What every view of one open shares: the client, the settings, and whether it was closed. */
export type RedisCore = {
  readonly redis: Awaited<ReturnType<typeof loadRedis>>;
  readonly client: RedisClientLike;
  /** Ends the client when the cache made it; nothing when the caller gave it. */
  readonly release: () => Promise<void>;
  readonly prefix: string;
  readonly now: () => number;
  readonly codec: ValueCodec;
  readonly defaultTtl: Millis | undefined;
  /** Always NEVER_COMPRESS: the server's memory, not a data file, holds the records. */
  readonly compressAbove: number;
  readonly commandTimeoutMs: number;
  readonly expiryGraceMs: number;
  closed: boolean;
  /** This open's counts, for stats(). */
  readonly counts: Counts;
  /** getOrSet calls of this open in progress, by key: later calls for the key share them. */
  readonly pending: Map<string, Promise<unknown>>;
  /** Claims this open holds, by claim key (latin1) to token: released at close. */
  readonly claims: Map<string, Buffer>;
};

export function newCounts(): Counts {
  return { hits: 0, misses: 0, sets: 0, deletes: 0, expiredOnRead: 0, computes: 0 };
}

// Deletes the key only while it still holds the bytes given: a value another client wrote after they
// were read survives (the LMDB backend does the same in a write transaction).
const DELETE_IF_UNCHANGED = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

export function checkOpen(core: RedisCore): void {
  if (core.closed) throw closedError();
}

/** Work on the client that fails within the command timeout; a client that is not connected fails at once. */
export async function guarded<R>(core: RedisCore, what: string, work: () => Promise<R>): Promise<R> {
  checkOpen(core);
  try {
    if (!core.client.isReady) throw new CacheError("CACHE_UNAVAILABLE", "not connected to Redis");
    return await within(work(), core.commandTimeoutMs, what);
  } catch (error) {
    throw core.closed ? closedError() : redisFailure(core.redis, error, `Redis ${what} failed`);
  }
}

/** One command, with binary replies. */
export function run(core: RedisCore, args: ReadonlyArray<string | Buffer>): Promise<unknown> {
  const options = { typeMapping: { [core.redis.RESP_TYPES.BLOB_STRING]: Buffer } };
  return guarded(core, String(args[0]), () => core.client.sendCommand(args, options));
}

/** The server's expiry of a record with this TTL: `expiryGraceMs` after its own, at least 1 ms; none without a TTL. */
export function serverTtl(core: RedisCore, ttl: Millis | undefined): string | undefined {
  return ttl === undefined ? undefined : String(Math.max(1, Math.ceil(ttl + core.expiryGraceMs)));
}

/** The arguments of SET for a record with this TTL. */
export function setArgs(core: RedisCore, key: Buffer, record: Buffer, ttl: Millis | undefined): Array<string | Buffer> {
  const px = serverTtl(core, ttl);
  return px === undefined ? ["SET", key, record] : ["SET", key, record, "PX", px];
}

export async function deleteIfUnchanged(core: RedisCore, key: Buffer, seen: Buffer): Promise<boolean> {
  return (await run(core, ["EVAL", DELETE_IF_UNCHANGED, "1", key, seen])) === 1;
}

export async function expireQuietly(core: RedisCore, key: Buffer, seen: Buffer): Promise<void> {
  try {
    await deleteIfUnchanged(core, key, seen);
  } catch {
    // The entry reads as missing either way; the server's own expiry, a later read or a sweep removes it.
  }
}

export type Found = { value: unknown; expiry: number | undefined };

/** The live entry under `stored`; an expired one is deleted (if unchanged) and reads as missing. */
export async function readEntry(core: RedisCore, stored: Buffer, counted: boolean): Promise<Found | undefined> {
  const record = (await run(core, ["GET", stored])) as Buffer | null;
  const counts = counted ? core.counts : newCounts();
  if (record === null) {
    counts.misses++;
    return undefined;
  }
  const head = readHead(record);
  if (isExpired(head.expiry, core.now())) {
    counts.misses++;
    counts.expiredOnRead++;
    await expireQuietly(core, stored, record);
    return undefined;
  }
  counts.hits++;
  return { value: decodePayload(record, head), expiry: head.expiry };
}
