// The differential test's properties, for any pair of backends: the reference level-cache and one of the
// library's. Each must match its model, and the models differ only by the documented differences.
import fc from "fast-check";
import { expect, it } from "vitest";
import { REGRESSIONS } from "../regressions/differential.ts";
import { type Backend, type DivergenceTally, programArb, runProgram, show } from "./program.ts";

const seed = Number(process.env.DIFF_SEED ?? 20_251_125);
const path = process.env.DIFF_PATH;

/** `file` is the test file that calls this, for the replay command; DIFF_RUNS overrides `defaultRuns`. */
export function differentialProperties(backends: () => readonly Backend[], file: string, defaultRuns: number): void {
  const numRuns = Number(process.env.DIFF_RUNS ?? defaultRuns);

  it.each(REGRESSIONS)("regression: $why", async ({ program }) => {
    await runProgram(program, undefined, backends());
  });

  it(`${numRuns} random programs give the same results on both backends, but for documented differences`, async () => {
    const tally: DivergenceTally = new Map();
    const details = await fc.check(
      fc.asyncProperty(programArb, (program) => runProgram(program, tally, backends())),
      path === undefined ? { seed, numRuns } : { seed, numRuns, path, endOnFailure: true },
    );
    if (details.failed) {
      const replay = `DIFF_SEED=${details.seed} DIFF_PATH=${details.counterexamplePath} pnpm vitest run ${file}`;
      console.error(
        `differential test failed: seed ${details.seed}, path ${details.counterexamplePath}\nreplay: ${replay}\n` +
          `${String(details.errorInstance)}\nshrunk program (add it to test/regressions/differential.ts):\n` +
          show(details.counterexample?.[0]),
      );
      throw new Error(fc.defaultReportMessage(details) ?? "differential test failed");
    }
    console.log(`steps where the documented differences changed the result, by call: ${show(Object.fromEntries(tally))}`);
    // Programs that never hit a documented difference would prove nothing about the differences.
    for (const op of ["get", "has", "set", "batch", "entries", "sweep"]) expect(tally.get(op) ?? 0, op).toBeGreaterThan(0);
  }, Math.max(120_000, numRuns * 150));
}
