import { describe, expect, it } from "vitest";
import { readsSeeLatestWrite } from "./latest-write.ts";
import { buildHistoryIndex } from "./history-index.ts";
import { oneOrder } from "./one-order.ts";
import { groupRegisters } from "../generator/group-batches.ts";
import { HistoryBuilder } from "./test-history.ts";

describe("oneOrder", () => {
  it("accepts reads that agree on one order of concurrent writes", () => {
    const h = new HistoryBuilder()
      .set("w0", "k", "a", [0, 10])
      .set("w1", "k", "b", [0, 10])
      .get("r0", "k", "b", [1, 2])
      .get("r1", "k", "a", [3, 4])
      .get("r0", "k", "a", [11, 12])
      .get("r1", "k", "a", [13, 14]);
    expect(oneOrder(buildHistoryIndex(h.build()))).toEqual({ checked: 4, failures: [] });
  });

  it("fails reads that each look possible but flip between two writes", () => {
    // Both writes completed before any read, so every read must see the same one.
    const h = new HistoryBuilder()
      .set("w0", "k", "a", [0, 10])
      .set("w1", "k", "b", [0, 10])
      .get("r0", "k", "a", [11, 12])
      .get("r1", "k", "b", [13, 14]);
    const indexed = buildHistoryIndex(h.build());
    expect(readsSeeLatestWrite(indexed, { final: false }).failures).toEqual([]);
    const { failures } = oneOrder(indexed);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain("cannot both hold");
  });

  it("fails a write that happened entirely between two reads of the value it replaced", () => {
    const h = new HistoryBuilder()
      .set("w0", "k", "a", [0, 1])
      .get("r0", "k", "a", [2, 3])
      .set("w1", "k", "b", [4, 5])
      .get("r1", "k", "a", [6, 7]);
    expect(oneOrder(buildHistoryIndex(h.build())).failures[0]).toContain("happened entirely between");
  });

  it("treats a group of keys written together as one register", () => {
    const groups = [{ namespace: "", keys: ["x", "y"] }];
    const put = (v: string) => [
      { type: "put" as const, key: "x", value: `x${v}` },
      { type: "put" as const, key: "y", value: `y${v}` },
    ];
    // Each key alone is fine; together the group goes 1, 2, 1.
    const h = new HistoryBuilder()
      .batch("w0", put("1"), [0, 10])
      .batch("w1", put("2"), [0, 10])
      .get("r0", "x", "x1", [11, 12])
      .get("r0", "y", "y2", [13, 14]);
    const indexed = buildHistoryIndex(h.build());
    expect(oneOrder(indexed).failures).toEqual([]);
    expect(oneOrder(indexed, { registerOf: groupRegisters(groups) }).failures).toHaveLength(1);
  });
});
