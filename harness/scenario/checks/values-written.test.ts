import { describe, expect, it } from "vitest";
import { buildHistoryIndex } from "./history-index.ts";
import { HistoryBuilder } from "./test-history.ts";
import { valuesWereWritten } from "./values-written.ts";

describe("valuesWereWritten", () => {
  it("accepts values written under the key before the read ended, even if overwritten since", () => {
    const h = new HistoryBuilder().set("w0", "k", "a", [0, 1]).set("w0", "k", "b", [2, 3]).get("r0", "k", "a", [4, 5]);
    expect(valuesWereWritten(buildHistoryIndex(h.build()))).toEqual({ checked: 1, failures: [] });
  });

  it("fails a value never written, one written under another key, and one read before its write began", () => {
    const h = new HistoryBuilder()
      .set("w0", "k", "a", [0, 1])
      .get("r0", "k", "zzz", [2, 3])
      .get("r0", "j", "a", [2, 3])
      .get("r0", "k", "late", [2, 3])
      .set("w0", "k", "late", [4, 5]);
    const { failures } = valuesWereWritten(buildHistoryIndex(h.build()));
    expect(failures).toHaveLength(3);
    expect(failures[2]).toContain("returned before");
  });
});
