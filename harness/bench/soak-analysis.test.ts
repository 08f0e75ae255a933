import { describe, expect, it } from "vitest";
import { soakSamples as run } from "./fixtures/soak-samples.ts";
import { secondHalfSlopes } from "./soak-analysis.ts";

const MIB = 2 ** 20;

describe("secondHalfSlopes", () => {
  it("measures only the second half: growth during warm-up does not count", () => {
    const warm = run((ops) => (ops < 500_000 ? ops * 100 : 50_000_000));
    const slopes = secondHalfSlopes([warm, warm], (s) => s.rssAnonBytes);
    expect(slopes.perProcess[0]!.n).toBe(51);
    expect(slopes.perProcess[0]!.slope).toBeCloseTo(0, 9);
  });

  it("calls a slope that the processes share growth, in MiB per million operations", () => {
    // 8 MiB per million operations, with a sawtooth and a small difference between processes.
    const processes = [0, 1, 2, 3].map((p) => run((ops, i) => 100 * MIB + (8 + p * 0.1) * MIB * (ops / 1e6) + (i % 3) * MIB));
    const slopes = secondHalfSlopes(processes, (s) => s.rssAnonBytes);
    expect(slopes.mean).toBeGreaterThan(7.5);
    expect(slopes.mean).toBeLessThan(8.7);
    expect(slopes.withinNoise).toBe(false);
  });

  it("calls slopes of either sign around zero noise", () => {
    const processes = [-1, 1, -0.5, 0.5].map((g) => run((ops, i) => 100 * MIB + g * MIB * (ops / 1e6) + (i % 5) * MIB));
    const slopes = secondHalfSlopes(processes, (s) => s.rssAnonBytes);
    expect(Math.abs(slopes.mean)).toBeLessThan(0.5);
    expect(slopes.standardError).toBeGreaterThan(0.3);
    expect(slopes.withinNoise).toBe(true);
  });
});
