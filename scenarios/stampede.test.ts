import { expect, it } from "vitest";
import { runStampede } from "./stampede.ts";

it("computes each key once per round, gives every caller the stored value and replaces a killed owner, with 3 processes on 20 keys", async () => {
  const settings = { processes: 3, keys: 20, seed: 20_261_202 };
  const report = await runStampede(settings);
  const failures = report.checks.flatMap((c) => c.failures.map((f) => `${c.name}: ${f}`));
  expect(failures, `replay: ${report.replay}`).toEqual([]);
  expect(report.verdict).toBe("passed");
  // The last round: the killed owner began every key, and one survivor computed each again.
  expect(report.rounds.map((r) => r.computations)).toEqual([20, 20, 40]);
  expect(report.takeover.keys).toBe(20);
});
