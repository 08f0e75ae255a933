import { expect, it } from "vitest";
import { eviction } from "./eviction.ts";
import { explain, runSmall } from "./test-support.ts";

it("holds with 2 writers and 1 reader over 2 runs", async () => {
  const row = await runSmall(eviction, 20_261_202);
  expect(row.verdict, explain(row)).toBe("passed");
  expect(row.runs).toBe(2);
  expect(row.opsChecked).toBeGreaterThan(0);
});
