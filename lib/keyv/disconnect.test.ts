import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { openLmdbCache, resetCache } from "../index.ts";
import { tempDir } from "../test-support.ts";
import { KeyvLmdbCache } from "./index.ts";

const closed = expect.objectContaining({ code: "CACHE_CLOSED", name: "CacheError" });

async function expectEveryCallClosed(store: KeyvLmdbCache): Promise<void> {
  await expect(store.get("k")).rejects.toEqual(closed);
  await expect(store.getMany(["k"])).rejects.toEqual(closed);
  await expect(store.has("k")).rejects.toEqual(closed);
  await expect(store.hasMany(["k"])).rejects.toEqual(closed);
  await expect(store.set("k", "v")).rejects.toEqual(closed);
  await expect(store.setMany([{ key: "k", value: "v" }])).rejects.toEqual(closed);
  await expect(store.delete("k")).rejects.toEqual(closed);
  await expect(store.deleteMany(["k"])).rejects.toEqual(closed);
  await expect(store.clear()).rejects.toEqual(closed);
  await expect(store.iterator("keyv").next()).rejects.toEqual(closed);
}

describe("keyv store, disconnect", () => {
  it("makes every call reject with CACHE_CLOSED, and closes the cache the store opened", async () => {
    const path = tempDir();
    const store = new KeyvLmdbCache({ path });
    await store.set("k", "v");
    await expect(resetCache(path)).rejects.toMatchObject({ code: "CACHE_INCOMPATIBLE" });
    await store.disconnect();
    await store.disconnect();
    await expectEveryCallClosed(store);
    // Nothing in this process holds the cache open any more.
    await resetCache(path);
  });

  it("before the first call: opens nothing, and every call rejects", async () => {
    const store = new KeyvLmdbCache({ path: tempDir() });
    await store.disconnect();
    await expectEveryCallClosed(store);
  });

  it("while the cache is opening: the call waiting for it rejects, and the cache is closed", async () => {
    const path = tempDir();
    const store = new KeyvLmdbCache({ path });
    const waiting = store.set("k", "v");
    await store.disconnect();
    await expect(waiting).rejects.toEqual(closed);
    await resetCache(path);
  });

  it("of a store over the application's cache leaves that cache open for its owner", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const store = new KeyvLmdbCache(cache);
    await store.set("k", "v");
    await store.disconnect();
    await expectEveryCallClosed(store);
    expect(await cache.get("k")).toBe("v");
    await cache.close();
  });

  it("through keyv: its calls reject with CACHE_CLOSED when keyv throws on errors", async () => {
    const keyv = new Keyv({ store: new KeyvLmdbCache({ path: tempDir() }), throwOnErrors: true });
    await keyv.set("k", "v");
    await keyv.disconnect();
    await expect(keyv.get("k")).rejects.toEqual(closed);
    await expect(keyv.set("k", "v")).rejects.toEqual(closed);
    await expect(keyv.delete("k")).rejects.toEqual(closed);
    await expect(keyv.clear()).rejects.toEqual(closed);
    await expect(keyv.has("k")).rejects.toEqual(closed);
  });
});
