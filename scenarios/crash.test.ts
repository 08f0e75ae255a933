import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { loadPlan, replaying } from "../harness/scenario/saved-plan.ts";
import { crash } from "./crash.ts";
import { explain, runSmall } from "./test-support.ts";

it("holds with 2 writers (one killed or both) and 1 reader over 2 runs", async () => {
  const row = await runSmall(crash, 20_251_125);
  expect(row.verdict, explain(row)).toBe("passed");
  expect(row.runs).toBe(2);
  const kills = row.checks.find((c) => c.name.startsWith("every planned kill"))!;
  expect(kills.checked).toBeGreaterThanOrEqual(2);
});

// A shrunk counterexample, kept as found: after two writers were killed inside batches, the newest meta
// page named a last page one past the end of data.mdb (LMDB allows that when the free list holds the
// final pages) and a fresh process could not reopen the directory. The kills race, so the plan is replayed
// three times; it failed in a quarter to a half of its replays when found.
it("reopens after kills that leave data.mdb shorter than the meta page's last page", async () => {
  const planFile = fileURLToPath(new URL("../test/regressions/crash-meta-past-end.json.gz", import.meta.url));
  const row = await runSmall(replaying(crash, loadPlan(planFile)), 0, { runs: 3, planFile });
  expect(row.verdict, explain(row)).toBe("passed");
});
