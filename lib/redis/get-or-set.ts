// getOrSet on Redis: one computation per key across every client of the server. A caller that finds
// the key missing claims it with `SET claim token NX PX leaseMs`; the others wait, reading the key,
// until the value is there or the claim is gone. The owner stores the value only while its claim is
// still its own (a Lua script compares the token), and drops the claim in the same step. An owner on
// another host that dies is known only by its lease running out: there is no process to look at.
import { randomBytes } from "node:crypto";
import { checkKey } from "../checks.ts";
import { encodeRecord } from "../codec.ts";
import { CacheError } from "../errors.ts";
import { checkSettings, MAX_PAUSE_MS, pause, type Settings, xfetchDue } from "../get-or-set.ts";
import { expiryOf } from "../ttl.ts";
import { checkOpen, deleteIfUnchanged, type Found, readEntry, type RedisCore, run, serverTtl } from "./core.ts";
import { claimKey, redisKey, timingKey } from "./keys.ts";

// KEYS: the value, the claim, the timing. ARGV: the claim's token, the record, its PX ("" for none),
// the timing record ("" for none) and its PX.
const STORE_IF_CLAIMED = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
if ARGV[3] == '' then redis.call('SET', KEYS[1], ARGV[2]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
redis.call('DEL', KEYS[2])
if ARGV[4] ~= '' then redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[5]) end
return 1`;

type Keys = { value: Buffer; claim: Buffer; timing: Buffer };

/**
 * Claims the key for `leaseMs` unless another caller holds it: the token, or undefined. The claim is
 * registered before it is sent, so that a close() meanwhile drops it: one connection keeps its commands
 * in order, so that drop runs after the claim.
 */
async function tryClaim(core: RedisCore, keys: Keys, settings: Settings): Promise<Buffer | undefined> {
  const token = randomBytes(16);
  const id = keys.claim.toString("latin1");
  core.claims.set(id, token);
  try {
    const reply = await run(core, ["SET", keys.claim, token, "NX", "PX", String(Math.max(1, Math.ceil(settings.lease)))]);
    if (reply !== null) return token;
  } catch (error) {
    core.claims.delete(id);
    throw error;
  }
  core.claims.delete(id);
  return undefined;
}

/** Drops the claim if it is still ours: after a failed computation, or at close. */
export async function release(core: RedisCore, claim: Buffer, token: Buffer): Promise<void> {
  await deleteIfUnchanged(core, claim, token);
}

function timingRecord(expiry: number, ms: number): Buffer {
  const out = Buffer.allocUnsafe(16);
  out.writeDoubleLE(expiry, 0);
  out.writeDoubleLE(ms, 8);
  return out;
}

async function computeAsOwner<T>(core: RedisCore, keys: Keys, token: Buffer, key: string, compute: (key: string) => T | Promise<T>, settings: Settings): Promise<T> {
  try {
    const started = performance.now();
    core.counts.computes++;
    let record: Buffer;
    let value: T;
    let expiry: number | undefined;
    try {
      value = await compute(key);
      checkOpen(core);
      expiry = expiryOf(settings.ttl, core.now());
      record = encodeRecord(value, core.codec, expiry, core.compressAbove);
    } catch (error) {
      // Nothing will be stored: the claim goes at once, so that a waiter computes next.
      if (!core.closed) await release(core, keys.claim, token).catch(() => undefined);
      throw error;
    }
    const px = serverTtl(core, settings.ttl) ?? "";
    // The duration is kept only for callers that refresh early, as long as the value it timed.
    const timing = settings.beta > 0 && expiry !== undefined ? timingRecord(expiry, performance.now() - started) : "";
    // A claim that was lost (its lease ended, another caller took over) stores nothing: the new owner does.
    const stored = await run(core, ["EVAL", STORE_IF_CLAIMED, "3", keys.value, keys.claim, keys.timing, token, record, px, timing, px]);
    if (stored === 1) core.counts.sets++;
    return value;
  } finally {
    core.claims.delete(keys.claim.toString("latin1"));
  }
}

/** Claims the key and computes, or waits for the caller that holds it; in turn, until a value is there. */
async function obtain<T>(core: RedisCore, keys: Keys, key: string, compute: (key: string) => T | Promise<T>, settings: Settings): Promise<T> {
  const deadline = performance.now() + settings.wait;
  let wait = 1;
  for (;;) {
    checkOpen(core);
    const token = await tryClaim(core, keys, settings);
    if (token !== undefined) {
      // Another caller may have stored the value between this caller's read and its claim.
      const found = await readEntry(core, keys.value, false);
      if (found === undefined) return computeAsOwner(core, keys, token, key, compute, settings);
      await release(core, keys.claim, token);
      core.claims.delete(keys.claim.toString("latin1"));
      return found.value as T;
    }
    const left = deadline - performance.now();
    if (left <= 0) throw new CacheError("CACHE_TIMEOUT", `waited ${settings.wait} ms for another caller to compute the value`);
    await pause(Math.min(wait, left));
    wait = Math.min(wait * 2, MAX_PAUSE_MS);
    const found = await readEntry(core, keys.value, false);
    if (found !== undefined) return found.value as T;
  }
}

async function refreshDue(core: RedisCore, keys: Keys, found: Found, settings: Settings): Promise<boolean> {
  if (settings.beta === 0 || found.expiry === undefined) return false;
  const timing = (await run(core, ["GET", keys.timing])) as Buffer | null;
  if (timing === null || timing.length !== 16) return false;
  return xfetchDue(core.now(), timing.readDoubleLE(8), found.expiry, settings);
}

/** One caller refreshes before expiry; the others, and this one when another holds the claim, keep the live value. */
async function refresh<T>(core: RedisCore, keys: Keys, key: string, found: Found, compute: (key: string) => T | Promise<T>, settings: Settings): Promise<T> {
  const token = await tryClaim(core, keys, settings);
  return token === undefined ? (found.value as T) : computeAsOwner(core, keys, token, key, compute, settings);
}

export async function getOrSet<T>(core: RedisCore, head: Buffer, key: unknown, compute: unknown, opts: unknown): Promise<T> {
  checkOpen(core);
  checkKey(key);
  const settings = checkSettings(core, compute, opts);
  const keys = { value: redisKey(head, key), claim: claimKey(head, key), timing: timingKey(head, key) };
  const found = await readEntry(core, keys.value, true);
  const id = keys.value.toString("latin1");
  const shared = core.pending.get(id) as Promise<T> | undefined;
  if (found !== undefined) {
    // While this process refreshes the key, its other callers take the value that is still live.
    if (shared !== undefined || !(await refreshDue(core, keys, found, settings))) return found.value as T;
  } else if (shared !== undefined) {
    return shared;
  }
  const work = compute as (key: string) => T | Promise<T>;
  const running = found === undefined ? obtain(core, keys, key, work, settings) : refresh(core, keys, key, found, work, settings);
  const done = running.finally(() => core.pending.delete(id));
  core.pending.set(id, done);
  return done;
}
