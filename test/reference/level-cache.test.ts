// The reference's storage layout, read back with level directly: what the migration parses.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import { afterEach, beforeEach, expect, it } from "vitest";
import { openReferenceLevelCache } from "./level-cache.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "level-cache-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rawEntries(path: string): Promise<Array<[string, string]>> {
  const db = new Level<string, string>(path, { keyEncoding: "utf8", valueEncoding: "utf8" });
  try {
    return await db.iterator().all();
  } finally {
    await db.close();
  }
}

it("stores namespace + U+241F + key, and the envelope {v} or {v, x} as JSON", async () => {
  const cache = await openReferenceLevelCache({ path: dir, now: () => 5000, defaultTtlMs: 7 });
  await cache.set("root", { a: 1 }, { ttlMs: undefined });
  await cache.withNamespace("users").withNamespace("eu").set("u1", [1], { ttlMs: 100 });
  await cache.withNamespace("users").batch([{ type: "put", key: "b", value: null }]);
  await cache.close();
  expect(await rawEntries(dir)).toEqual([
    ["root", '{"v":{"a":1},"x":5007}'],
    ["users/eu\u241Fu1", '{"v":[1],"x":5100}'],
    ["users\u241Fb", '{"v":null,"x":5007}'],
  ]);
});

it("get swallows a read error: a record that is not JSON reads as missing", async () => {
  const db = new Level<string, string>(dir, { keyEncoding: "utf8", valueEncoding: "utf8" });
  await db.put("broken", "{not json");
  await db.close();
  const cache = await openReferenceLevelCache({ path: dir });
  expect(await cache.get("broken")).toBeUndefined();
  expect(await cache.has("broken")).toBe(false);
  await cache.close();
});

it("uses Date.now when no clock is given", async () => {
  const cache = await openReferenceLevelCache({ path: dir });
  const before = Date.now();
  await cache.set("k", 1, { ttlMs: 60_000 });
  await cache.close();
  const [[, raw] = ["", ""]] = await rawEntries(dir);
  const { x } = JSON.parse(raw) as { x: number };
  expect(x - 60_000).toBeGreaterThanOrEqual(before);
  expect(x - 60_000).toBeLessThanOrEqual(Date.now());
});
