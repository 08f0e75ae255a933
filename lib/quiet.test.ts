// A library prints nothing in normal use: whatever it writes lands in the application's own stdout and
// stderr (and some applications speak a protocol on stdout). A child process goes through every path
// of the cache it can reach, including the close paths where reads race the close, and must write
// nothing at all.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { fixture, tempDir } from "./test-support.ts";

describe("output", () => {
  it("is none: no stdout, no stderr, exit 0, on every path a process can take", async () => {
    const dir = tempDir();
    const report = join(dir, "report.json");
    // The output kept byte for byte: a lone newline is output too.
    const child = await execa("node", ["--import", "tsx", fixture("quiet.ts"), dir, report], {
      reject: false,
      stripFinalNewline: false,
    });
    expect({ stdout: child.stdout, stderr: child.stderr, exitCode: child.exitCode, signal: child.signal }).toEqual({
      stdout: "",
      stderr: "",
      exitCode: 0,
      signal: undefined,
    });
    // Silence proves something only if the child went everywhere it should have.
    const { done, problems, codes, readsAfterClose } = JSON.parse(readFileSync(report, "utf8"));
    expect(problems).toEqual([]);
    expect(done).toEqual([
      "operations",
      "reads pending at close",
      "abandoned scans",
      "reopening",
      "threads",
      "tools",
      "errors",
      "left open at exit",
    ]);
    expect(readsAfterClose).toBeGreaterThan(0);
    expect(codes).toEqual({
      "scan resumed after close": "CACHE_CLOSED",
      "reset while open": "CACHE_INCOMPATIBLE",
      "bad key": "CACHE_INVALID_KEY",
      "bad batch": "CACHE_INVALID_BATCH",
      "bad ttl": "CACHE_INVALID_TTL",
      "bad option": "CACHE_INVALID_OPTION",
      "other durability": "CACHE_INCOMPATIBLE",
      "closed get": "CACHE_CLOSED",
      "closed set": "CACHE_CLOSED",
      "closed entries": "CACHE_CLOSED",
      "path is a file": "CACHE_INVALID_PATH",
      "damaged data file": "CACHE_CORRUPT",
      "verify damaged": "CACHE_CORRUPT",
      full: "CACHE_FULL",
    });
  });
});
