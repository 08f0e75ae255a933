import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Histogram } from "./histogram.ts";

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

describe("the latency histogram", () => {
  it("reports quantiles within one 2% bucket of the exact ones, and the exact maximum, also after merging", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 3 }),
        (latencies, parts) => {
          const pieces = Array.from({ length: parts }, () => new Histogram());
          latencies.forEach((ms, i) => pieces[i % parts]!.record(ms));
          const merged = Histogram.merge(pieces.map((p) => p.toSparse()));
          const sorted = [...latencies].sort((a, b) => a - b);
          expect(merged.count).toBe(latencies.length);
          expect(merged.summary().maxMs).toBe(sorted.at(-1));
          for (const q of [0.5, 0.99]) {
            const exact = exactQuantile(sorted, q);
            const got = merged.quantile(q);
            expect(got).toBeGreaterThanOrEqual(exact);
            expect(got).toBeLessThanOrEqual(exact * 1.0201);
          }
        },
      ),
      { seed: 0x5eed, numRuns: 200 },
    );
  });
});
