import { defineConfig } from "vitest/config";
import { redisServerMissing } from "./harness/shared/redis-server.ts";

// Without a redis-server (and not in CI, where its absence fails the Redis tests) those tests are
// skipped, so the Redis backend's code is left out of the coverage figures rather than counted unrun.
const redisSkipped = process.env.CI !== "true" && redisServerMissing() !== undefined;

export default defineConfig({
  test: {
    include: ["lib/**/*.test.ts", "test/**/*.test.ts", "harness/**/*.test.ts", "scenarios/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests fork processes that share two cores; fewer workers keeps timings sane.
    maxWorkers: 2,
    coverage: {
      provider: "v8",
      include: ["lib/**/*.ts"],
      // The verify worker and the command's entry and migrate run only in child processes, which
      // coverage does not follow; their tests run them there.
      exclude: [
        "lib/**/*.test.ts",
        "lib/**/*.test-d.ts",
        "lib/fixtures/**",
        "lib/verify-worker.ts",
        "lib/cli/lmdb-cache.ts",
        "lib/cli/migrate.ts",
        "lib/test-support.ts",
        ...(redisSkipped ? ["lib/redis/**"] : []),
      ],
      thresholds: { lines: 95, branches: 95 },
      reporter: ["text-summary", "json-summary"],
    },
  },
});
