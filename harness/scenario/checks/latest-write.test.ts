import { describe, expect, it } from "vitest";
import { readsSeeLatestWrite } from "./latest-write.ts";
import { buildHistoryIndex } from "./history-index.ts";
import { ABSENT, HistoryBuilder } from "./test-history.ts";

const check = (h: HistoryBuilder, final = false) => readsSeeLatestWrite(buildHistoryIndex(h.build()), { final });

describe("readsSeeLatestWrite", () => {
  it("accepts reads of the latest write, of a write concurrent with the read, and of nothing yet", () => {
    const h = new HistoryBuilder()
      .get("r0", "k", ABSENT, [0, 1])
      .set("w0", "k", "a", [2, 3])
      .get("r0", "k", "a", [4, 5])
      .set("w1", "k", "b", [6, 9])
      .get("r0", "k", "a", [7, 8])
      .get("r1", "k", "b", [7, 8])
      .get("r0", "k", "b", [10, 11]);
    expect(check(h)).toEqual({ checked: 5, failures: [] });
  });

  it("fails a stale read: the value was superseded before the read began", () => {
    const h = new HistoryBuilder().set("w0", "k", "a", [0, 1]).set("w1", "k", "b", [2, 3]).get("r0", "k", "a", [4, 5]);
    const { failures } = check(h);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain("superseded before the read began");
  });

  it("fails a read of a value written only after the read completed", () => {
    const h = new HistoryBuilder().get("r0", "k", "a", [0, 1]).set("w0", "k", "a", [2, 3]);
    expect(check(h).failures[0]).toContain("invoked after the read completed");
  });

  it("fails a value never written under that key, such as one from another namespace", () => {
    const h = new HistoryBuilder().set("w0", "k", "a", [0, 1], { ns: ["n1"] }).get("r0", "k", "a", [2, 3], { ns: ["n2"] });
    expect(check(h).failures[0]).toContain("no write put that value under this key");
  });

  it("treats a del as a write of absent", () => {
    const ok = new HistoryBuilder().set("w0", "k", "a", [0, 1]).del("w0", "k", [2, 3]).get("r0", "k", ABSENT, [4, 5]);
    expect(check(ok).failures).toEqual([]);
    const bad = new HistoryBuilder().set("w0", "k", "a", [0, 1]).del("w0", "k", [2, 3]).get("r0", "k", "a", [4, 5]);
    expect(check(bad).failures).toHaveLength(1);
    const missing = new HistoryBuilder().set("w0", "k", "a", [0, 1]).get("r0", "k", ABSENT, [2, 3]);
    expect(check(missing).failures).toHaveLength(1);
  });

  it("takes a batch's last operation on a key as its write: an overwritten put is never visible", () => {
    const batch = [
      { type: "put" as const, key: "k", value: "early" },
      { type: "put" as const, key: "j", value: "j1" },
      { type: "put" as const, key: "k", value: "late" },
    ];
    const ok = new HistoryBuilder().batch("w0", batch, [0, 1]).get("r0", "k", "late", [2, 3]).get("r0", "j", "j1", [2, 3]);
    expect(check(ok).failures).toEqual([]);
    const bad = new HistoryBuilder().batch("w0", batch, [0, 1]).get("r0", "k", "early", [2, 3]);
    expect(check(bad).failures).toHaveLength(1);
  });

  it("judges has() and entries() like get()", () => {
    const h = new HistoryBuilder()
      .set("w0", "a", 1, [0, 1])
      .del("w0", "b", [0, 1])
      .has("r0", "b", true, [2, 3])
      .entries("r0", [], [2, 3]);
    const { failures } = check(h);
    expect(failures).toHaveLength(2);
    expect(failures.join("\n")).toMatch(/has\("b"\).*saw present/);
    expect(failures.join("\n")).toMatch(/entries\(\).*saw absent for "a"/);
  });

  it("allows absent once a TTL ran out, and fails absent before it (the clock readings decide)", () => {
    const expired = new HistoryBuilder().set("w0", "k", "v", [0, 1], { ttlMs: 10, clock: [0.5] }).get("r0", "k", ABSENT, [20, 21], { clock: [20.5] });
    expect(check(expired).failures).toEqual([]);
    const early = new HistoryBuilder().set("w0", "k", "v", [0, 1], { ttlMs: 10, clock: [0.5] }).get("r0", "k", ABSENT, [5, 6], { clock: [5.5] });
    expect(check(early).failures).toHaveLength(1);
  });

  it("checks the final process's reads separately: no completed write lost", () => {
    const h = new HistoryBuilder().set("w0", "k", "a", [0, 1]).get("r0", "k", "a", [2, 3]).get("final", "k", ABSENT, [10, 11]);
    expect(check(h).failures).toEqual([]);
    const final = check(h, true);
    expect(final.checked).toBe(1);
    expect(final.failures[0]).toContain("final#0");
  });

  it("counts a write its process was killed inside as possibly applied, or not", () => {
    const applied = new HistoryBuilder().set("w0", "k", "a", [0, 1], { outcome: "pending" }).get("final", "k", "a", [10, 11]);
    const lost = new HistoryBuilder().set("w0", "k", "a", [0, 1], { outcome: "pending" }).get("final", "k", ABSENT, [10, 11]);
    expect(check(applied, true).failures).toEqual([]);
    expect(check(lost, true).failures).toEqual([]);
  });
});
