import { checkBatch, checkKey, checkLimit, nestedNamespace, preparePut } from "../checks.ts";
import { decodePayload, encodeRecord, expiryOfRecord, readHead } from "../codec.ts";
import { expiryOf, isExpired } from "../ttl.ts";
import type { Cache, CacheStats } from "../types.ts";
import { checkOpen, deleteIfUnchanged, expireQuietly, guarded, readEntry, type RedisCore, run, setArgs } from "./core.ts";
import { getOrSet, release } from "./get-or-set.ts";
import { cacheHead, isEntryKey, logicalKey, namespaceHead, prefixPattern, redisKey } from "./keys.ts";

/** Keys read per round trip by entries(), sweepExpired() and stats(), deleted per UNLINK by clear(), and asked of each SCAN step. */
const CHUNK = 500;

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
  // One GET per key rather than MGET: node-redis pipelines them, and keys of different namespaces (a
  // sweep reads every namespace) may live in different cluster slots.
  const records = await Promise.all(keys.map((key) => run(core, ["GET", key])));
  return records.map((record) => (record === null ? undefined : (record as Buffer)));
}

/** `work` for each chunk of `keys`, one chunk at a time. */
async function inChunks<R>(keys: Buffer[], work: (chunk: Buffer[]) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let at = 0; at < keys.length; at += CHUNK) results.push(await work(keys.slice(at, at + CHUNK)));
  return results;
}

export function createRedisView<T>(core: RedisCore, namespace: string): Cache<T> {
  const head = namespaceHead(core.prefix, namespace);

  const get = async (key: string): Promise<T | undefined> => {
    checkOpen(core);
    checkKey(key);
    return (await readEntry(core, redisKey(head, key), true))?.value as T | undefined;
  };

  const view: Cache<T> = {
    get,
    has: async (key) => (await get(key)) !== undefined,
    set: async (key, value, opts) => {
      checkOpen(core);
      const { ttl, record } = preparePut(core, key, value, opts);
      await run(core, setArgs(core, redisKey(head, key), record, ttl));
      core.counts.sets++;
    },
    del: async (key) => {
      checkOpen(core);
      checkKey(key);
      await run(core, ["DEL", redisKey(head, key)]);
      core.counts.deletes++;
    },
    batch: async (ops) => {
      checkOpen(core);
      const now = core.now();
      const checked = checkBatch(ops, core.defaultTtl);
      const commands = checked.map((op) => {
        const stored = redisKey(head, op.key);
        if (op.type === "del") return ["DEL", stored];
        return setArgs(core, stored, encodeRecord(op.value, core.codec, expiryOf(op.ttl, now), core.compressAbove), op.ttl);
      });
      if (commands.length === 0) return;
      // MULTI/EXEC: the server applies all of it at once, or none of it when the transaction fails.
      await guarded(core, "MULTI/EXEC", async () => {
        const multi = core.client.multi();
        for (const command of commands) multi.addCommand(command);
        await multi.exec();
      });
      for (const op of checked) core.counts[op.type === "del" ? "deletes" : "sets"]++;
    },
    entries: (opts) => entries<T>(core, head, opts),
    sweepExpired: () => sweepExpired(core),
    getOrSet: (key, compute, opts) => getOrSet<T>(core, head, key, compute, opts),
    clear: async () => {
      checkOpen(core);
      // Not one step as on LMDB: the keys listed are unlinked a chunk at a time (docs/redis.md).
      await inChunks(await scanKeys(core, head), (chunk) => run(core, ["UNLINK", ...chunk]));
    },
    stats: () => stats(core),
    withNamespace: (ns) => createRedisView<T>(core, nestedNamespace(namespace, ns)),
    close: async () => {
      if (core.closed) return;
      // The claims this open holds go, so that no other caller waits for computations that cannot store.
      await Promise.all([...core.claims].map(([id, token]) => release(core, Buffer.from(id, "latin1"), token).catch(() => undefined)));
      core.claims.clear();
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
  const keys = (await scanKeys(core, head)).filter(isEntryKey);
  let counted = 0;
  for (let at = 0; at < keys.length && counted < limit; at += CHUNK) {
    const chunk = keys.slice(at, at + CHUNK);
    // One MGET a chunk: the namespace's keys share a hash slot, and a chunk's values are of one moment.
    const records = (await run(core, ["MGET", ...chunk])) as Array<Buffer | null>;
    for (const [index, record] of records.entries()) {
      checkOpen(core);
      if (record === null) continue;
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
  // Claims and timings are left to the server's expiry (PX): they are not entries to count.
  const keys = (await scanKeys(core, cacheHead(core.prefix))).filter(isEntryKey);
  const removed = await inChunks(keys, async (chunk) => {
    const records = await readRecords(core, chunk);
    const deleted = await Promise.all(
      records.map((record, index) =>
        record !== undefined && isExpired(expiryOfRecord(record), now) ? deleteIfUnchanged(core, chunk[index]!, record) : false,
      ),
    );
    return deleted.filter(Boolean).length;
  });
  return removed.reduce((sum, n) => sum + n, 0);
}

/** This open's counts, and the entries of this cache (every namespace of its prefix) with the memory the server gives them. */
async function stats(core: RedisCore): Promise<CacheStats> {
  checkOpen(core);
  const keys = (await scanKeys(core, cacheHead(core.prefix))).filter(isEntryKey);
  const sizes = await inChunks(keys, async (chunk) => {
    const used = await Promise.all(chunk.map((key) => run(core, ["MEMORY", "USAGE", key, "SAMPLES", "0"])));
    return used.reduce<number>((sum, bytes) => sum + (typeof bytes === "number" ? bytes : 0), 0);
  });
  return { ...core.counts, entries: keys.length, bytes: sizes.reduce((sum, n) => sum + n, 0) };
}
