import { describe, expect, it } from "vitest";
import { killsLanded, processesWorked, reopensClean, survivorsWentOn } from "./processes.ts";
import { HistoryBuilder } from "./test-history.ts";

describe("processesWorked", () => {
  it("accepts processes that ended with code 0 and operations that all succeeded", () => {
    const h = new HistoryBuilder().process("w0").process("w1", { killPlanned: true, signal: "SIGKILL" }).set("w0", "k", 1, [0, 1]);
    expect(processesWorked(h.build()).failures).toEqual([]);
  });

  it("fails a failed operation, a non-zero exit, a cache that would not open, and a run that timed out", () => {
    const h = new HistoryBuilder()
      .process("w0", { exitCode: 1, stderr: "TypeError: boom" })
      .process("w1", { openError: { code: "CACHE_CORRUPT", message: "damaged" } })
      .process("r0", { timedOut: true, exitCode: undefined, signal: "SIGKILL" })
      .failed("w2", { kind: "sweep" }, [0, 1]);
    const { failures } = processesWorked(h.build());
    expect(failures).toHaveLength(4);
    expect(failures[0]).toContain("boom");
  });
});

describe("killsLanded", () => {
  it("fails a process planned to die that ended on its own", () => {
    const h = new HistoryBuilder().process("w0", { killPlanned: true, signal: "SIGKILL" }).process("w1", { killPlanned: true, exitCode: 3 });
    expect(killsLanded(h.build())).toEqual({ checked: 2, failures: [expect.stringContaining("w1 was to be killed")] });
  });
});

describe("survivorsWentOn", () => {
  const killedAt10 = () => new HistoryBuilder().process("w0", { killPlanned: true, signal: "SIGKILL", endedAt: 10 }).process("r0");

  it("accepts a survivor that completed an operation begun after the last kill", () => {
    expect(survivorsWentOn(killedAt10().get("r0", "k", 1, [11, 12]).build())).toEqual({ checked: 1, failures: [] });
  });

  it("fails when nothing completed after the last kill", () => {
    expect(survivorsWentOn(killedAt10().get("r0", "k", 1, [5, 12]).build()).failures).toHaveLength(1);
  });
});

describe("reopensClean", () => {
  it("accepts a final process that opened the cache and did its work", () => {
    expect(reopensClean(new HistoryBuilder().process("final").set("final", "p", 1, [0, 1]).build()).failures).toEqual([]);
  });

  it("fails a final process that could not open the directory, or is missing", () => {
    const refused = new HistoryBuilder().process("final", { openError: { code: "CACHE_CORRUPT", message: "damaged" } });
    expect(reopensClean(refused.build()).failures[0]).toContain("CACHE_CORRUPT");
    expect(reopensClean(new HistoryBuilder().build()).failures).toEqual(["no final process ran"]);
  });
});
