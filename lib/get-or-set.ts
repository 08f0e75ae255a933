import { decodePayload, encodeRecord, readHead, withFullKey } from "./codec.ts";
import { checkKey } from "./checks.ts";
import { checkOpen, claimSlot, type Core, engineError, type Found, ownsSlot, peek, putWrite, readEntry, write } from "./core.ts";
import { CacheError } from "./errors.ts";
import { countIndexed, reindex } from "./expiry-index.ts";
import { fullKey, leaseKey, type StoredKey, storedKey, transientFullKey } from "./keys.ts";
import { decodeLease, encodeClaim, encodeTiming, isClaimOf } from "./lease.ts";
import { isGone, thisOwner } from "./owner.ts";
import type { ReadSpace } from "./read-cache.ts";
import { checkTtl, expiryOf, isExpired } from "./ttl.ts";
import type { GetOrSetOptions, Millis } from "./types.ts";

// One computation per key on the whole machine. A caller that finds the key missing claims it: in a
// write transaction it writes a lease record naming its process and thread, valid for `leaseMs`.
// Others see the claim and wait, reading (never writing) until the value appears, the claim goes, its
// lease ends or its process is gone; then one of them claims the key in turn. The owner stores the
// value and, in the same transaction, replaces its claim with the computation's duration, which
// early refresh reads. Calls inside one process share one promise and never touch the claim twice.

export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_WAIT_MS = 30_000;
/** Longest pause between two looks of a waiting caller: the bound on how late it notices a dead owner. */
export const MAX_PAUSE_MS = 20;

export type Settings = {
  ttl: Millis | undefined;
  lease: Millis;
  wait: Millis;
  beta: number;
  random: () => number;
};

function invalid(message: string): CacheError {
  return new CacheError("CACHE_INVALID_OPTION", message);
}

function span(value: unknown, name: string, fallback: Millis, positive: boolean): Millis {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw invalid(`${name} must be a finite number of milliseconds${positive ? " above 0" : ", 0 or more"}, got ${String(value)}`);
  }
  return value;
}

export function checkSettings(core: Pick<Core, "defaultTtl">, compute: unknown, opts: unknown): Settings {
  if (typeof compute !== "function") throw invalid(`getOrSet takes a compute function, got ${compute === null ? "null" : typeof compute}`);
  if (opts === undefined || opts === null) {
    return { ttl: core.defaultTtl, lease: DEFAULT_LEASE_MS, wait: DEFAULT_WAIT_MS, beta: 0, random: Math.random };
  }
  if (typeof opts !== "object") throw invalid("getOrSet options must be an object");
  const { ttlMs, leaseMs, waitMs, earlyRefresh = 0, random = Math.random } = opts as GetOrSetOptions;
  const ttl = checkTtl(ttlMs, "ttlMs") ?? core.defaultTtl;
  if (typeof earlyRefresh !== "number" || !Number.isFinite(earlyRefresh) || earlyRefresh < 0) {
    throw invalid(`earlyRefresh must be a finite number, 0 or more, got ${String(earlyRefresh)}`);
  }
  if (typeof random !== "function") throw invalid("random must be a function");
  return {
    ttl,
    lease: span(leaseMs, "leaseMs", DEFAULT_LEASE_MS, true),
    wait: span(waitMs, "waitMs", DEFAULT_WAIT_MS, false),
    beta: earlyRefresh,
    random,
  };
}

let nextToken = 0;

/** What a claim attempt found: the key is now ours, its live value, or another's live claim. */
type Attempt = { token: number } | { found: Found } | { held: true };

/**
 * In one write transaction: claim the key unless a live value is there (other than the one being
 * refreshed, whose expiry is `refreshing`) or another caller's live claim.
 */
function tryClaim(core: Core, slot: StoredKey, lease: Buffer, settings: Settings, refreshing: number | undefined): Attempt {
  const { db } = core;
  const owner = thisOwner();
  const attempt = write(core, (): Attempt | { record: Buffer } => {
    const now = core.now();
    const record = peek(db, slot.stored);
    if (record !== undefined) {
      const head = readHead(record);
      if (ownsSlot(slot, head.full) && !isExpired(head.expiry, now) && (refreshing === undefined || head.expiry !== refreshing)) {
        return { record: Buffer.from(record) };
      }
    }
    const current = decodeLease(peek(db, lease));
    if (current?.kind === "claim" && current.expiry > now && !isGone(current.owner)) return { held: true };
    const token = (nextToken = (nextToken + 1) >>> 0);
    db.putSync(lease, encodeClaim(now + settings.lease, owner, token));
    return { token };
  });
  if (!("record" in attempt)) return attempt;
  const head = readHead(attempt.record);
  return { found: { value: decodePayload(attempt.record, head), expiry: head.expiry } };
}

/** Whether another caller holds a live claim on the key, read from a fresh snapshot. */
function heldByAnother(core: Core, lease: Buffer): boolean {
  let current;
  try {
    core.db.resetReadTxn();
    current = decodeLease(peek(core.db, lease));
    // A waiter looks again and again: its snapshot must not hold back the reuse of freed pages.
    core.db.resetReadTxn();
  } catch (error) {
    throw engineError(core, error);
  }
  return current?.kind === "claim" && current.expiry > core.now() && !isGone(current.owner);
}

/** Stores the computed value if the claim is still ours, and leaves the computation's duration for early refresh. */
function finish(core: Core, slot: StoredKey, lease: Buffer, token: number, record: Buffer, expiry: number | undefined, ms: number, timed: boolean): Promise<boolean> {
  const { db } = core;
  const owner = thisOwner();
  return putWrite(core, [{ stored: slot.stored, record, expiry }], () => {
    if (!isClaimOf(decodeLease(peek(db, lease)), owner, token)) return false;
    const before = claimSlot(db, slot);
    db.putSync(slot.stored, record);
    countIndexed(db, reindex(db, slot.stored, before, expiry));
    // The duration is kept only for callers that refresh early: other leases end with their computation.
    if (expiry === undefined || !timed) db.removeSync(lease);
    else db.putSync(lease, encodeTiming(expiry, ms));
    return true;
  });
}

/** Removes the claim if it is still ours: after a failed computation, or at close. */
export function release(core: Core, lease: Buffer, token: number): void {
  const { db } = core;
  const owner = thisOwner();
  write(core, () => {
    if (isClaimOf(decodeLease(peek(db, lease)), owner, token)) db.removeSync(lease);
  });
}

async function computeAsOwner<T>(core: Core, slot: StoredKey, lease: Buffer, token: number, key: string, compute: (key: string) => T | Promise<T>, settings: Settings): Promise<T> {
  const id = lease.toString("latin1");
  core.claims.set(id, token);
  try {
    const started = performance.now();
    core.counts.computes++;
    try {
      const value = await compute(key);
      checkOpen(core);
      const expiry = expiryOf(settings.ttl, core.now());
      const record = withFullKey(encodeRecord(value, core.codec, expiry, core.compressAbove), slot.full);
      // A claim that was lost (its lease ended, another caller took over) stores nothing: the new owner does.
      if (await finish(core, slot, lease, token, record, expiry, performance.now() - started, settings.beta > 0)) core.counts.sets++;
      return value;
    } catch (error) {
      // compute failed, or its value cannot be stored (unstorable, no room): the next caller tries.
      if (!core.closed) release(core, lease, token);
      throw error;
    }
  } finally {
    core.claims.delete(id);
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Claims the key and computes, or waits for the caller that holds it; in turn, until a value is there. */
async function obtain<T>(core: Core, slot: StoredKey, key: string, kept: ReadSpace | undefined, compute: (key: string) => T | Promise<T>, settings: Settings): Promise<T> {
  const lease = leaseKey(slot.stored);
  const deadline = performance.now() + settings.wait;
  let wait = 1;
  for (;;) {
    checkOpen(core);
    if (!heldByAnother(core, lease)) {
      const attempt = tryClaim(core, slot, lease, settings, undefined);
      if ("token" in attempt) return computeAsOwner(core, slot, lease, attempt.token, key, compute, settings);
      if ("found" in attempt) return attempt.found.value as T;
    }
    const left = deadline - performance.now();
    if (left <= 0) {
      throw new CacheError("CACHE_TIMEOUT", `waited ${settings.wait} ms for another caller to compute the value`);
    }
    await pause(Math.min(wait, left));
    wait = Math.min(wait * 2, MAX_PAUSE_MS);
    const found = readEntry(core, slot, key, kept, false);
    if (found !== undefined) return found.value as T;
  }
}

/** XFetch: refresh when now − δ·β·ln(random) passes the expiry, δ being the last computation's duration. */
function refreshDue(core: Core, slot: StoredKey, found: Found, settings: Settings): boolean {
  if (settings.beta === 0 || found.expiry === undefined) return false;
  let timing;
  try {
    timing = decodeLease(peek(core.db, leaseKey(slot.stored)));
  } catch (error) {
    throw engineError(core, error);
  }
  if (timing?.kind !== "timing") return false;
  return xfetchDue(core.now(), timing.ms, found.expiry, settings);
}

/** XFetch's test, for a value expiring at `expiry` whose last computation took `ms`. */
export function xfetchDue(now: number, ms: number, expiry: number, settings: Settings): boolean {
  const draw = settings.random();
  // A draw of 0 is a certain refresh (ln 0 = −∞), also when the computation took no measurable time.
  return draw <= 0 || now - ms * settings.beta * Math.log(draw) >= expiry;
}

async function refresh<T>(core: Core, slot: StoredKey, key: string, found: Found, compute: (key: string) => T | Promise<T>, settings: Settings): Promise<T> {
  const lease = leaseKey(slot.stored);
  if (heldByAnother(core, lease)) return found.value as T;
  const attempt = tryClaim(core, slot, lease, settings, found.expiry);
  if ("token" in attempt) return computeAsOwner(core, slot, lease, attempt.token, key, compute, settings);
  // Another caller refreshed it meanwhile, or is refreshing it: the value read is still live.
  return ("found" in attempt ? attempt.found.value : found.value) as T;
}

export async function getOrSet<T>(
  core: Core,
  prefix: Buffer,
  kept: ReadSpace | undefined,
  key: unknown,
  compute: unknown,
  opts: unknown,
): Promise<T> {
  checkOpen(core);
  checkKey(key);
  const settings = checkSettings(core, compute, opts);
  // A hit, the common case, reads through the reused key buffer and allocates no key of its own.
  const found = readEntry(core, storedKey(transientFullKey(prefix, key)), key, kept, true);
  if (found !== undefined && settings.beta === 0) return found.value as T;
  const slot = storedKey(fullKey(prefix, key));
  const id = slot.stored.toString("latin1");
  const shared = core.pending.get(id) as Promise<T> | undefined;
  if (found !== undefined) {
    // While this process refreshes the key, its other callers take the value that is still live.
    if (shared !== undefined || !refreshDue(core, slot, found, settings)) return found.value as T;
  } else if (shared !== undefined) {
    return shared;
  }
  const run = found === undefined
    ? obtain(core, slot, key, kept, compute as (key: string) => T | Promise<T>, settings)
    : refresh(core, slot, key, found, compute as (key: string) => T | Promise<T>, settings);
  const done = run.finally(() => core.pending.delete(id));
  core.pending.set(id, done);
  return done;
}
