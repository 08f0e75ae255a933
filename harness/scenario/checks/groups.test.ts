import { describe, expect, it } from "vitest";
import { groupsIntact } from "./groups.ts";
import { buildHistoryIndex } from "./history-index.ts";
import { ABSENT, HistoryBuilder } from "./test-history.ts";

const groups = [{ namespace: "g", keys: ["x", "y"] }];
const ns = ["g"];
const version = (v: string) => [
  { type: "put" as const, key: "x", value: `x${v}` },
  { type: "put" as const, key: "y", value: `y${v}` },
];

function twoBatches(): HistoryBuilder {
  return new HistoryBuilder().batch("w0", version("1"), [0, 1], { ns }).batch("w0", version("2"), [2, 3], { ns });
}

describe("groupsIntact", () => {
  it("accepts snapshots in which a group is whole at one version, or wholly absent", () => {
    const h = new HistoryBuilder()
      .entries("r0", [], [0, 0.5], { ns })
      .batch("w0", version("1"), [1, 2], { ns })
      .entries("r0", [["x", "x1"], ["y", "y1"]], [3, 4], { ns })
      .get("final", "x", "x1", [9, 9], { ns })
      .get("final", "y", "y1", [9, 9], { ns });
    expect(groupsIntact(buildHistoryIndex(h.build()), groups)).toEqual({ checked: 3, failures: [] });
  });

  it("fails a snapshot showing two versions, or half a group", () => {
    const h = twoBatches()
      .entries("r0", [["x", "x2"], ["y", "y1"]], [4, 5], { ns })
      .entries("r1", [["y", "y2"]], [4, 5], { ns })
      .get("final", "x", "x2", [9, 9], { ns })
      .get("final", "y", ABSENT, [9, 9], { ns });
    const { failures } = groupsIntact(buildHistoryIndex(h.build()), groups);
    expect(failures).toHaveLength(3);
    expect(failures[0]).toContain("torn group");
  });

  it("does not judge entries() with a limit, which may stop inside a group", () => {
    const h = twoBatches().entries("r0", [["x", "x2"]], [4, 5], { ns, limit: 1 });
    expect(groupsIntact(buildHistoryIndex(h.build()), groups).checked).toBe(0);
  });
});
