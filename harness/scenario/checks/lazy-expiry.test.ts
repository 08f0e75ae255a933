import { describe, expect, it } from "vitest";
import { freshWritesSurviveLazyExpiry } from "./lazy-expiry.ts";
import { buildHistoryIndex } from "./history-index.ts";
import { ABSENT, HistoryBuilder } from "./test-history.ts";

// w0 writes k with a short TTL; r0 reads it expired while w1 rewrites it for good.
function race(): HistoryBuilder {
  return new HistoryBuilder()
    .set("w0", "k", "old", [0, 1], { ttlMs: 5, clock: [0] })
    .get("r0", "k", ABSENT, [10, 11], { clock: [10] })
    .set("w1", "k", "fresh", [10.5, 12]);
}

describe("freshWritesSurviveLazyExpiry", () => {
  it("counts the race and accepts later reads that see the fresh value", () => {
    const h = race().get("r1", "k", "fresh", [13, 14]);
    expect(freshWritesSurviveLazyExpiry(buildHistoryIndex(h.build()))).toEqual({ checked: 1, failures: [] });
  });

  it("fails when the stale read's delete removed the fresh value", () => {
    const h = race().get("r1", "k", ABSENT, [13, 14], { clock: [13] });
    const { failures } = freshWritesSurviveLazyExpiry(buildHistoryIndex(h.build()));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain("lost the fresh value");
  });

  it("finds no race when the rewrite came well after the expired read", () => {
    const h = new HistoryBuilder()
      .set("w0", "k", "old", [0, 1], { ttlMs: 5, clock: [0] })
      .get("r0", "k", ABSENT, [10, 11], { clock: [10] })
      .set("w1", "k", "fresh", [20, 21]);
    expect(freshWritesSurviveLazyExpiry(buildHistoryIndex(h.build())).checked).toBe(0);
  });
});
