import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Cache, openLmdbCache } from "../index.ts";
import { tempDir } from "../test-support.ts";
import { KeyvLmdbCache } from "./index.ts";

const code = (c: string) => expect.objectContaining({ code: c, name: "CacheError" });
const badKeys: unknown[] = [undefined, null, 1, Symbol("k"), {}, ["a"]];

async function keyvEntries(cache: Cache<unknown>): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const entry of cache.withNamespace("keyv").entries()) all.push(entry);
  return all;
}

/** A store that has not opened its cache yet, and the directory it would create. */
function unopened(): { store: KeyvLmdbCache; path: string } {
  const path = join(tempDir(), "cache");
  const store = new KeyvLmdbCache({ path });
  store.namespace = "keyv";
  return { store, path };
}

describe("keyv store, bad input", () => {
  it("refuses bad open options at construction, creating nothing", () => {
    const dir = tempDir();
    expect(() => new KeyvLmdbCache(undefined as never)).toThrow(code("CACHE_INVALID_OPTION"));
    expect(() => new KeyvLmdbCache("path" as never)).toThrow(code("CACHE_INVALID_OPTION"));
    expect(() => new KeyvLmdbCache({} as never)).toThrow(code("CACHE_INVALID_PATH"));
    expect(() => new KeyvLmdbCache({ path: join(dir, "c"), values: "xml" as never })).toThrow(code("CACHE_INVALID_OPTION"));
    expect(() => new KeyvLmdbCache({ path: join(dir, "c"), defaultTtlMs: NaN })).toThrow(code("CACHE_INVALID_OPTION"));
    expect(existsSync(join(dir, "c"))).toBe(false);
  });

  it("rejects bad keys, key lists, entries, TTLs and namespaces before opening the cache", async () => {
    const { store, path } = unopened();
    for (const key of badKeys) {
      const k = key as string;
      await expect(store.get(k)).rejects.toEqual(code("CACHE_INVALID_KEY"));
      await expect(store.has(k)).rejects.toEqual(code("CACHE_INVALID_KEY"));
      await expect(store.set(k, "v")).rejects.toEqual(code("CACHE_INVALID_KEY"));
      await expect(store.delete(k)).rejects.toEqual(code("CACHE_INVALID_KEY"));
      await expect(store.getMany(["a", k])).rejects.toEqual(code("CACHE_INVALID_KEY"));
      await expect(store.hasMany(["a", k])).rejects.toEqual(code("CACHE_INVALID_KEY"));
      await expect(store.deleteMany(["a", k])).rejects.toEqual(code("CACHE_INVALID_KEY"));
      await expect(store.setMany([{ key: "a", value: 1 }, { key: k, value: 1 }])).rejects.toEqual(code("CACHE_INVALID_KEY"));
    }
    for (const keys of [undefined, "a", { 0: "a" }]) {
      await expect(store.getMany(keys as never)).rejects.toEqual(code("CACHE_INVALID_KEY"));
      await expect(store.hasMany(keys as never)).rejects.toEqual(code("CACHE_INVALID_KEY"));
      await expect(store.deleteMany(keys as never)).rejects.toEqual(code("CACHE_INVALID_KEY"));
    }
    for (const entries of [undefined, "a", [null], [1], [{ key: "a", value: 1 }, "b"]]) {
      await expect(store.setMany(entries as never)).rejects.toEqual(code("CACHE_INVALID_BATCH"));
    }
    for (const ttl of [NaN, -Infinity, "10", {}, true]) {
      await expect(store.set("k", "v", ttl as never)).rejects.toEqual(code("CACHE_INVALID_TTL"));
      await expect(store.setMany([{ key: "k", value: "v", ttl: ttl as never }])).rejects.toEqual(code("CACHE_INVALID_TTL"));
    }
    await expect(store.iterator(5 as never).next()).rejects.toEqual(code("CACHE_INVALID_OPTION"));
    for (const namespace of [5, null, {}]) {
      store.namespace = namespace as never;
      await expect(store.get("k")).rejects.toEqual(code("CACHE_INVALID_OPTION"));
      await expect(store.clear()).rejects.toEqual(code("CACHE_INVALID_OPTION"));
    }
    expect(existsSync(path)).toBe(false);
  });

  it("writes nothing for bad input to an open cache: a batch with one bad entry writes none", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const store = new KeyvLmdbCache(cache);
    store.namespace = "keyv";
    await store.set("keyv:kept", "v");
    await expect(store.setMany([{ key: "keyv:a", value: "v" }, { key: "keyv:b", value: "v", ttl: NaN }])).rejects.toEqual(code("CACHE_INVALID_TTL"));
    await expect(store.setMany([{ key: "keyv:a", value: "v" }, { key: "keyv:b", value: () => 1 }])).rejects.toEqual(code("CACHE_INVALID_VALUE"));
    await expect(store.set("keyv:f", Symbol("v"))).rejects.toEqual(code("CACHE_INVALID_VALUE"));
    await expect(store.deleteMany(["keyv:kept", 1 as never])).rejects.toEqual(code("CACHE_INVALID_KEY"));
    expect(await keyvEntries(cache)).toEqual([["keyv:kept", "v"]]);
    await cache.close();
  });

  it("rejects every call with the open's typed error while the cache cannot open, and opens once it can", async () => {
    const path = join(tempDir(), "cache");
    writeFileSync(path, "a file where the cache's directory should be");
    const store = new KeyvLmdbCache({ path });
    await expect(store.set("k", "v")).rejects.toEqual(code("CACHE_INVALID_PATH"));
    await expect(store.get("k")).rejects.toEqual(code("CACHE_INVALID_PATH"));
    // A failed open is not kept: once the path is usable, the same store opens it.
    rmSync(path);
    await store.set("k", "v");
    expect(await store.get("k")).toBe("v");
    await store.disconnect();
  });
});
