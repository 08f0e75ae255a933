import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Cache, CacheError, openLmdbCache } from "./index.ts";
import { tempDir } from "./test-support.ts";

const code = (c: string) => expect.objectContaining({ code: c, name: "CacheError" });

async function seeded(): Promise<Cache<unknown>> {
  const cache = await openLmdbCache({ path: tempDir() });
  await cache.set("kept", { a: 1 });
  return cache;
}

async function untouched(cache: Cache<unknown>): Promise<void> {
  const all: unknown[] = [];
  for await (const entry of cache.entries()) all.push(entry);
  expect(all).toEqual([["kept", { a: 1 }]]);
}

const badKeys: unknown[] = [undefined, null, 1, Symbol("k"), {}, ["a"], Buffer.from("a")];
const badValues: Array<[string, unknown]> = [
  ["a function", () => 1],
  ["a symbol", Symbol("v")],
  ["a nested function", { a: [1, { f() {} }] }],
  ["a nested symbol", { a: Symbol("v") }],
  ["a BigInt", 10n],
  ["a circular object", (() => { const o: Record<string, unknown> = {}; o.self = o; return o; })()],
];
const badTtls: unknown[] = [NaN, Infinity, -Infinity, "10", {}, true];

describe("bad input", () => {
  it("rejects a key that is not a string in every keyed method, touching nothing", async () => {
    const cache = await seeded();
    for (const key of badKeys) {
      const k = key as string;
      await expect(cache.get(k)).rejects.toEqual(code("CACHE_INVALID_KEY"));
      await expect(cache.has(k)).rejects.toEqual(code("CACHE_INVALID_KEY"));
      await expect(cache.set(k, 1)).rejects.toEqual(code("CACHE_INVALID_KEY"));
      await expect(cache.del(k)).rejects.toEqual(code("CACHE_INVALID_KEY"));
      await expect(cache.batch([{ type: "del", key: k }])).rejects.toEqual(code("CACHE_INVALID_KEY"));
    }
    await untouched(cache);
    await cache.close();
  });

  it("rejects values that cannot be stored faithfully, in both codecs", async () => {
    for (const values of ["json", "structured"] as const) {
      const cache = await openLmdbCache({ path: tempDir(), values });
      await cache.set("kept", { a: 1 });
      for (const [, value] of badValues.filter(([what]) => values === "json" || !what.includes("BigInt") && !what.includes("circular"))) {
        await expect(cache.set("kept", value)).rejects.toEqual(code("CACHE_INVALID_VALUE"));
      }
      await untouched(cache);
      await cache.close();
    }
  });

  it("keeps the engine's own error as the cause", async () => {
    const cache = await seeded();
    const error = await cache.set("k", 10n).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CacheError);
    expect((error as CacheError).cause).toBeInstanceOf(TypeError);
    await cache.close();
  });

  it("rejects a TTL that is not a finite number", async () => {
    const cache = await seeded();
    for (const ttlMs of badTtls) {
      await expect(cache.set("kept", 2, { ttlMs: ttlMs as number })).rejects.toEqual(code("CACHE_INVALID_TTL"));
      await expect(cache.batch([{ type: "put", key: "x", value: 1, ttlMs: ttlMs as number }])).rejects.toEqual(
        code("CACHE_INVALID_TTL"),
      );
    }
    await expect(cache.set("kept", 2, 5 as never)).rejects.toEqual(code("CACHE_INVALID_OPTION"));
    await untouched(cache);
    await cache.close();
  });

  it("writes nothing of a batch with one bad operation", async () => {
    const cache = await seeded();
    const good = { type: "put" as const, key: "new", value: 1 };
    const bad: unknown[] = [
      { type: "put", key: "x", value: () => 1 },
      { type: "put", key: 7, value: 1 },
      { type: "upsert", key: "x", value: 1 },
      null,
      "put",
      { type: "del", key: "kept", extra: 1, ttlMs: NaN, value: Symbol("ignored on a del") },
    ];
    for (const op of bad.slice(0, 5)) {
      await expect(cache.batch([good, { type: "del", key: "kept" }, op as never])).rejects.toBeInstanceOf(CacheError);
    }
    await expect(cache.batch("ops" as never)).rejects.toEqual(code("CACHE_INVALID_BATCH"));
    await untouched(cache);
    await cache.close();
  });

  it("rejects bad options of open, entries and withNamespace", async () => {
    const path = tempDir();
    const bad: unknown[] = [
      { path, values: "xml" },
      { path, durability: "never" },
      { path, now: 5 },
      { path, defaultTtlMs: NaN },
      { path, namespace: 1 },
    ];
    for (const opts of bad) await expect(openLmdbCache(opts as never)).rejects.toEqual(code("CACHE_INVALID_OPTION"));
    await expect(openLmdbCache(undefined as never)).rejects.toEqual(code("CACHE_INVALID_OPTION"));
    const cache = await seeded();
    await expect(cache.entries({ limit: "2" as never }).next()).rejects.toEqual(code("CACHE_INVALID_OPTION"));
    await expect(cache.entries(3 as never).next()).rejects.toEqual(code("CACHE_INVALID_OPTION"));
    expect(() => cache.withNamespace(3 as never)).toThrow(expect.objectContaining({ code: "CACHE_INVALID_OPTION" }));
    await untouched(cache);
    await cache.close();
  });

  it("rejects a path that is missing, a file, or cannot be created", async () => {
    const dir = tempDir();
    const file = join(dir, "file");
    writeFileSync(file, "not a cache");
    await expect(openLmdbCache({} as never)).rejects.toEqual(code("CACHE_INVALID_PATH"));
    await expect(openLmdbCache({ path: "" })).rejects.toEqual(code("CACHE_INVALID_PATH"));
    await expect(openLmdbCache({ path: file })).rejects.toEqual(code("CACHE_INVALID_PATH"));
    const error = await openLmdbCache({ path: join(file, "below") }).catch((e: unknown) => e);
    expect(error).toEqual(code("CACHE_INVALID_PATH"));
    expect((error as CacheError).cause).toMatchObject({ code: "ENOTDIR" });
    // An existing directory that even root cannot write into.
    await expect(openLmdbCache({ path: "/proc/1" })).rejects.toEqual(code("CACHE_INVALID_PATH"));
    // Node's recursive mkdir loops for ever on these.
    await expect(openLmdbCache({ path: "/proc/1/cache" })).rejects.toEqual(code("CACHE_INVALID_PATH"));
    await expect(openLmdbCache({ path: "/proc/no-such/deeper/cache" })).rejects.toEqual(code("CACHE_INVALID_PATH"));
    // Missing parents are created.
    const nested = join(dir, "a", "b", "c");
    await (await openLmdbCache({ path: nested })).close();
  });
});
