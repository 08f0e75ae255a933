import { constants } from "node:os";
import { describe, expect, it } from "vitest";
import { asCacheError, CacheError, engineFailure, ERROR_CODES, isCacheError } from "./errors.ts";

describe("errors", () => {
  it("tells cache errors apart, by code when asked", () => {
    const error = new CacheError("CACHE_CLOSED", "closed");
    expect(isCacheError(error)).toBe(true);
    expect(isCacheError(error, "CACHE_CLOSED")).toBe(true);
    expect(isCacheError(error, "CACHE_IO")).toBe(false);
    expect(isCacheError(new Error("x"))).toBe(false);
    expect(ERROR_CODES).toContain(error.code);
  });

  it("wraps a foreign error under a code and keeps it as the cause", () => {
    const engine = new Error("MDB_BAD_TXN");
    const wrapped = asCacheError(engine, "CACHE_IO", "storage engine failed");
    expect(wrapped).toMatchObject({ code: "CACHE_IO", cause: engine, name: "CacheError" });
    expect(wrapped.message).toBe("storage engine failed: MDB_BAD_TXN");
    expect(asCacheError("text", "CACHE_IO", "failed").message).toBe("failed: text");
    const own = new CacheError("CACHE_CORRUPT", "x");
    expect(asCacheError(own, "CACHE_IO", "failed")).toBe(own);
  });
});

describe("engine failures", () => {
  it("names LMDB's damage reports CACHE_CORRUPT and anything else by the code given", () => {
    expect(engineFailure(new Error("MDB_CORRUPTED: Located page was wrong type"), "CACHE_IO", "x").code).toBe("CACHE_CORRUPT");
    expect(engineFailure(new Error("MDB_INVALID: File is not an LMDB file"), "CACHE_INVALID_PATH", "x").code).toBe("CACHE_CORRUPT");
    expect(engineFailure(new Error("EACCES"), "CACHE_INVALID_PATH", "x").code).toBe("CACHE_INVALID_PATH");
    expect(engineFailure("MDB_PANIC", "CACHE_IO", "x").code).toBe("CACHE_CORRUPT");
  });

  it("names a write with no room CACHE_FULL, by the errno lmdb-js gives as a numeric code", () => {
    const engine = (code: number, message: string) => Object.assign(new Error(message), { code });
    for (const errno of [constants.errno.ENOSPC, constants.errno.EFBIG, constants.errno.EDQUOT]) {
      expect(engineFailure(engine(errno, "no room"), "CACHE_IO", "x").code).toBe("CACHE_FULL");
    }
    expect(engineFailure(engine(constants.errno.EIO, "Input/output error"), "CACHE_IO", "x").code).toBe("CACHE_IO");
  });
});
