import { describe, expect, it } from "vitest";
import { DOCTORED_PROVENANCE } from "./fixtures/doctored-report.ts";
import { soakSamples } from "./fixtures/soak-samples.ts";
import { renderSoak, soakBaseName, soakSettings, type SoakReport } from "./soak.ts";

const MIB = 2 ** 20;

/** Four processes; process p's anonymous RSS is `anon(ops, i, p)` at its sample i. */
function report(anon: (ops: number, i: number, p: number) => number): SoakReport {
  const samples = [0, 1, 2, 3].map((p) => soakSamples((ops, i) => anon(ops, i, p)));
  return {
    kind: "soak",
    ...DOCTORED_PROVENANCE,
    settings: soakSettings(1, 4_000_000),
    samples,
    files: [{ atMs: 10_000, allocatedBytes: 120 * MIB, apparentBytes: 120 * MIB }],
    finished: samples.map((_, processIndex) => ({ processIndex, ops: 1_000_000, elapsedMs: 10_000, refusedWrites: 0 })),
  };
}

describe("the soak report", () => {
  it("names runs of other lengths after their operations", () => {
    expect(soakBaseName(1_000_000)).toBe("bench-soak");
    expect(soakBaseName(10_000_000)).toBe("bench-soak-10m");
    expect(soakBaseName(1_000_000, { readCacheBytes: 0, maxSizeBytes: 1e8 })).toBe("bench-soak-readcachebytes-0-maxsizebytes-100000000");
  });

  it("tells the data file's map from anonymous memory, and says flat anonymous memory is within noise", () => {
    const { markdown, charts } = renderSoak(report((_, i, p) => 80 * MIB + ((i + p) % 4) * MIB), "bench-soak-4m");
    expect(markdown).toContain("the data file's map (data.mdb) is 100.0 MiB of each process's RSS");
    expect(markdown).toContain("puts each process's share at 25.0 MiB of its 100.0 MiB");
    expect(markdown).toMatch(/slope is -?0\.\d ± 0\.\d MiB per million/);
    expect(markdown).toContain("no growth shows beyond the noise");
    expect(markdown).toContain("| data.mdb | 100.0 | 100.0 | 100.0 | 100.0 | 25.0 | 0.0 | 50.0 |");
    expect(charts[0]!.svg).toContain("anonymous RSS");
    expect(charts[0]!.svg).toContain("data.mdb map resident");
  });

  it("calls anonymous memory that keeps growing growth beyond the noise", () => {
    const { markdown } = renderSoak(report((ops, i, p) => 80 * MIB + 10 * MIB * (ops / 1e6) + ((i + p) % 4) * 0.1 * MIB), "bench-soak-4m");
    expect(markdown).toMatch(/slope is 10\.0 ± 0\.0 MiB per million/);
    expect(markdown).toContain("growth beyond the noise");
  });
});
