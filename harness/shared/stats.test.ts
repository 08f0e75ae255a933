import { describe, expect, it } from "vitest";
import { quantile } from "./stats.ts";

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
