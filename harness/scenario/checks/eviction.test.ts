import { describe, expect, it } from "vitest";
import { keyId } from "../operations.ts";
import { fileStopsGrowing, hotKeysHit, liveBytesWithin } from "./eviction.ts";
import { ABSENT, HistoryBuilder } from "./test-history.ts";

const sized = (files: number[], live = 100) => {
  const b = new HistoryBuilder();
  files.forEach((fileBytes, i) => b.size("r0", { liveBytes: live + i, fileBytes }, [i * 10, i * 10 + 1]));
  return b.build();
};

describe("eviction checks", () => {
  it("liveBytesWithin fails a sample over the limit, and a run with no sample", () => {
    expect(liveBytesWithin(sized([1, 1, 1]), 102).failures).toEqual([]);
    expect(liveBytesWithin(sized([1, 1, 1]), 101).failures).toHaveLength(1);
    expect(liveBytesWithin(new HistoryBuilder().build(), 1).failures).toHaveLength(1);
  });

  it("fileStopsGrowing fails a file that keeps growing past the early peak plus the step", () => {
    expect(fileStopsGrowing(sized([10, 40, 30, 30, 45, 41]), 5).failures).toEqual([]);
    expect(fileStopsGrowing(sized([10, 20, 30, 40, 50, 60]), 5).failures).toHaveLength(2);
  });

  it("hotKeysHit counts reads after the first write, and fails a low ratio", () => {
    const b = new HistoryBuilder().get("r0", "hot", ABSENT, [0, 1]).set("w0", "hot", "v", [1, 2]);
    for (let i = 0; i < 9; i++) b.get("r0", "hot", "v", [3 + i, 4 + i]);
    b.get("r0", "hot", ABSENT, [20, 21]).get("r0", "cold", ABSENT, [22, 23]);
    const hot = new Set([keyId("", "hot")]);
    expect(hotKeysHit(b.build(), hot, 0.9)).toMatchObject({ checked: 10, failures: [], ratio: 0.9 });
    expect(hotKeysHit(b.build(), hot, 0.95).failures).toHaveLength(1);
  });
});
