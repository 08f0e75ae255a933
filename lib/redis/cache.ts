import { checkBatch, checkKey, checkLimit, closedError, nestedNamespace, preparePut } from "../checks.ts";
import { decodePayload, encodeRecord, expiryOrLive, readHead } from "../codec.ts";
import { CacheError } from "../errors.ts";
import { expiryOf, isExpired } from "../ttl.ts";
import type { Cache, Millis, ValueCodec } from "../types.ts";
import { loadRedis, type RedisClientLike, redisFailure, within } from "./connection.ts";
import { cacheHead, logicalKey, namespaceHead, prefixPattern, redisKey } from "./keys.ts";

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
  readonly commandTimeoutMs: number;
  readonly expiryGraceMs: number;
  closed: boolean;
};

// Deletes the key only while it still holds the record that was read: a value another client wrote
// after that read survives (the LMDB backend does the same in a write transaction).
const DELETE_IF_UNCHANGED = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/** Keys read per round trip by entries() and sweepExpired(), and asked of each SCAN step. */
const CHUNK = 500;

function checkOpen(core: RedisCore): void {
  if (core.closed) throw closedError();
}

/** Work on the client that fails within the command timeout; a client that is not connected fails at once. */
async function guarded<R>(core: RedisCore, what: string, work: () => Promise<R>): Promise<R> {
  checkOpen(core);
  try {
    if (!core.client.isReady) throw new CacheError("CACHE_UNAVAILABLE", "not connected to Redis");
    return await within(work(), core.commandTimeoutMs, what);
  } catch (error) {
    throw core.closed ? closedError() : redisFailure(core.redis, error, `Redis ${what} failed`);
  }
}

/** One command, with binary replies. */
function run(core: RedisCore, args: ReadonlyArray<string | Buffer>): Promise<unknown> {
  const options = { typeMapping: { [core.redis.RESP_TYPES.BLOB_STRING]: Buffer } };
  return guarded(core, String(args[0]), () => core.client.sendCommand(args, options));
}

/** The arguments of SET for a record with this TTL: the server drops it `expiryGraceMs` after its expiry. */
function setArgs(core: RedisCore, key: Buffer, record: Buffer, ttl: Millis | undefined): Array<string | Buffer> {
  if (ttl === undefined) return ["SET", key, record];
  return ["SET", key, record, "PX", String(Math.max(1, Math.ceil(ttl + core.expiryGraceMs)))];
}

async function deleteIfUnchanged(core: RedisCore, key: Buffer, seen: Buffer): Promise<boolean> {
  return (await run(core, ["EVAL", DELETE_IF_UNCHANGED, "1", key, seen])) === 1;
}

async function expireQuietly(core: RedisCore, key: Buffer, seen: Buffer): Promise<void> {
  try {
    await deleteIfUnchanged(core, key, seen);
  } catch {
    // The entry reads as missing either way; the server's own expiry, a later read or a sweep removes it.
  }
}

/** Every key matching the prefix, once each, in byte order (SCAN may return a key twice, in any order). */
async function scanKeys(core: RedisCore, head: Buffer): Promise<Buffer[]> {
  const pattern = prefixPattern(head);
  const seen = new Map<string, Buffer>();
  let cursor = "0";
  do {
    const [next, keys] = (await run(core, ["SCAN", cursor, "MATCH", pattern, "COUNT", String(CHUNK)])) as [Buffer, Buffer[]];
    cursor = next.toString("latin1");
    for (const key of keys) seen.set(key.toString("latin1"), key);
  } while (cursor !== "0");
  return [...seen.values()].sort(Buffer.compare);
}

/** The records of `keys` in order, `undefined` for keys gone since they were listed. */
async function readRecords(core: RedisCore, keys: Buffer[]): Promise<Array<Buffer | undefined>> {
  // One GET per key rather than MGET: node-redis pipelines them, and keys of different namespaces may
  // live in different cluster slots.
  const records = await Promise.all(keys.map((key) => run(core, ["GET", key])));
  return records.map((record) => (record === null ? undefined : (record as Buffer)));
}

export function createRedisView<T>(core: RedisCore, namespace: string): Cache<T> {
  const head = namespaceHead(core.prefix, namespace);

  const get = async (key: string): Promise<T | undefined> => {
    checkOpen(core);
    checkKey(key);
    const stored = redisKey(head, key);
    const record = (await run(core, ["GET", stored])) as Buffer | null;
    if (record === null) return undefined;
    const parts = readHead(record);
    if (isExpired(parts.expiry, core.now())) {
      await expireQuietly(core, stored, record);
      return undefined;
    }
    return decodePayload(record, parts) as T;
  };

  const view: Cache<T> = {
    get,
    has: async (key) => (await get(key)) !== undefined,
    set: async (key, value, opts) => {
      checkOpen(core);
      const { ttl, record } = preparePut(core, key, value, opts);
      await run(core, setArgs(core, redisKey(head, key), record, ttl));
    },
    del: async (key) => {
      checkOpen(core);
      checkKey(key);
      await run(core, ["DEL", redisKey(head, key)]);
    },
    batch: async (ops) => {
      checkOpen(core);
      const now = core.now();
      const commands = checkBatch(ops, core.defaultTtl).map((op) => {
        const stored = redisKey(head, op.key);
        if (op.type === "del") return ["DEL", stored];
        return setArgs(core, stored, encodeRecord(op.value, core.codec, expiryOf(op.ttl, now)), op.ttl);
      });
      if (commands.length === 0) return;
      // MULTI/EXEC: the server applies all of it at once, or none of it when the transaction fails.
      await guarded(core, "MULTI/EXEC", async () => {
        const multi = core.client.multi();
        for (const command of commands) multi.addCommand(command);
        await multi.exec();
      });
    },
    entries: (opts) => entries<T>(core, head, opts),
    sweepExpired: () => sweepExpired(core),
    withNamespace: (ns) => createRedisView<T>(core, nestedNamespace(namespace, ns)),
    close: async () => {
      if (core.closed) return;
      core.closed = true;
      await core.release();
    },
  };
  return Object.freeze(view);
}

async function* entries<T>(core: RedisCore, head: Buffer, opts: unknown): AsyncGenerator<[string, T]> {
  checkOpen(core);
  const limit = checkLimit(opts);
  if (limit === 0) return;
  const keys = await scanKeys(core, head);
  let counted = 0;
  for (let at = 0; at < keys.length && counted < limit; at += CHUNK) {
    const chunk = keys.slice(at, at + CHUNK);
    const records = await readRecords(core, chunk);
    for (const [index, record] of records.entries()) {
      checkOpen(core);
      if (record === undefined) continue;
      if (counted >= limit) return;
      counted++;
      const parts = readHead(record);
      if (isExpired(parts.expiry, core.now())) {
        await expireQuietly(core, chunk[index]!, record);
        continue;
      }
      yield [logicalKey(head, chunk[index]!), decodePayload(record, parts) as T];
    }
  }
}

async function sweepExpired(core: RedisCore): Promise<number> {
  checkOpen(core);
  const now = core.now();
  const keys = await scanKeys(core, cacheHead(core.prefix));
  let deleted = 0;
  for (let at = 0; at < keys.length; at += CHUNK) {
    const chunk = keys.slice(at, at + CHUNK);
    const records = await readRecords(core, chunk);
    const removed = await Promise.all(
      records.map((record, index) =>
        record !== undefined && isExpired(expiryOrLive(record), now) ? deleteIfUnchanged(core, chunk[index]!, record) : false,
      ),
    );
    deleted += removed.filter(Boolean).length;
  }
  return deleted;
}
