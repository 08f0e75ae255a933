import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readsSeeLatestWrite } from "./checks/latest-write.ts";
import { historyIndex } from "./checks/history-index.ts";
import type { Op } from "./operations.ts";
import { runScenario, type ScenarioSettings } from "./runner.ts";
import type { Scenario } from "./scenario.ts";

const settings: ScenarioSettings = { writers: 0, readers: 0, runs: 5, seed: 42, backend: "lmdb", shrinks: 50, runTimeoutMs: 30_000 };

// No processes: the plan alone decides, so the fast-check side of the runner is tested without forking.
const planOnly: Scenario<number[]> = {
  name: "plan-only",
  summary: "fails when a generated number reaches 5",
  defaults: { writers: 0, readers: 0, runs: 5 },
  plan: () => fc.array(fc.nat(9), { minLength: 1, maxLength: 4 }).map((numbers) => ({ processes: [], context: numbers })),
  checks: [
    {
      name: "every number is below 5",
      run: (_history, plan) => ({ checked: plan.context.length, failures: plan.context.filter((n) => n >= 5).map((n) => `${n} is not below 5`) }),
    },
  ],
};

describe("runScenario", () => {
  it("shrinks a failing plan and says how to replay it", async () => {
    const row = await runScenario(planOnly, settings);
    expect(row.verdict).toBe("failed");
    const c = row.counterexample!;
    expect(c.plan?.context).toEqual([5]);
    expect(c.failedChecks).toEqual([{ name: "every number is below 5", failures: ["5 is not below 5"] }]);
    expect(c.seed).toBe(42);
    expect(c.replay).toBe(`pnpm scenario plan-only --backend lmdb --writers 0 --readers 0 --seed 42 --path ${c.path}`);

    const replayed = await runScenario(planOnly, { ...settings, path: c.path });
    expect(replayed.runs).toBe(1);
    expect(replayed.counterexample?.plan?.context).toEqual([5]);
  });

  it("passes, counting runs and checks, when every property holds", async () => {
    const passing = { ...planOnly, plan: () => fc.array(fc.nat(4), { minLength: 1 }).map((n) => ({ processes: [], context: n })) };
    const row = await runScenario(passing, settings);
    expect(row.verdict).toBe("passed");
    expect(row.runs).toBe(5);
    expect(row.checks[0]!.checked).toBeGreaterThanOrEqual(5);
  });
});

// One writer sets a key, the final process reads it back.
const oneKey = (writers: number): Scenario => ({
  name: "one-key",
  summary: "the final process reads back each writer's key",
  defaults: { writers, readers: 0, runs: 1 },
  plan: () =>
    fc.constant({
      processes: Array.from({ length: writers }, (_, i) => ({
        name: `w${i}`,
        role: "writer" as const,
        program: [{ kind: "set", ns: [], key: `k${i}`, value: `w${i}#0|v` } satisfies Op],
      })),
      final: Array.from({ length: writers }, (_, i): Op => ({ kind: "get", ns: [], key: `k${i}` })),
      context: undefined,
    }),
  checks: [{ name: "final state", run: (history) => readsSeeLatestWrite(historyIndex(history), { final: true }) }],
});

describe("the level baseline", () => {
  it("is unsupported with more than one process: the second cannot open the directory", async () => {
    const row = await runScenario(oneKey(2), { ...settings, writers: 2, runs: 1, backend: "level" });
    expect(row.verdict).toBe("unsupported");
    expect(row.reason).toMatch(/^LEVEL_LOCKED/);
    expect(row).toMatchObject({ runs: 1, shrinks: 0, processesPerRun: 3 });
  });

  it("runs the properties like any backend with one process", async () => {
    const row = await runScenario(oneKey(1), { ...settings, writers: 1, runs: 1, backend: "level" });
    expect(row.verdict).toBe("passed");
    expect(row.checks[0]!.checked).toBe(1);
  });
});
