// The Redis tests' server: one per test file, started before its tests and stopped after them. Without
// redis-server the tests are skipped with the way to get it, except under CI, where they fail.
import { afterAll, beforeAll, describe } from "vitest";
import { redisServerMissing, type RedisServer, startRedisServer } from "../../harness/shared/redis-server.ts";

const missing = redisServerMissing();

/** A describe block that needs a redis-server; `server()` is the file's server inside its tests. */
export function describeRedis(name: string, body: (server: () => RedisServer) => void): void {
  if (missing !== undefined && process.env.CI !== "true") {
    describe.skip(`${name} (skipped: ${missing})`, () => body(() => undefined as never));
    return;
  }
  describe(name, () => {
    let running: RedisServer | undefined;
    beforeAll(async () => {
      if (missing !== undefined) throw new Error(`CI needs redis-server for the Redis tests: ${missing}`);
      running = await startRedisServer();
    });
    afterAll(async () => {
      await running?.stop();
    });
    body(() => running!);
  });
}
