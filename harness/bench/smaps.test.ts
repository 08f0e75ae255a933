import { describe, expect, it } from "vitest";
import { mappingKind, parseRollup, readMappings, readRollup, summariseSmaps } from "./smaps.ts";

const NODE = "/usr/local/bin/node";

// The shape of /proc/<pid>/smaps: a header line per mapping, then its fields (only some shown).
const SMAPS = [
  "00400000-00500000 r-xp 00000000 fd:01 123 /usr/local/bin/node",
  "Rss:                 100 kB",
  "Pss:                  50 kB",
  "Anonymous:             0 kB",
  "7f0000000000-7f4000000000 rw-s 00000000 fd:01 456 /tmp/soak/data.mdb",
  "Rss:                 800 kB",
  "Pss:                 200 kB",
  "Shared_Dirty:        300 kB",
  "Private_Dirty:        10 kB",
  "Anonymous:             0 kB",
  "7f5000000000-7f5000100000 rw-s 00000000 fd:01 457 /tmp/soak/lock.mdb",
  "Rss:                   8 kB",
  "7f6000000000-7f6000100000 r-xp 00000000 fd:01 458 /repo/dist/engine/prebuilds/linux-x64/engine.node",
  "Rss:                  40 kB",
  "01000000-02000000 rw-p 00000000 00:00 0                          [heap]",
  "Rss:                  64 kB",
  "Anonymous:            64 kB",
  "7f7000000000-7f7000100000 rw-p 00000000 00:00 0 ",
  "Rss:                  32 kB",
  "Anonymous:            32 kB",
  "Private_Dirty:        32 kB",
  "7f8000000000-7f8000100000 r--p 00000000 fd:01 459 /usr/lib/libc.so.6",
  "Rss:                  16 kB",
  "VmFlags: rd mr mw me sd",
].join("\n");

describe("smaps", () => {
  it("sorts mappings into the cache's files, the engine, node, anonymous memory and other files", () => {
    expect(mappingKind("/a/b/data.mdb", NODE)).toBe("data.mdb");
    expect(mappingKind("/a/b/lock.mdb (deleted)", NODE)).toBe("lock.mdb");
    expect(mappingKind("/x/engine.node", NODE)).toBe("engine addon");
    expect(mappingKind(NODE, NODE)).toBe("node binary");
    expect(mappingKind("", NODE)).toBe("anonymous");
    expect(mappingKind("[stack]", NODE)).toBe("anonymous");
    expect(mappingKind("/usr/lib/libc.so.6", NODE)).toBe("other files");
  });

  it("sums each kind's resident, proportional, anonymous and dirty pages", () => {
    const summary = summariseSmaps(SMAPS, NODE);
    const kib = 1024;
    expect(summary["data.mdb"]).toEqual({ rssBytes: 800 * kib, pssBytes: 200 * kib, anonymousBytes: 0, dirtyBytes: 310 * kib });
    expect(summary["lock.mdb"].rssBytes).toBe(8 * kib);
    expect(summary["engine addon"].rssBytes).toBe(40 * kib);
    expect(summary["node binary"]).toEqual({ rssBytes: 100 * kib, pssBytes: 50 * kib, anonymousBytes: 0, dirtyBytes: 0 });
    expect(summary.anonymous).toEqual({ rssBytes: 96 * kib, pssBytes: 0, anonymousBytes: 96 * kib, dirtyBytes: 32 * kib });
    expect(summary["other files"].rssBytes).toBe(16 * kib);
  });

  it("reads the rollup's fields, and this process's own figures add up to its rollup", () => {
    expect(parseRollup("Rss:   12 kB\nPss:   6 kB\nAnonymous:   4 kB\n")).toEqual({ rssBytes: 12 * 1024, pssBytes: 6 * 1024, anonymousBytes: 4 * 1024 });
    const rollup = readRollup();
    const mappings = Object.values(readMappings());
    const rss = mappings.reduce((a, m) => a + m.rssBytes, 0);
    // Taken a moment apart, so within a few MiB of each other.
    expect(Math.abs(rss - rollup.rssBytes)).toBeLessThan(16 * 2 ** 20);
    expect(rollup.anonymousBytes).toBeGreaterThan(0);
  });
});
