import { describe, expect, it } from "vitest";
import { isGone, processInfo, thisOwner } from "./owner.ts";

describe("owner", () => {
  it("names this process by pid, start time and thread, and never counts it gone", () => {
    const me = thisOwner();
    expect(me.pid).toBe(process.pid);
    expect(me.start).toBeGreaterThan(0);
    expect(processInfo(process.pid)).toEqual({ dead: false, start: me.start });
    expect(isGone(me)).toBe(false);
  });

  it("counts gone a pid no process has, and a living pid that started at another time", () => {
    // Above the kernel's largest pid (2^22): no process can have it.
    expect(processInfo(4_194_305)).toBeUndefined();
    expect(isGone({ pid: 4_194_305, start: 1, thread: 0 })).toBe(true);
    const parent = processInfo(process.ppid)!;
    expect(isGone({ pid: process.ppid, start: parent.start, thread: 0 })).toBe(false);
    expect(isGone({ pid: process.ppid, start: parent.start + 1, thread: 0 })).toBe(true);
  });
});
