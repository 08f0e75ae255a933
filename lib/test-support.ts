// Helpers shared by the library's tests: temp directories that are always removed, and fixture processes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execaSync } from "execa";
import { afterEach } from "vitest";

const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory, removed after the current test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "lmdb-cache-test-"));
  made.push(dir);
  return dir;
}

export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** Writes raw bytes under a raw stored key from another process, as damage or a foreign writer would. */
export function rawPut(path: string, key: Buffer, record: Buffer): void {
  execaSync("node", ["--import", "tsx", fixture("raw-put.ts"), path, key.toString("hex"), record.toString("hex")]);
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}
