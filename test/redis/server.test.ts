import { expect, it } from "vitest";
import { startRedisServer } from "../../harness/shared/redis-server.ts";
import { redisTestMode } from "./server.ts";

it("the Redis tests run with a redis-server, fail without one under CI, and are skipped without one elsewhere", () => {
  expect(redisTestMode(undefined, true)).toBe("run");
  expect(redisTestMode(undefined, false)).toBe("run");
  expect(redisTestMode("redis-server is not on PATH", true)).toBe("fail");
  expect(redisTestMode("redis-server is not on PATH", false)).toBe("skip");
});

it("a server that cannot start is an error, not a hang", async () => {
  const saved = process.env.PATH;
  process.env.PATH = "/nonexistent";
  try {
    await expect(startRedisServer()).rejects.toThrow();
  } finally {
    process.env.PATH = saved;
  }
});
