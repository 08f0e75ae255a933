import { expect, it } from "vitest";
import { concurrentReaders } from "./concurrent-readers.ts";
import { explain, runSmall } from "./test-support.ts";

it("holds with 2 writers and 1 reader over 2 runs", async () => {
  const row = await runSmall(concurrentReaders, 20_251_125);
  expect(row.verdict, explain(row)).toBe("passed");
  expect(row.runs).toBe(2);
  expect(row.opsChecked).toBeGreaterThan(0);
});
