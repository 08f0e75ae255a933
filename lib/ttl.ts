import { CacheError } from "./errors.ts";
import type { Millis } from "./types.ts";

/** A TTL is any finite number of milliseconds; 0 or less stores an entry that is already expired. */
export function checkTtl(ttl: unknown, what: string): Millis | undefined {
  if (ttl === undefined || ttl === null) return undefined;
  if (typeof ttl !== "number" || !Number.isFinite(ttl)) {
    throw new CacheError("CACHE_INVALID_TTL", `${what} must be a finite number of milliseconds, got ${String(ttl)}`);
  }
  return ttl;
}

export function expiryOf(ttl: Millis | undefined, now: number): number | undefined {
  return ttl === undefined ? undefined : now + ttl;
}

export function isExpired(expiry: number | undefined, now: number): boolean {
  return expiry !== undefined && expiry <= now;
}
