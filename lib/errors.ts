import { constants } from "node:os";

/** The stable error codes of this library: the contract callers switch on (listed in the README). */
export const ERROR_CODES = [
  "CACHE_CLOSED",
  "CACHE_INVALID_KEY",
  "CACHE_INVALID_VALUE",
  "CACHE_INVALID_TTL",
  "CACHE_INVALID_OPTION",
  "CACHE_INVALID_BATCH",
  "CACHE_INVALID_PATH",
  "CACHE_INCOMPATIBLE",
  "CACHE_CORRUPT",
  "CACHE_FULL",
  "CACHE_KEY_COLLISION",
  "CACHE_IO",
  "CACHE_SOURCE_LOCKED",
  "CACHE_ENGINE",
  "CACHE_MISSING_DEPENDENCY",
  "CACHE_TIMEOUT",
  "CACHE_UNAVAILABLE",
  "CACHE_ACCESS_DENIED",
] as const;

export type CacheErrorCode = (typeof ERROR_CODES)[number];

export class CacheError extends Error {
  readonly code: CacheErrorCode;

  constructor(code: CacheErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CacheError";
    this.code = code;
  }
}

export function isCacheError(error: unknown, code?: CacheErrorCode): error is CacheError {
  return error instanceof CacheError && (code === undefined || error.code === code);
}

/** The error as a CacheError: itself when it is one already, else wrapped with `code`, kept as the cause. */
export function asCacheError(error: unknown, code: CacheErrorCode, message: string): CacheError {
  if (error instanceof CacheError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new CacheError(code, `${message}: ${detail}`, { cause: error });
}

/** LMDB's words for a data file it cannot trust. */
const DAMAGE = /MDB_(CORRUPTED|PAGE_NOTFOUND|INVALID|VERSION_MISMATCH|BAD_DBI|PANIC)/;

/** The system's errors for a write with no room: a full disk, the file size limit, a quota. */
const NO_ROOM = new Set([constants.errno.ENOSPC, constants.errno.EFBIG, constants.errno.EDQUOT]);

function classify(error: unknown, code: CacheErrorCode): CacheErrorCode {
  if (NO_ROOM.has((error as { code?: unknown } | undefined)?.code as number)) return "CACHE_FULL";
  const detail = error instanceof Error ? error.message : String(error);
  return DAMAGE.test(detail) ? "CACHE_CORRUPT" : code;
}

/**
 * An engine error as a CacheError: CACHE_CORRUPT when LMDB reports damage, CACHE_FULL when the disk
 * had no room (lmdb-js gives the errno as a numeric `code`), else `code`.
 */
export function engineFailure(error: unknown, code: CacheErrorCode, message: string): CacheError {
  return asCacheError(error, classify(error, code), message);
}
