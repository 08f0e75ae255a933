import { describe, expect, it } from "vitest";
import { expiredNeverReturned } from "./expiry.ts";
import { buildHistoryIndex } from "./history-index.ts";
import { HistoryBuilder } from "./test-history.ts";

describe("expiredNeverReturned", () => {
  it("accepts a value read before its expiry by the read's own clock reading", () => {
    const h = new HistoryBuilder().set("w0", "k", "v", [0, 1], { ttlMs: 10, clock: [0] }).get("r0", "k", "v", [9, 12], { clock: [9.5] });
    expect(expiredNeverReturned(buildHistoryIndex(h.build()))).toEqual({ checked: 1, failures: [] });
  });

  it("fails a value returned at or after its expiry", () => {
    const h = new HistoryBuilder()
      .set("w0", "k", "v", [0, 1], { ttlMs: 10, clock: [0] })
      .get("r0", "k", "v", [9, 12], { clock: [10] })
      .entries("r1", [["k", "v"]], [30, 31], { clock: [30.5] });
    expect(expiredNeverReturned(buildHistoryIndex(h.build())).failures).toHaveLength(2);
  });
});
