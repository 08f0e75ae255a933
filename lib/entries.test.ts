import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Cache, openLmdbCache } from "./index.ts";
import { wtf8Encode } from "./wtf8.ts";
import { manualClock, nastyString, tempDir } from "./test-support.ts";

async function collect<T>(cache: Cache<T>, limit?: number): Promise<Array<[string, T]>> {
  const all: Array<[string, T]> = [];
  for await (const entry of cache.entries(limit === undefined ? undefined : { limit })) all.push(entry);
  return all;
}

const byBytes = (a: string, b: string) => Buffer.compare(wtf8Encode(a), wtf8Encode(b));

describe("entries", () => {
  it("yields every key of a namespace once, in byte order, whatever the keys", async () => {
    const path = tempDir();
    const cache = await openLmdbCache<number>({ path });
    await fc.assert(
      fc.asyncProperty(nastyString, fc.uniqueArray(nastyString, { maxLength: 12 }), async (ns, keys) => {
        const view = cache.withNamespace(ns);
        await view.batch(keys.map((key, i) => ({ type: "put", key, value: i })));
        const expected = keys.map((key, i): [string, number] => [key, i]).sort(([a], [b]) => byBytes(a, b));
        expect(await collect(view)).toEqual(expected);
        await view.batch(keys.map((key) => ({ type: "del", key })));
      }),
      { seed: 21, numRuns: 150 },
    );
    await cache.close();
  });

  it("includes keys above U+FFFF, which level-cache's namespace bound skipped", async () => {
    const cache = await openLmdbCache({ path: tempDir(), namespace: "ns" });
    await cache.set("\u{1F600}", 1);
    await cache.set("\uFFFF", 2);
    expect(await collect(cache)).toEqual([
      ["\uFFFF", 2],
      ["\u{1F600}", 1],
    ]);
    await cache.close();
  });

  it("orders long keys that share their first 1900 bytes by their full bytes", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const head = "h".repeat(3000);
    const keys = [head + "c", head + "a", head + "b" + "z".repeat(10_000), head, "h".repeat(1900), "i"];
    for (const [i, key] of keys.entries()) await cache.set(key, i);
    const seen = (await collect(cache)).map(([key]) => key);
    expect(seen).toEqual([...keys].sort(byBytes));
    await cache.close();
  });

  it("keeps namespaces whose names pass the key limit apart", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const a = cache.withNamespace("n".repeat(2500) + "a");
    const b = cache.withNamespace("n".repeat(2500) + "b");
    await a.set("k", "a");
    await b.set("k", "b");
    // Shorter than a's and b's prefixes, yet hashed under the same first 1900 bytes.
    await cache.withNamespace("n".repeat(2000)).set("", "shorter");
    await cache.set("k", "root");
    expect(await collect(a)).toEqual([["k", "a"]]);
    expect(await collect(b)).toEqual([["k", "b"]]);
    expect(await collect(cache)).toEqual([["k", "root"]]);
    await cache.close();
  });

  it("counts expired entries towards the limit, skips them and deletes them, as level-cache does", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache({ path: tempDir(), now: clock.now });
    await cache.batch([
      { type: "put", key: "a", value: 1, ttlMs: 10 },
      { type: "put", key: "b", value: 2 },
      { type: "put", key: "c", value: 3 },
    ]);
    clock.advance(10);
    expect(await collect(cache, 2)).toEqual([["b", 2]]);
    expect(await collect(cache, 2)).toEqual([
      ["b", 2],
      ["c", 3],
    ]);
    expect(await collect(cache, 0)).toEqual([]);
    // As level's iterators: a limit that is not a whole number of zero or more means no limit.
    for (const limit of [-1, 1.5, NaN, Infinity]) expect(await collect(cache, limit)).toHaveLength(2);
    await cache.close();
  });

  it("reads one snapshot: writes made during a scan are not seen by it", async () => {
    const cache = await openLmdbCache<number>({ path: tempDir() });
    await cache.batch([
      { type: "put", key: "a", value: 1 },
      { type: "put", key: "c", value: 3 },
    ]);
    const seen: Array<[string, number]> = [];
    for await (const entry of cache.entries()) {
      seen.push(entry);
      if (entry[0] === "a") {
        await cache.set("b", 2);
        await cache.del("c");
      }
    }
    expect(seen).toEqual([
      ["a", 1],
      ["c", 3],
    ]);
    expect(await collect(cache)).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
    await cache.close();
  });

  it("releases its snapshot when the loop breaks early", async () => {
    const cache = await openLmdbCache<number>({ path: tempDir() });
    await cache.batch(Array.from({ length: 10 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: i })));
    for (let round = 0; round < 50; round++) {
      for await (const _ of cache.entries()) break;
    }
    await cache.set("after", 1);
    expect(await cache.get("after")).toBe(1);
    await cache.close();
  });
});
