// The Redis tests' server: one per test file, started before its tests and stopped after them. Without
// redis-server the tests are skipped with the way to get it, except under CI, where they fail.
import { afterAll, beforeAll, describe } from "vitest";
import { redisServerMissing, type RedisServer, startRedisServer } from "../../harness/shared/redis-server.ts";

/** What the Redis tests do, given why redis-server cannot run (undefined: it can) and whether this is CI. */
export function redisTestMode(missing: string | undefined, ci: boolean): "run" | "skip" | "fail" {
  if (missing === undefined) return "run";
  return ci ? "fail" : "skip";
}

const missing = redisServerMissing();
const mode = redisTestMode(missing, process.env.CI === "true");

/** A describe block that needs a redis-server; `server()` is the file's server inside its tests. */
export function describeRedis(name: string, body: (server: () => RedisServer) => void): void {
  if (mode === "skip") {
    describe.skip(`${name} (skipped: ${missing})`, () => body(() => undefined as never));
    return;
  }
  describe(name, () => {
    let running: RedisServer | undefined;
    beforeAll(async () => {
      if (mode === "fail") throw new Error(`CI needs redis-server for the Redis tests: ${missing}`);
      running = await startRedisServer();
    });
    afterAll(async () => {
      await running?.stop();
    });
    body(() => running!);
  });
}
