import { describe, expect, it } from "vitest";
import { readsSeeLatestWrite } from "./latest-write.ts";
import { buildHistoryIndex } from "./history-index.ts";
import { monotonicReads } from "./monotonic-reads.ts";
import { ABSENT, HistoryBuilder } from "./test-history.ts";

describe("monotonicReads", () => {
  it("accepts a reader that moves forward, or stays", () => {
    const h = new HistoryBuilder()
      .set("w0", "k", "a", [0, 1])
      .set("w1", "k", "b", [5, 20])
      .get("r0", "k", "a", [6, 7])
      .get("r0", "k", "b", [8, 9])
      .get("r0", "k", "b", [21, 22]);
    expect(monotonicReads(buildHistoryIndex(h.build()))).toEqual({ checked: 2, failures: [] });
  });

  it("fails a reader that goes back to an older value, though each read alone was possible", () => {
    const h = new HistoryBuilder()
      .set("w0", "k", "a", [0, 1])
      .set("w1", "k", "b", [5, 20])
      .get("r0", "k", "b", [6, 7])
      .get("r0", "k", "a", [8, 9]);
    const indexed = buildHistoryIndex(h.build());
    expect(readsSeeLatestWrite(indexed, { final: false }).failures).toEqual([]);
    const { failures } = monotonicReads(indexed);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain("went back in time");
  });

  it("fails a reader that sees a key vanish back to the empty start", () => {
    const h = new HistoryBuilder().set("w1", "k", "b", [5, 20]).get("r0", "k", "b", [6, 7]).get("r0", "k", ABSENT, [8, 9]);
    expect(monotonicReads(buildHistoryIndex(h.build())).failures).toHaveLength(1);
  });

  it("lets a key vanish through a delete or an expiry", () => {
    const h = new HistoryBuilder()
      .set("w1", "k", "b", [5, 20], { ttlMs: 3, clock: [5] })
      .get("r0", "k", "b", [6, 7], { clock: [6] })
      .get("r0", "k", ABSENT, [8, 9], { clock: [8] });
    expect(monotonicReads(buildHistoryIndex(h.build())).failures).toEqual([]);
  });
});
