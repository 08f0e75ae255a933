import { describe, expect, it } from "vitest";
import { buildHistoryIndex } from "./history-index.ts";
import { sweepCountsMatch } from "./sweep-counts.ts";
import { ABSENT, HistoryBuilder } from "./test-history.ts";

function twoExpired(): HistoryBuilder {
  return new HistoryBuilder()
    .set("w0", "a", 1, [0, 1], { ttlMs: 5, clock: [0] })
    .set("w0", "b", 2, [2, 3], { ttlMs: 5, clock: [2] })
    .set("w0", "c", 3, [4, 5]);
}

const check = (h: HistoryBuilder) => {
  const history = h.build();
  return sweepCountsMatch(buildHistoryIndex(history), history.records);
};

describe("sweepCountsMatch", () => {
  it("accepts the count of entries certainly there and expired", () => {
    expect(check(twoExpired().sweep("r0", 2, [20, 21], { clock: [20] }))).toEqual({ checked: 1, failures: [] });
  });

  it("fails a count above what could have expired, or below what certainly had", () => {
    expect(check(twoExpired().sweep("r0", 3, [20, 21], { clock: [20] })).failures[0]).toContain("allows 2 to 2");
    expect(check(twoExpired().sweep("r0", 1, [20, 21], { clock: [20] })).failures).toHaveLength(1);
  });

  it("widens the range when another process may have removed an expired entry first", () => {
    const h = twoExpired().get("r1", "a", ABSENT, [10, 11], { clock: [10] }).sweep("r0", 1, [20, 21], { clock: [20] });
    expect(check(h).failures).toEqual([]);
  });
});
