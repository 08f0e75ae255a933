// Helpers shared by the library's tests: temp directories that are always removed, fixture processes, and
// the keys and namespaces that broke level-cache.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execaSync } from "execa";
import fc from "fast-check";
import { afterEach } from "vitest";
import type { Cache } from "./types.ts";

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

/** The keys a view's `entries()` yields, in its order. */
export async function keysOf(cache: Cache<unknown>): Promise<string[]> {
  const keys: string[] = [];
  for await (const [key] of cache.entries()) keys.push(key);
  return keys;
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

const special = fc.constantFrom("\0", "\u241F", "\ud800", "\udfff", "\u{1F600}", "/", "\x01", "\uFFFF", "é");
const piece = fc.oneof(fc.string({ unit: "binary", maxLength: 8 }), special);

/** Full Unicode with lone surrogates, NUL and U+241F, and now and then a key far past LMDB's limit. */
export const nastyString = fc.oneof(
  { weight: 8, arbitrary: fc.array(piece, { maxLength: 6 }).map((parts) => parts.join("")) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 3 }), fc.integer({ min: 1800, max: 70_000 }))
      .map(([head, n]) => head + "k".repeat(n)),
  },
);
