import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { type Cache, openLmdbCache } from "../index.ts";
import { keysOf, tempDir } from "../test-support.ts";
import { KeyvLmdbCache } from "./index.ts";

describe("keyv namespaces", () => {
  it("are namespaces of the cache, holding keys as keyv passes them", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const keyv = new Keyv({ store: new KeyvLmdbCache(cache), namespace: "users" });
    await keyv.set("ada", { visits: 1 });
    expect(await keysOf(cache.withNamespace("users"))).toEqual(["users:ada"]);
    expect(await keysOf(cache)).toEqual([]);
    // keyv's serialized record, as keyv made it
    expect(JSON.parse((await cache.withNamespace("users").get("users:ada")) as string)).toEqual({ value: { visits: 1 } });
    await cache.close();
  });

  it("nest under the namespace of the cache the store was given, or of its open options", async () => {
    const path = tempDir();
    const cache = await openLmdbCache({ path });
    await new Keyv({ store: new KeyvLmdbCache(cache.withNamespace("app")), namespace: "http" }).set("k", 1);
    const opened = new KeyvLmdbCache({ path, namespace: "jobs" });
    await new Keyv({ store: opened, namespace: "queue" }).set("k", 2);
    expect(await keysOf(cache.withNamespace("app/http"))).toEqual(["http:k"]);
    expect(await keysOf(cache.withNamespace("jobs/queue"))).toEqual(["queue:k"]);
    await opened.disconnect();
    await cache.close();
  });

  it("clear() removes the namespace's entries only: not the root's, another namespace's or a nested one's", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    await cache.set("root", 1);
    await cache.withNamespace("other").set("other:k", 1);
    await cache.withNamespace("keyv/nested").set("k", 1);
    const keyv = new Keyv({ store: new KeyvLmdbCache(cache) });
    await keyv.setMany([{ key: "a", value: 1 }, { key: "b", value: 2 }]);
    await keyv.clear();
    expect(await keysOf(cache.withNamespace("keyv"))).toEqual([]);
    expect(await keysOf(cache)).toEqual(["root"]);
    expect(await keysOf(cache.withNamespace("other"))).toEqual(["other:k"]);
    expect(await keysOf(cache.withNamespace("keyv/nested"))).toEqual(["k"]);
    await cache.close();
  });

  it("clear() is the namespace view's own clear(): one call, no deletes key by key", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const calls: string[] = [];
    const counted = (view: Cache<unknown>): Cache<unknown> => ({
      ...view,
      del: (key) => (calls.push("del"), view.del(key)),
      batch: (ops) => (calls.push("batch"), view.batch(ops)),
      clear: () => (calls.push("clear"), view.clear()),
    });
    const store = new KeyvLmdbCache({ ...cache, withNamespace: (ns: string) => counted(cache.withNamespace(ns)) });
    const keyv = new Keyv({ store });
    await keyv.set("a", 1);
    await keyv.set("b", 1);
    await keyv.clear();
    expect(calls).toEqual(["clear"]);
    expect(await keysOf(cache.withNamespace("keyv"))).toEqual([]);
    await cache.close();
  });

  it("never lets two keys share an entry, with keyv's key prefix on or off", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const store = new KeyvLmdbCache(cache);
    const prefixed = new Keyv({ store });
    const bare = new Keyv({ store, useKeyPrefix: false });
    await prefixed.set("k", "prefixed");
    await bare.set("k", "bare");
    expect(await prefixed.get("k")).toBe("prefixed");
    expect(await bare.get("k")).toBe("bare");
    expect(await keysOf(cache.withNamespace("keyv"))).toEqual(["k", "keyv:k"]);
    // Both kinds live in keyv's namespace, so clear() removes both.
    await bare.clear();
    expect(await keysOf(cache.withNamespace("keyv"))).toEqual([]);
    await cache.close();
  });

  it("without a keyv namespace, use the store's own cache view", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const keyv = new Keyv({ store: new KeyvLmdbCache(cache), namespace: "" });
    await keyv.set("k", 1);
    expect(await keysOf(cache)).toEqual(["k"]);
    const entries: unknown[] = [];
    for await (const entry of new KeyvLmdbCache(cache).iterator()) entries.push(entry);
    expect(entries).toEqual([["k", JSON.stringify({ value: 1 })]]);
    await cache.close();
  });
});
