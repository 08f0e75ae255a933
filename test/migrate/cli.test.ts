// `pnpm migrate` as users run it: a separate process, its output, its exit status, and a SIGKILL mid-commit.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openLmdbCache } from "../../lib/index.ts";
import { openReferenceLevelCache } from "../reference/level-cache.ts";
import { writeDataSet } from "./dataset.ts";
import { formatSummary, progressReporter } from "../../lib/cli/migrate-progress.ts";
import { dumpLevel, dumpLmdb } from "./dumps.ts";

const root = join(import.meta.dirname, "../..");

function migrate(...args: string[]) {
  return execa("node", ["--import", "tsx", "lib/cli/lmdb-cache.ts", "migrate", ...args], { cwd: root, reject: false });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "migrate-cli-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("pnpm migrate", () => {
  it("migrates with --verify: plain progress lines on a pipe, a summary, exit 0; a second run copies nothing", async () => {
    const from = join(dir, "level");
    const to = join(dir, "lmdb");
    await writeDataSet(from, 1500, 3, Date.now());
    const sourceBefore = await dumpLevel(from);
    const first = await migrate("--from", from, "--to", to, "--verify");
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^scan 0% \(0\/1,500\)$/m);
    expect(first.stderr).toMatch(/^commit 100% /m);
    expect(first.stderr).toMatch(/^verify 100% /m);
    expect(first.stdout).toMatch(/^migrated in one transaction$/m);
    expect(first.stdout).toMatch(/^copied [\d,]+ \(new [\d,]+, changed 0\), unchanged 0, skipped as expired [1-9][\d,]*, unreadable 0, deleted 0$/m);
    expect(first.stdout).toMatch(/^verified [\d,]+, mismatches 0$/m);
    expect(first.stdout).toMatch(/^seconds [\d.]+, 1,500 source entries, [\d,]+ entries\/s$/m);
    expect(await dumpLevel(from)).toEqual(sourceBefore);

    const second = await migrate("--from", from, "--to", to);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toMatch(/^copied 0 \(new 0, changed 0\), unchanged [1-9][\d,]*, .*deleted 0$/m);
  });

  it("exits 1 and lists the mismatches --verify finds; --dry-run writes nothing", async () => {
    const from = join(dir, "level");
    const to = join(dir, "lmdb");
    const source = await openReferenceLevelCache({ path: from });
    await source.withNamespace("n").set("k", 1);
    await source.close();
    const dry = await migrate("--from", from, "--to", to, "--dry-run", "--verify");
    expect(dry.exitCode).toBe(1);
    expect(dry.stdout).toMatch(/^dry run: nothing was written$/m);
    expect(dry.stdout).toMatch(/^would copy 1 \(new 1, changed 0\)/m);
    expect(dry.stdout).toContain('  mismatch: missing namespace "n" key "k"');
    expect(existsSync(to)).toBe(false);

    expect((await migrate("--from", from, "--to", to)).exitCode).toBe(0);
    const target = await openLmdbCache({ path: to });
    await target.withNamespace("n").set("k", 2);
    await target.close();
    const checked = await migrate("--from", from, "--to", to, "--verify", "--dry-run");
    expect(checked.exitCode).toBe(1);
    expect(checked.stdout).toMatch(/^verified 0, mismatches 1$/m);
    expect(checked.stdout).toContain('  mismatch: value namespace "n" key "k"');
  });

  it("fails fast with CACHE_SOURCE_LOCKED, no stack trace, exit 2, while an application has the source open", async () => {
    const from = join(dir, "level");
    const app = await openReferenceLevelCache({ path: from });
    try {
      const result = await migrate("--from", from, "--to", join(dir, "lmdb"));
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/^migrate failed, the target is unchanged: CACHE_SOURCE_LOCKED: .*LEVEL_LOCKED/m);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await app.close();
    }
  });

  it("exits 2 with the usage on bad arguments", async () => {
    for (const args of [[], ["--from", "x"], ["--from", "x", "--to", "y", "--fast"]]) {
      const result = await migrate(...args);
      expect(result.exitCode, args.join(" ")).toBe(2);
      expect(result.stderr).toContain("usage: lmdb-cache migrate --from <levelDir> --to <lmdbDir> [--verify] [--dry-run]");
    }
  });

  it("killed with SIGKILL during its commit, leaves the target exactly as before; a rerun completes", async () => {
    const [first, second, to] = [join(dir, "first"), join(dir, "second"), join(dir, "lmdb")];
    const now = Date.now();
    await Promise.all([writeDataSet(first, 12_000, 11, now), writeDataSet(second, 12_000, 12, now)]);
    expect((await migrate("--from", first, "--to", to)).exitCode).toBe(0);
    const before = await dumpLmdb(to);

    const run = execa("node", ["--import", "tsx", "lib/cli/lmdb-cache.ts", "migrate", "--from", second, "--to", to], {
      cwd: root,
      reject: false,
    });
    let sawCommit = false;
    run.stderr.on("data", (chunk: Buffer) => {
      const percent = /^commit (\d+)% /m.exec(chunk.toString())?.[1];
      if (!sawCommit && percent !== undefined && Number(percent) < 100) {
        sawCommit = true;
        run.kill("SIGKILL");
      }
    });
    const killed = await run;
    expect(sawCommit).toBe(true);
    expect(killed.signal).toBe("SIGKILL");
    expect(killed.stdout).not.toContain("migrated in one transaction");
    expect(await dumpLmdb(to)).toEqual(before);
    expect((await readdir(dir)).filter((name) => name.startsWith(".lmdb.migrate-"))).toHaveLength(1);

    const rerun = await migrate("--from", second, "--to", to, "--verify");
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/^verified [\d,]+, mismatches 0$/m);
    expect(rerun.stdout).toMatch(/deleted [1-9]/);
    expect((await readdir(dir)).filter((name) => name.startsWith(".lmdb.migrate-"))).toHaveLength(0);
  });
});

describe("migrate progress and summary", () => {
  it("draws a bar on a terminal, at most every 100 ms but always at the end of a phase", () => {
    const out: string[] = [];
    const clock = { t: 1000 };
    const report = progressReporter(true, (text) => out.push(text), () => clock.t);
    report({ phase: "scan", done: 0, total: 4 });
    clock.t += 99;
    report({ phase: "scan", done: 1, total: 4 });
    clock.t += 1;
    report({ phase: "scan", done: 2, total: 4 });
    report({ phase: "scan", done: 4, total: 4 });
    report({ phase: "commit", done: 0, total: 0 });
    expect(out).toEqual([
      `\rscan   [${"-".repeat(30)}]   0% 0/4`,
      `\rscan   [${"#".repeat(15)}${"-".repeat(15)}]  50% 2/4`,
      `\rscan   [${"#".repeat(30)}] 100% 4/4`,
      "\n",
      `\rcommit [${"#".repeat(30)}] 100% 0/0`,
      "\n",
    ]);
  });

  it("writes a plain line at every tenth of a phase otherwise", () => {
    const out: string[] = [];
    const report = progressReporter(false, (text) => out.push(text));
    for (let done = 0; done <= 20_000; done += 1000) report({ phase: "verify", done, total: 20_000 });
    expect(out).toHaveLength(11);
    expect(out[0]).toBe("verify 0% (0/20,000)\n");
    expect(out[5]).toBe("verify 50% (10,000/20,000)\n");
    expect(out[10]).toBe("verify 100% (20,000/20,000)\n");
  });

  it("summarises a run, listing mismatches and how many more there are", () => {
    const summary = {
      scanned: 300,
      copied: 2,
      added: 1,
      changed: 1,
      unchanged: 3,
      skippedExpired: 4,
      unreadable: 5,
      deleted: 6,
      verified: 7,
      mismatchCount: 3,
      mismatches: [{ namespace: "n", key: "k", problem: "extra" as const }],
      dryRun: false,
      seconds: 1.5,
    };
    expect(formatSummary(summary, true)).toBe(
      [
        "migrated in one transaction",
        "copied 2 (new 1, changed 1), unchanged 3, skipped as expired 4, unreadable 5, deleted 6",
        "verified 7, mismatches 3",
        '  mismatch: extra namespace "n" key "k"',
        "  ... and 2 more",
        "seconds 1.50, 300 source entries, 200 entries/s",
      ].join("\n"),
    );
    expect(formatSummary({ ...summary, dryRun: true, seconds: 0 }, false)).toBe(
      [
        "dry run: nothing was written",
        "would copy 2 (new 1, changed 1), unchanged 3, skipped as expired 4, unreadable 5, would delete 6",
        "seconds 0.00, 300 source entries, 0 entries/s",
      ].join("\n"),
    );
  });
});
