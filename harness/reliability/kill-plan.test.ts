import { describe, expect, it } from "vitest";
import { batchSize, checkWriter, expiredKey, groupKey, liveKey } from "./kill-plan.ts";

const group = (seed: number, n: number): [string, unknown][] => {
  const size = batchSize(seed, n);
  return Array.from({ length: size }, (_, i) => [groupKey(n, i), { n, size }] as [string, unknown]);
};

describe("checkWriter", () => {
  it("passes what a killed writer leaves: every acknowledged write, and the one in flight whole or absent", () => {
    const set = [0, 1, 2, 3].map((n): [string, unknown] => [liveKey(n), { n }]);
    expect(checkWriter("set", { n: 2, what: "set" }, set)).toEqual({ checked: 3, lost: [], torn: [], unexpected: [] });
    const batches = [...group(1, 0), ...group(1, 1), ["head", { n: 1 }] as [string, unknown]];
    expect(checkWriter("batch", { n: 1, what: "batch" }, batches).torn).toEqual([]);
    expect(checkWriter("batch", { n: 0, what: "batch" }, batches).lost).toEqual([]);
  });

  it("finds a lost acknowledged set, a torn batch, a lost batch and an expired entry served", () => {
    expect(checkWriter("set", { n: 2, what: "set" }, [[liveKey(0), { n: 0 }], [liveKey(2), { n: 2 }]]).lost).toEqual([liveKey(1)]);
    const torn = group(3, 0).slice(1);
    const size = batchSize(3, 0);
    expect(checkWriter("batch", { n: 0, what: "batch" }, [...torn, ["head", { n: 0 }]]).torn).toEqual(size > 1 ? [`batch 0: ${size - 1} of ${size}`] : []);
    expect(checkWriter("batch", { n: 1, what: "batch" }, [...group(3, 1), ["head", { n: 1 }]]).lost).toEqual(["batch 0"]);
    const sweep = checkWriter("sweep", { n: 1, what: "sweep" }, [[liveKey(0), { n: 0 }], [expiredKey(1, 4), { n: 1 }]]);
    expect(sweep.lost).toEqual([liveKey(1)]);
    expect(sweep.unexpected).toEqual([`expired ${expiredKey(1, 4)} served`]);
  });

  it("does not require a live key that the writer had not yet acknowledged", () => {
    expect(checkWriter("lazy", { n: 1, what: "expired" }, [[liveKey(0), { n: 0 }]]).lost).toEqual([]);
  });
});
