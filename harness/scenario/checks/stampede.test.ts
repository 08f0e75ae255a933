import { describe, expect, it } from "vitest";
import { type Call, type Computation, callersGetStoredValue, deadOwnerReplaced, oneComputationPerKey, type StampedeRecord, takeoverTimes } from "./stampede.ts";

const KEYS = ["a", "b"];

/** A round where p0 computed "a" and p1 computed "b", both processes calling each key once, and the values stored. */
function round(n: number, computed: Record<string, string> = { a: "p0", b: "p1" }): { computations: Computation[]; calls: Call[]; stored: Record<string, unknown> } {
  const computations = KEYS.map((key, i) => ({ round: n, key, proc: computed[key]!, startedAt: 100 * n + i }));
  const value = (key: string) => ({ key, round: n, proc: computed[key] });
  const calls = ["p0", "p1"].flatMap((proc) => KEYS.map((key) => ({ round: n, proc, key, caller: 0, value: value(key) })));
  return { computations, calls, stored: Object.fromEntries(KEYS.map((key) => [key, value(key)])) };
}

function recordOf(...rounds: ReturnType<typeof round>[]): StampedeRecord {
  return {
    keys: KEYS,
    rounds: rounds.map((r, i) => ({
      round: i,
      computes: { p0: r.computations.filter((c) => c.proc === "p0").length, p1: r.computations.filter((c) => c.proc === "p1").length },
      stored: r.stored,
    })),
    computations: rounds.flatMap((r) => r.computations),
    calls: rounds.flatMap((r) => r.calls),
    takeoverBoundMs: 50,
  };
}

describe("oneComputationPerKey", () => {
  it("accepts one computation per key per round", () => {
    expect(oneComputationPerKey(recordOf(round(0), round(1)))).toEqual({ checked: 8, failures: [] });
  });

  it("fails a key computed twice and a key never computed", () => {
    const record = recordOf(round(0));
    record.computations = [...record.computations.filter((c) => c.key !== "b"), { round: 0, key: "a", proc: "p1", startedAt: 5 }];
    expect(oneComputationPerKey(record).failures).toEqual(["round 0, a: 2 computations (p0, p1)", "round 0, b: 0 computations (none)"]);
  });

  it("fails a process whose stats().computes disagrees with the computations it logged", () => {
    const record = recordOf(round(0));
    record.rounds[0]!.computes.p1 = 2;
    expect(oneComputationPerKey(record).failures).toEqual(["round 0, p1: stats().computes grew by 2, its computations logged 1"]);
  });
});

describe("callersGetStoredValue", () => {
  it("accepts callers that all got the computed value, which was stored", () => {
    expect(callersGetStoredValue(recordOf(round(0))).failures).toEqual([]);
  });

  it("fails a caller with another value, a failed caller and a stored value other than the computed one", () => {
    const record = recordOf(round(0));
    record.calls[0]!.value = { key: "a", round: 0, proc: "p1" };
    record.calls[1] = { ...record.calls[1]!, value: undefined, error: "CACHE_TIMEOUT" };
    record.rounds[0]!.stored.b = { key: "b", round: 1, proc: "p1" };
    const { failures } = callersGetStoredValue(record);
    expect(failures).toHaveLength(3);
    expect(failures.join("\n")).toContain("CACHE_TIMEOUT");
  });
});

describe("deadOwnerReplaced", () => {
  /** p0 computes both keys in round 0 and is killed at 10; p1 takes them over. */
  function killed(starts: (number | undefined)[]): StampedeRecord {
    const record = recordOf(round(0, { a: "p1", b: "p1" }));
    record.computations = record.computations.filter((_, i) => starts[i] !== undefined).map((c, i) => ({ ...c, startedAt: starts[i]! }));
    record.computations.push(...KEYS.map((key) => ({ round: 0, key, proc: "p0", startedAt: 1 })));
    record.kill = { round: 0, proc: "p0", at: 10, signal: "SIGKILL" };
    return record;
  }

  it("accepts every key taken over after the kill and within the bound", () => {
    const record = killed([20, 40]);
    expect(deadOwnerReplaced(record)).toEqual({ checked: 3, failures: [] });
    expect(takeoverTimes(record)).toEqual([{ key: "a", ms: 10 }, { key: "b", ms: 30 }]);
  });

  it("fails a takeover past the bound, a key nobody took over, and a run where nobody was killed", () => {
    expect(deadOwnerReplaced(killed([100, undefined])).failures).toEqual([
      "a: taken over 90.0 ms after the kill, bound 50 ms",
      "b: nobody took over from p0",
    ]);
    expect(deadOwnerReplaced(recordOf(round(0))).failures).toEqual(["no process was killed"]);
  });

  it("fails a computation that began before its owner was killed, and an owner that was not SIGKILLed", () => {
    const record = killed([5, 20]);
    record.kill!.signal = undefined;
    expect(deadOwnerReplaced(record).failures).toEqual(["p0 ended by exiting, not SIGKILL", "a: computed again 5.0 ms before its owner was killed"]);
  });
});
