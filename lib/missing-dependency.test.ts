import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// `level` is an optional peer dependency: only migrating needs it, and an application that migrates
// without it installed is told which package to install (the consumer check runs this for real).
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "missing-dependency-"));
  vi.resetModules();
  vi.doMock("level", () => {
    throw new Error("Cannot find package 'level'");
  });
});
afterEach(async () => {
  vi.doUnmock("level");
  vi.resetModules();
  await rm(dir, { recursive: true, force: true });
});

describe("migrateFromLevel without `level` installed", () => {
  it("rejects with CACHE_MISSING_DEPENDENCY naming the install command, and creates nothing", async () => {
    const { migrateFromLevel, isCacheError, ERROR_CODES } = await import("./index.ts");
    const to = join(dir, "lmdb");
    const error = await migrateFromLevel({ from: join(dir, "level"), to }).catch((e: unknown) => e);
    expect(isCacheError(error, "CACHE_MISSING_DEPENDENCY")).toBe(true);
    expect((error as Error).message).toContain("`npm install level`");
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(ERROR_CODES).toContain("CACHE_MISSING_DEPENDENCY");
    expect(existsSync(to)).toBe(false);
  });
});
