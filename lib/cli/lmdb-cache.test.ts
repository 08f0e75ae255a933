// The `lmdb-cache` command as users run it: a separate process, its output and its exit status.
// (Its migrate command has its own tests in test/migrate/cli.test.ts.)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "../index.ts";
import { tempDir } from "../test-support.ts";

const root = join(import.meta.dirname, "..", "..");

function lmdbCache(...args: string[]) {
  return execa("node", ["--import", "tsx", "lib/cli/lmdb-cache.ts", ...args], { cwd: root, reject: false });
}

/** A new cache holding `count` entries; its path. */
async function filled(count: number): Promise<string> {
  const path = tempDir();
  const cache = await openLmdbCache({ path });
  await cache.batch(Array.from({ length: count }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: { i } })));
  await cache.close();
  return path;
}

describe("lmdb-cache", () => {
  it("prints its help on stdout with exit 0, naming every command and what reset cannot see", async () => {
    for (const args of [["--help"], ["-h"], ["verify", "--help"], ["reset", "-h"]]) {
      const result = await lmdbCache(...args);
      expect(result.exitCode, args.join(" ")).toBe(0);
      expect(result.stdout).toMatch(/^usage: lmdb-cache <command> \[options\]$/m);
      for (const command of ["migrate --from <levelDir> --to <lmdbDir>", "verify <path>", "reset <path>"]) {
        expect(result.stdout).toContain(`  ${command}`);
      }
      expect(result.stdout).toContain("reset cannot tell whether another\n      process has it open");
    }
    const migrate = await lmdbCache("migrate", "--help");
    expect(migrate.exitCode).toBe(0);
    expect(migrate.stdout).toMatch(/^usage: lmdb-cache migrate --from <levelDir> --to <lmdbDir> \[--verify\] \[--dry-run\]$/m);
    expect(migrate.stdout).toContain("npm install level");
  });

  it("exits 2 with the usage on stderr for no command, an unknown one, or bad arguments", async () => {
    const cases: [string[], string][] = [
      [[], "usage: lmdb-cache <migrate|verify|reset>"],
      [["toString"], 'unknown command "toString"'],
      [["verify"], "usage: lmdb-cache verify <path>"],
      [["verify", "a", "b"], "usage: lmdb-cache verify <path>"],
      [["reset", "--force"], "usage: lmdb-cache reset <path>"],
    ];
    for (const [args, message] of cases) {
      const result = await lmdbCache(...args);
      expect(result.exitCode, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe("");
    }
  });

  it("`pnpm migrate` runs the command's migrate", async () => {
    const result = await execa("pnpm", ["-s", "migrate", "--help"], { cwd: root, reject: false });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^usage: lmdb-cache migrate --from/m);
  });
});

describe("lmdb-cache verify", () => {
  it("prints the count of an intact cache, exit 0", async () => {
    const path = await filled(1234);
    const result = await lmdbCache("verify", path);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe("1234 entries, none damaged");
  });

  it("exits 1 with CACHE_CORRUPT for a damaged cache, and no stack trace", async () => {
    const path = await filled(2000);
    const bytes = readFileSync(join(path, "data.mdb"));
    // Zero every page after the two meta pages: the tree's pages are gone.
    bytes.fill(0, 8192);
    writeFileSync(join(path, "data.mdb"), bytes);
    const result = await lmdbCache("verify", path);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^verify failed: CACHE_CORRUPT: /m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("exits 2 with CACHE_INVALID_PATH where there is no cache, and creates none", async () => {
    const path = join(tempDir(), "typo");
    const result = await lmdbCache("verify", path);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^verify failed: CACHE_INVALID_PATH: .* holds no cache/m);
    expect(existsSync(path)).toBe(false);
  });
});

describe("lmdb-cache reset", () => {
  it("empties a cache, exit 0; the next open starts empty", async () => {
    const path = await filled(10);
    const result = await lmdbCache("reset", path);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/: emptied; the next open starts a new cache$/);
    expect(existsSync(join(path, "data.mdb"))).toBe(false);
    const cache = await openLmdbCache({ path });
    expect(await cache.has("k1")).toBe(false);
    await cache.close();
  });

  it("says so when there is nothing to remove, exit 0", async () => {
    const result = await lmdbCache("reset", tempDir());
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/: holds no cache files; nothing to remove$/);
  });
});
