import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import { open } from "#engine";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openReferenceLevelCache } from "../reference/level-cache.ts";
import { type DataSetEntry, generateDataSet, writeDataSet } from "./dataset.ts";
import { dumpLevel, dumpLmdb } from "./dumps.ts";
import { encodeRecord, NEVER_COMPRESS, withFullKey } from "../../lib/codec.ts";
import { checkExpiryIndexAt } from "../../lib/fixtures/expiry-index-check.ts";
import { fullKey, namespacePrefix, storedKey } from "../../lib/keys.ts";
import { type Cache, isCacheError, migrateFromLevel, type MigrateProgress, openLmdbCache } from "../../lib/index.ts";

const NOW = 1_750_000_000_000;
const at = (t: number) => () => t;

let dir: string;
let from: string;
let to: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "migrate-"));
  from = join(dir, "level");
  to = join(dir, "lmdb");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes raw records into a level directory, as level-cache would have stored them (or not). */
async function writeRaw(path: string, records: Record<string, string>): Promise<void> {
  const db = new Level<string, string>(path, { keyEncoding: "utf8", valueEncoding: "utf8" });
  await db.batch(Object.entries(records).map(([key, value]) => ({ type: "put" as const, key, value })));
  await db.close();
}

async function collect<T>(source: AsyncGenerator<[string, T]>): Promise<Array<[string, T]>> {
  const out: Array<[string, T]> = [];
  for await (const entry of source) out.push(entry);
  return out;
}

const byKey = (a: [string, unknown], b: [string, unknown]) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0]));

/**
 * Checks the target through the public API: every live entry with its value, nothing else, expiring
 * on time (which deletes the entries it reads at their expiry).
 */
async function expectTargetHolds(path: string, entries: readonly DataSetEntry[], now: number): Promise<void> {
  const clock = { t: now };
  const cache = await openLmdbCache({ path, now: () => clock.t });
  try {
    const live = entries.filter((e) => e.expiry === undefined || e.expiry > now);
    const namespaces = new Set(entries.map((e) => e.namespace));
    for (const ns of namespaces) {
      const view = cache.withNamespace(ns);
      const want = live.filter((e) => e.namespace === ns).map((e): [string, unknown] => [e.key, e.value]);
      expect(await collect(view.entries()), `namespace ${ns}`).toEqual(want.sort(byKey));
    }
    // Expiry unchanged: present a millisecond before it, gone at it.
    for (const entry of live.filter((e) => e.expiry !== undefined).slice(0, 200)) {
      const view = cache.withNamespace(entry.namespace);
      clock.t = entry.expiry! - 1;
      expect(await view.has(entry.key)).toBe(true);
      clock.t = entry.expiry!;
      expect(await view.has(entry.key)).toBe(false);
    }
  } finally {
    await cache.close();
  }
}

describe("migrateFromLevel on a generated data set", () => {
  const COUNT = 3000;
  const entries = [...generateDataSet(COUNT, 7, NOW)];
  const liveCount = entries.filter((e) => e.expiry === undefined || e.expiry > NOW).length;
  let shared: string;
  let source: string;

  beforeAll(async () => {
    shared = await mkdtemp(join(tmpdir(), "migrate-data-"));
    source = join(shared, "level");
    await writeDataSet(source, COUNT, 7, NOW);
  });
  afterAll(async () => {
    await rm(shared, { recursive: true, force: true });
  });

  it("has namespaces, nested ones, expired entries, big values and long Unicode keys", () => {
    const namespaces = new Set(entries.map((e) => e.namespace));
    expect(namespaces.size).toBeGreaterThanOrEqual(5);
    expect([...namespaces].some((ns) => ns.includes("/"))).toBe(true);
    expect(liveCount).toBeLessThan(COUNT);
    expect(entries.some((e) => e.expiry !== undefined && e.expiry > NOW)).toBe(true);
    expect(Math.max(...entries.map((e) => JSON.stringify(e.value).length))).toBeGreaterThan(10_000);
    expect(entries.some((e) => Buffer.byteLength(e.key) > 1978)).toBe(true);
    expect(entries.some((e) => /[^\u0000-\uFFFF]/u.test(e.key))).toBe(true);
  });

  it("copies every live entry with namespace, value and expiry, skips expired ones, never writes the source", async () => {
    const before = await dumpLevel(source);
    const progress: MigrateProgress[] = [];
    const summary = await migrateFromLevel({ from: source, to, verify: true, now: at(NOW), onProgress: (p) => progress.push(p) });
    expect(summary).toMatchObject({
      scanned: COUNT,
      copied: liveCount,
      added: liveCount,
      changed: 0,
      unchanged: 0,
      skippedExpired: COUNT - liveCount,
      unreadable: 0,
      deleted: 0,
      verified: liveCount,
      mismatchCount: 0,
      mismatches: [],
      dryRun: false,
    });
    expect(summary.seconds).toBeGreaterThan(0);
    expect(await dumpLevel(source)).toEqual(before);
    await expectTargetHolds(to, entries, NOW);
    // Progress: each phase counts up to its total.
    for (const phase of ["scan", "commit", "verify"] as const) {
      const mine = progress.filter((p) => p.phase === phase);
      expect(mine.at(-1)).toEqual({ phase, done: mine[0]!.total, total: mine[0]!.total });
      expect(mine.map((p) => p.done)).toEqual([...mine.map((p) => p.done)].sort((a, b) => a - b));
    }
  });

  it("brings the target up to date incrementally: new, changed and deleted keys, the rest untouched", async () => {
    const copy = join(dir, "source");
    await writeDataSet(copy, COUNT, 7, NOW);
    await migrateFromLevel({ from: copy, to, now: at(NOW) });
    const later = NOW + 1000;
    const live = entries.filter((e) => e.expiry === undefined || e.expiry > later);
    const [changed, deleted, retimed] = [live.slice(0, 40), live.slice(40, 70), live.slice(70, 80)];
    const expected = new Map(live.map((e) => [JSON.stringify([e.namespace, e.key]), e]));
    const cache = await openReferenceLevelCache({ path: copy, now: at(later) });
    for (const e of changed) {
      await cache.withNamespace(e.namespace).set(e.key, { changed: e.key });
      expected.set(JSON.stringify([e.namespace, e.key]), { ...e, value: { changed: e.key }, expiry: undefined });
    }
    for (const e of deleted) {
      await cache.withNamespace(e.namespace).del(e.key);
      expected.delete(JSON.stringify([e.namespace, e.key]));
    }
    for (const e of retimed) {
      await cache.withNamespace(e.namespace).set(e.key, e.value, { ttlMs: 5000 });
      expected.set(JSON.stringify([e.namespace, e.key]), { ...e, expiry: later + 5000 });
    }
    for (let i = 0; i < 25; i++) {
      await cache.withNamespace("fresh/ns").set(`new ${i}`, [i]);
      expected.set(JSON.stringify(["fresh/ns", `new ${i}`]), { namespace: "fresh/ns", key: `new ${i}`, value: [i], expiry: undefined });
    }
    await cache.close();

    const summary = await migrateFromLevel({ from: copy, to, verify: true, now: at(later) });
    expect(summary).toMatchObject({
      copied: 75,
      added: 25,
      changed: 50,
      unchanged: expected.size - 75,
      deleted: 30,
      verified: expected.size,
      mismatchCount: 0,
    });
    const again = await migrateFromLevel({ from: copy, to, now: at(later) });
    expect(again).toMatchObject({ copied: 0, added: 0, changed: 0, deleted: 0, unchanged: expected.size });
    // The commit kept the expiry index of what it added, replaced (with and without an expiry) and deleted.
    const index = await checkExpiryIndexAt(to);
    expect(index.problems).toEqual([]);
    expect(index.withExpiry).toBe([...expected.values()].filter((e) => e.expiry !== undefined).length);
    // Last: reading entries at their expiry deletes them.
    await expectTargetHolds(to, [...expected.values()], later);
  });
});

describe("migrateFromLevel, stored layout", () => {
  it("splits stored keys at the first U+241F and reads envelopes as level-cache does", async () => {
    await writeRaw(from, {
      plain: '{"v":1}',
      "a\u241Fb\u241Fc": '{"v":"two separators"}',
      "users/eu\u241Fu1": `{"v":{"n":1},"x":${NOW + 10}}`,
      "\u241Fempty namespace": '{"v":2}',
      "ns\u241F": '{"v":"empty key"}',
      "ns\u241Fnull expiry": '{"v":3,"x":null}',
      "ns\u241Ftext expiry": `{"v":4,"x":"${NOW - 10}"}`,
      "ns\u241Fno value": `{"x":${NOW + 10}}`,
      "ns\u241Fexpired": `{"v":5,"x":${NOW}}`,
      "ns\u241F\u{1F600} astral": '{"v":6}',
      "ns\u241Fnot json": "{oops",
      "ns\u241Fnot an object": "[1,2]",
      "ns\u241Fnull": "null",
    });
    const summary = await migrateFromLevel({ from, to, verify: true, now: at(NOW) });
    expect(summary).toMatchObject({ scanned: 13, copied: 9, skippedExpired: 1, unreadable: 3, verified: 9, mismatchCount: 0 });
    const cache = await openLmdbCache({ path: to, now: at(NOW) });
    const ns = cache.withNamespace("ns");
    expect(await cache.get("plain")).toBe(1);
    expect(await cache.withNamespace("a").get("b\u241Fc")).toBe("two separators");
    expect(await cache.get("a\u241Fb\u241Fc")).toBeUndefined();
    expect(await cache.withNamespace("users").withNamespace("eu").get("u1")).toEqual({ n: 1 });
    expect(await cache.get("\u241Fempty namespace")).toBeUndefined();
    expect(await cache.get("empty namespace")).toBe(2);
    expect(await collect(ns.entries())).toEqual([
      ["", "empty key"],
      ["no value", undefined],
      ["null expiry", 3],
      ["text expiry", 4],
      ["\u{1F600} astral", 6],
    ]);
    expect(await ns.has("no value")).toBe(false);
    await cache.close();
    const expiring = await openLmdbCache({ path: to, now: at(NOW + 10) });
    expect(await expiring.withNamespace("users/eu").get("u1")).toBeUndefined();
    expect(await expiring.get("plain")).toBe(1);
    await expiring.close();
  });

  it("reports what a dry run would do and writes nothing; a missing target stays missing", async () => {
    const source = await openReferenceLevelCache({ path: from, now: at(NOW) });
    await source.withNamespace("n").set("k", 1);
    await source.set("old", 2, { ttlMs: -1 });
    await source.close();
    const dry = await migrateFromLevel({ from, to, dryRun: true, verify: true, now: at(NOW) });
    expect(dry).toMatchObject({ dryRun: true, copied: 1, added: 1, skippedExpired: 1, verified: 0, mismatchCount: 1 });
    expect(dry.mismatches).toEqual([{ namespace: "n", key: "k", problem: "missing" }]);
    expect(existsSync(to)).toBe(false);
    const deeper = join(dir, "missing", "lmdb");
    expect(await migrateFromLevel({ from, to: deeper, dryRun: true, now: at(NOW) })).toMatchObject({ added: 1 });
    expect(existsSync(join(dir, "missing"))).toBe(false);

    await migrateFromLevel({ from, to, now: at(NOW) });
    const target = await openLmdbCache({ path: to });
    await target.set("extra", 1);
    await target.close();
    const before = await dumpLmdb(to);
    const again = await migrateFromLevel({ from, to, dryRun: true, now: at(NOW) });
    expect(again).toMatchObject({ copied: 0, unchanged: 1, deleted: 1 });
    expect(await dumpLmdb(to)).toEqual(before);
  });

  it("--verify lists every mismatch: missing, different value, different expiry, extra", async () => {
    const source = await openReferenceLevelCache({ path: from, now: at(NOW) });
    for (const key of ["same", "value", "expiry", "missing"]) await source.withNamespace("n").set(key, key, { ttlMs: 1000 });
    await source.close();
    await migrateFromLevel({ from, to, now: at(NOW) });
    const target = await openLmdbCache({ path: to, now: at(NOW) });
    const n = target.withNamespace("n");
    await n.set("value", "other", { ttlMs: 1000 });
    await n.set("expiry", "expiry", { ttlMs: 999 });
    await n.del("missing");
    await target.withNamespace("n\u0000\u0001x").set("surplus", 0);
    await target.close();
    const summary = await migrateFromLevel({ from, to, dryRun: true, verify: true, now: at(NOW) });
    expect(summary.verified).toBe(1);
    expect(summary.mismatchCount).toBe(4);
    expect(summary.mismatches).toEqual(
      expect.arrayContaining([
        { namespace: "n", key: "value", problem: "value" },
        { namespace: "n", key: "expiry", problem: "expiry" },
        { namespace: "n", key: "missing", problem: "missing" },
        { namespace: "n\u0000\u0001x", key: "surplus", problem: "extra" },
      ]),
    );
  });

  it("lists at most 100 mismatches and counts them all", async () => {
    await writeRaw(from, Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`k${i}`, `{"v":${i}}`])));
    const summary = await migrateFromLevel({ from, to, dryRun: true, verify: true, now: at(NOW) });
    expect(summary.mismatchCount).toBe(120);
    expect(summary.mismatches).toHaveLength(100);
  });

  it("keeps long keys in their hashed slots and counts a value decoded equal as unchanged", async () => {
    const long = "ß".repeat(1200);
    const source = await openReferenceLevelCache({ path: from, now: at(NOW) });
    await source.withNamespace("n").set(long, { a: 1, b: [1, 2] });
    await source.close();
    expect(await migrateFromLevel({ from, to, now: at(NOW) })).toMatchObject({ added: 1 });
    const cache = await openLmdbCache<unknown>({ path: to, values: "structured" });
    // The same value in another codec: other bytes, same value.
    await cache.withNamespace("n").set(long, { b: [1, 2], a: 1 });
    await cache.close();
    expect(await migrateFromLevel({ from, to, verify: true, now: at(NOW) })).toMatchObject({ unchanged: 1, verified: 1 });
  });
});

describe("migrateFromLevel, all or nothing", () => {
  it("a failing commit leaves the target exactly as it was and removes its staging directory", async () => {
    const long = "x".repeat(2000);
    const source = await openReferenceLevelCache({ path: from, now: at(NOW) });
    await source.set("a", 1);
    await source.set(long, 2);
    await source.set("z", 3);
    await source.close();
    const target = await openLmdbCache({ path: to });
    await target.set("before", "kept");
    await target.close();
    // Another long key's record squatting the slot the source key hashes to: a collision.
    const slot = storedKey(fullKey(namespacePrefix(""), long));
    const raw = open<Buffer, Buffer>({ path: to, noSubdir: false, keyEncoding: "binary", encoding: "binary" });
    raw.putSync(slot.stored, withFullKey(encodeRecord("squatter", "json", undefined, NEVER_COMPRESS), Buffer.from("y".repeat(2000))));
    await raw.close();
    const before = await dumpLmdb(to);

    const error = await migrateFromLevel({ from, to, now: at(NOW) }).catch((e: unknown) => e);
    expect(isCacheError(error, "CACHE_KEY_COLLISION")).toBe(true);
    expect(await dumpLmdb(to)).toEqual(before);
    expect((await readdir(dir)).sort()).toEqual(["level", "lmdb"]);
  });

  it("commits while another handle has the target open, which then reads the migrated data", async () => {
    const source = await openReferenceLevelCache({ path: from, now: at(NOW) });
    await source.withNamespace("n").set("k", "migrated");
    await source.close();
    const reader: Cache = await openLmdbCache({ path: to });
    await reader.set("gone", 1);
    try {
      expect(await migrateFromLevel({ from, to, now: at(NOW) })).toMatchObject({ added: 1, deleted: 1 });
      expect(await reader.withNamespace("n").get("k")).toBe("migrated");
      expect(await reader.has("gone")).toBe(false);
    } finally {
      await reader.close();
    }
  });

  it("removes staging directories of killed runs, and keeps those of running ones", async () => {
    await writeRaw(from, { k: '{"v":1}' });
    const dead = join(dir, ".lmdb.migrate-2147483646-dead");
    const running = join(dir, `.lmdb.migrate-${process.pid}-live`);
    await mkdir(dead);
    await mkdir(running);
    await migrateFromLevel({ from, to, now: at(NOW) });
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(running)).toBe(true);
  });
});

describe("migrateFromLevel, refusals", () => {
  it("fails fast with CACHE_SOURCE_LOCKED while an application has the source open", async () => {
    const app = await openReferenceLevelCache({ path: from });
    try {
      const error = await migrateFromLevel({ from, to }).catch((e: unknown) => e);
      expect(isCacheError(error, "CACHE_SOURCE_LOCKED")).toBe(true);
      expect(error).toMatchObject({ cause: { code: "LEVEL_LOCKED" } });
      expect(existsSync(to)).toBe(false);
    } finally {
      await app.close();
    }
  });

  it("refuses a missing source without creating it", async () => {
    const error = await migrateFromLevel({ from, to }).catch((e: unknown) => e);
    expect(isCacheError(error, "CACHE_INVALID_PATH")).toBe(true);
    expect(existsSync(from)).toBe(false);
    expect(existsSync(to)).toBe(false);
  });

  it("refuses a damaged source as a path that holds no database", async () => {
    await mkdir(from);
    await writeFile(join(from, "CURRENT"), "MANIFEST-999999\n");
    const error = await migrateFromLevel({ from, to }).catch((e: unknown) => e);
    expect(isCacheError(error, "CACHE_INVALID_PATH")).toBe(true);
    expect(existsSync(to)).toBe(false);
  });

  it("refuses bad options with typed errors", async () => {
    const cases: Array<[unknown, string]> = [
      [undefined, "CACHE_INVALID_OPTION"],
      [{ from: "", to }, "CACHE_INVALID_PATH"],
      [{ from, to: 5 }, "CACHE_INVALID_PATH"],
      [{ from, to: from }, "CACHE_INVALID_PATH"],
      [{ from, to, onProgress: "yes" }, "CACHE_INVALID_OPTION"],
      [{ from, to, now: 5 }, "CACHE_INVALID_OPTION"],
    ];
    for (const [opts, code] of cases) {
      const error = await migrateFromLevel(opts as never).catch((e: unknown) => e);
      expect(isCacheError(error) && error.code, JSON.stringify(opts)).toBe(code);
    }
  });
});
