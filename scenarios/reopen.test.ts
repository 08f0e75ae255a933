import { expect, it } from "vitest";
import { reopen } from "./reopen.ts";
import { explain, runSmall } from "./test-support.ts";

it("holds with 2 writers and 1 reader reopening over 2 runs", async () => {
  const row = await runSmall(reopen, 20_251_125);
  expect(row.verdict, explain(row)).toBe("passed");
  expect(row.runs).toBe(2);
  const reopens = row.checks.find((c) => c.name.startsWith("every reopen"))!;
  expect(reopens.checked).toBeGreaterThan(0);
});
