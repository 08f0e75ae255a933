import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// `level` and `redis` are optional peer dependencies: only migrating needs the one and only the Redis
// backend the other, and an application without them installed is told which package to install (the
// consumer check runs the first for real).
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "missing-dependency-"));
  vi.resetModules();
  for (const name of ["level", "redis"]) {
    vi.doMock(name, () => {
      throw new Error(`Cannot find package '${name}'`);
    });
  }
});
afterEach(async () => {
  vi.doUnmock("level");
  vi.doUnmock("redis");
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

describe("openRedisCache without `redis` installed", () => {
  it("rejects with CACHE_MISSING_DEPENDENCY naming the install command", async () => {
    const { openRedisCache } = await import("./redis/index.ts");
    const { isCacheError } = await import("./index.ts");
    const error = await openRedisCache({ url: "redis://127.0.0.1:1" }).catch((e: unknown) => e);
    expect(isCacheError(error, "CACHE_MISSING_DEPENDENCY")).toBe(true);
    expect((error as Error).message).toContain("`npm install redis`");
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
