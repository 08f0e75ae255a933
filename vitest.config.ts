import { defineConfig } from "vitest/config";

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
      ],
      thresholds: { lines: 95, branches: 95 },
      reporter: ["text-summary", "json-summary"],
    },
  },
});
