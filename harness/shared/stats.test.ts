import { describe, expect, it } from "vitest";
import { leastSquares, quantile } from "./stats.ts";

describe("quantile", () => {
  it("is the nearest-rank value: a figure that was measured, never an interpolation", () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(quantile(values, 0.9)).toBe(9);
    expect(quantile(values, 0.5)).toBe(5);
    expect(quantile(values, 1)).toBe(10);
    expect(quantile(values, 0)).toBe(1);
    expect(quantile([42], 0.9)).toBe(42);
    expect(quantile([], 0.9)).toBeNaN();
  });
});

describe("leastSquares", () => {
  it("finds a line exactly, with no error on its slope", () => {
    const fit = leastSquares([0, 1, 2, 3].map((x) => ({ x, y: 5 + 2 * x })));
    expect(fit.slope).toBeCloseTo(2, 12);
    expect(fit.intercept).toBeCloseTo(5, 12);
    expect(fit.slopeStandardError).toBeCloseTo(0, 12);
  });

  it("gives the slope's standard error from the residuals: sqrt(SSR / (n - 2) / Sxx)", () => {
    // y = 0, 1, 1, 3 at x = 0..3: slope 0.9, intercept -0.1, residuals 0.1, 0.2, -0.7, 0.4 (SSR 0.7), Sxx 5.
    const fit = leastSquares([0, 1, 1, 3].map((y, x) => ({ x, y })));
    expect(fit.slope).toBeCloseTo(0.9, 12);
    expect(fit.intercept).toBeCloseTo(-0.1, 12);
    expect(fit.slopeStandardError).toBeCloseTo(Math.sqrt(0.7 / 2 / 5), 12);
    expect(leastSquares([{ x: 0, y: 0 }, { x: 1, y: 1 }]).slopeStandardError).toBeNaN();
  });
});
