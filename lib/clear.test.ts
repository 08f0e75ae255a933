import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { fixture, rawPut, tempDir } from "./test-support.ts";

async function keysOf(view: { entries: () => AsyncGenerator<[string, unknown]> }): Promise<string[]> {
  const keys: string[] = [];
  for await (const [key] of view.entries()) keys.push(key);
  return keys;
}

describe("clear", () => {
  it("removes the view's namespace only: not the root, not a sibling, not a nested namespace", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const users = cache.withNamespace("users");
    await cache.set("root", 1);
    await users.batch([
      { type: "put", key: "a", value: 1 },
      { type: "put", key: "b", value: 2 },
    ]);
    await cache.withNamespace("users2").set("a", 3);
    await users.withNamespace("deep").set("a", 4);
    await users.clear();
    expect(await keysOf(users)).toEqual([]);
    expect(await users.get("a")).toBeUndefined();
    expect(await cache.get("root")).toBe(1);
    expect(await cache.withNamespace("users2").get("a")).toBe(3);
    expect(await users.withNamespace("deep").get("a")).toBe(4);
    await cache.clear();
    expect(await cache.get("root")).toBeUndefined();
    expect(await cache.withNamespace("users2").get("a")).toBe(3);
    await cache.close();
  });

  it("removes the namespace's long (hashed) keys, and those of no namespace sharing their stored head", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const long = "n".repeat(1895);
    const a = cache.withNamespace(long + "a");
    const b = cache.withNamespace(long + "b");
    await a.set("k".repeat(3000), "a");
    await b.set("k".repeat(3000), "b");
    await a.clear();
    expect(await a.get("k".repeat(3000))).toBeUndefined();
    expect(await b.get("k".repeat(3000))).toBe("b");
    await cache.close();
  });

  it("is one transaction: a reader in this process never sees the namespace half cleared by another process", async () => {
    const path = tempDir();
    const cache = await openLmdbCache<number>({ path });
    const ns = cache.withNamespace("ns");
    const count = 20_000;
    await ns.batch(Array.from({ length: count }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: i })));
    const clearing = execa("node", ["--import", "tsx", fixture("writer.ts"), path, "clear", "ns"]);
    let done = false;
    void clearing.finally(() => (done = true));
    const seen = new Set<number>();
    while (!done) {
      seen.add((await keysOf(ns)).length);
      // entries() resolves in microtasks only: let the child's exit be noticed.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await clearing;
    seen.add((await keysOf(ns)).length);
    for (const size of seen) expect([0, count]).toContain(size);
    expect(seen.has(0)).toBe(true);
    await cache.close();
  });

  it("rejects with CACHE_CLOSED after close", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    await cache.close();
    await expect(cache.clear()).rejects.toMatchObject({ code: "CACHE_CLOSED" });
  });

  it("removes a damaged record of the namespace too, and leaves the other namespaces' alone", async () => {
    const path = tempDir();
    const cache = await openLmdbCache({ path, namespace: "ns" });
    await cache.set("ok", 1);
    await cache.close();
    rawPut(path, Buffer.from("ns\0bad"), Buffer.from([0xf0]));
    rawPut(path, Buffer.from("other\0bad"), Buffer.from([0xf0]));
    const again = await openLmdbCache({ path, namespace: "ns" });
    await again.clear();
    expect(await keysOf(again)).toEqual([]);
    await expect(again.withNamespace("").get("bad")).resolves.toBeUndefined();
    const other = await openLmdbCache({ path, namespace: "other" });
    await expect(other.get("bad")).rejects.toMatchObject({ code: "CACHE_CORRUPT" });
    await other.close();
    await again.close();
  });
});
