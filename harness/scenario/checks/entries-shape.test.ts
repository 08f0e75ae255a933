import { describe, expect, it } from "vitest";
import { entriesWellFormed } from "./entries-shape.ts";
import { buildHistoryIndex } from "./history-index.ts";
import { HistoryBuilder } from "./test-history.ts";

const check = (h: HistoryBuilder) => {
  const history = h.build();
  return entriesWellFormed(buildHistoryIndex(history), history.records);
};

function written(): HistoryBuilder {
  return new HistoryBuilder()
    .set("w0", "b", 1, [0, 1])
    .set("w0", "a", 1, [0, 1])
    .set("w0", "\u{1F600}", 1, [0, 1])
    .set("w0", "\uFFFF", 1, [0, 1])
    .set("w0", "x", 1, [0, 1], { ns: ["n"] });
}

describe("entriesWellFormed", () => {
  it("accepts keys of the namespace in code point order (astral after U+FFFF), within the limit", () => {
    const h = written()
      .entries("r0", [["a", 1], ["b", 1], ["\uFFFF", 1], ["\u{1F600}", 1]], [2, 3])
      .entries("r0", [["a", 1]], [2, 3], { limit: 1 })
      .entries("r0", [["x", 1]], [2, 3], { ns: ["n"] });
    expect(check(h)).toEqual({ checked: 3, failures: [] });
  });

  it("fails keys out of order or repeated, too many for the limit, and keys of another namespace", () => {
    const h = written()
      .entries("r0", [["b", 1], ["a", 1]], [2, 3])
      .entries("r0", [["a", 1], ["a", 1]], [2, 3])
      .entries("r0", [["a", 1], ["b", 1]], [2, 3], { limit: 1 })
      .entries("r0", [["n\u241Fx", 1]], [2, 3]);
    const { failures } = check(h);
    expect(failures).toHaveLength(4);
    expect(failures[3]).toContain("never written in that namespace");
  });
});
