import { describe, expect, it } from "vitest";
import { CacheError } from "../errors.ts";
import { type loadRedis, redisFailure, within } from "./connection.ts";

class ErrorReply extends Error {}
const redis = { ErrorReply } as unknown as Awaited<ReturnType<typeof loadRedis>>;
const code = (error: unknown) => redisFailure(redis, error, "Redis GET failed").code;

describe("Redis failures", () => {
  it("name refused credentials, a full server, a busy one and other replies by code, and anything else unavailable", () => {
    expect(code(new ErrorReply("WRONGPASS invalid username-password pair"))).toBe("CACHE_ACCESS_DENIED");
    expect(code(new ErrorReply("NOAUTH Authentication required."))).toBe("CACHE_ACCESS_DENIED");
    expect(code(new ErrorReply("OOM command not allowed when used memory > 'maxmemory'."))).toBe("CACHE_FULL");
    expect(code(new ErrorReply("LOADING Redis is loading the dataset in memory"))).toBe("CACHE_UNAVAILABLE");
    expect(code(new ErrorReply("ERR unknown command"))).toBe("CACHE_IO");
    expect(code(new Error("Socket closed unexpectedly"))).toBe("CACHE_UNAVAILABLE");
    const text = redisFailure(redis, "connection reset", "Redis GET failed");
    expect(text).toMatchObject({ code: "CACHE_UNAVAILABLE", message: "Redis GET failed: connection reset", cause: "connection reset" });
    const own = new CacheError("CACHE_CLOSED", "closed");
    expect(redisFailure(redis, own, "x")).toBe(own);
  });

  it("bound a call: its result within the time, CACHE_UNAVAILABLE after it", async () => {
    expect(await within(Promise.resolve(1), 1000, "GET")).toBe(1);
    await expect(within(new Promise(() => undefined), 10, "GET")).rejects.toMatchObject({ code: "CACHE_UNAVAILABLE" });
  });
});
