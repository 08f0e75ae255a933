import { describe, expect, it } from "vitest";
import { readsSeeLatestWrite } from "./latest-write.ts";
import { buildHistoryIndex } from "./history-index.ts";
import { oneOrder } from "./one-order.ts";
import { processesWorked } from "./processes.ts";
import { reopensSucceeded } from "./reopens.ts";
import { HistoryBuilder } from "./test-history.ts";

const reopenFailure = { kind: "reopen" as const };

describe("reopensSucceeded", () => {
  it("accepts reopens that succeeded, and leaves out one its process was killed inside", () => {
    const h = new HistoryBuilder()
      .reopen("w0", [0, 1])
      .reopen("r0", [0, 2], { pauseMs: 1 })
      .reopen("w1", [3, 4], { outcome: "pending" });
    expect(reopensSucceeded(h.build())).toEqual({ checked: 2, failures: [] });
  });

  it("fails a reopen that could not open again, naming what raced with it and when the process recovered", () => {
    const h = new HistoryBuilder()
      .set("w1", "k", 1, [0, 5])
      .reopen("r0", [1, 3])
      .failed("w0", reopenFailure, [2, 4])
      .failed("w0", { kind: "get", ns: [], key: "k" }, [5, 6])
      .get("w0", "k", 1, [7, 8]);
    const { checked, failures } = reopensSucceeded(h.build());
    expect(checked).toBe(2);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain("w0#0 reopen() [+2.000ms, +4.000ms] failed: CACHE_IO");
    expect(failures[0]).toContain("meanwhile 1 reopen (r0#0) and 1 write of other processes were under way");
    expect(failures[0]).toContain("its next operation failed too, and it had the cache open again at w0#2 get");
  });

  it("says when the process never had the cache open again", () => {
    const h = new HistoryBuilder().failed("w0", reopenFailure, [0, 1]).failed("w0", { kind: "sweep" }, [2, 3]);
    expect(reopensSucceeded(h.build()).failures[0]).toContain("0 reopens and 0 writes of other processes were under way; its next operation failed too, and it never had the cache open again");
  });
});

describe("a reopen among the other checks", () => {
  it("counts as a failed operation for processesWorked when it fails", () => {
    const h = new HistoryBuilder().process("w0").failed("w0", reopenFailure, [0, 1]);
    expect(processesWorked(h.build()).failures).toEqual([expect.stringContaining("w0#0 reopen() failed")]);
  });

  it("is neither a read nor a write: reads on either side of it are judged by the writes alone", () => {
    const h = new HistoryBuilder()
      .set("w0", "k", "a", [0, 1])
      .reopen("w0", [2, 3])
      .get("w0", "k", "a", [4, 5])
      .reopen("r0", [4, 6])
      .get("r0", "k", "a", [7, 8]);
    const indexed = buildHistoryIndex(h.build());
    expect(indexed.writes).toHaveLength(1);
    expect(indexed.observations).toHaveLength(2);
    expect(readsSeeLatestWrite(indexed, { final: false }).failures).toEqual([]);
    expect(oneOrder(indexed).failures).toEqual([]);
  });
});
