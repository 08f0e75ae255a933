import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { tempDir } from "./test-support.ts";

// JSON values with full-Unicode strings (lone surrogates too) and keys such as "__proto__".
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.string({ unit: "binary", maxLength: 12 }),
    fc.constantFrom(undefined, -0, new Date(0), "__proto__"),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ unit: "binary", maxLength: 6 }), fc.constant("__proto__")), tie("value"), {
      maxKeys: 4,
    }),
  ),
})).value;

describe("values", () => {
  it("round-trips exactly as JSON.parse(JSON.stringify(value)) in the default codec", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    await fc.assert(
      fc.asyncProperty(jsonish, async (value) => {
        await cache.set("k", value);
        const expected = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
        // Three reads: the third is answered from the read cache when the value is plain JSON.
        for (let i = 0; i < 3; i++) expect(await cache.get("k")).toStrictEqual(expected);
      }),
      { seed: 11, numRuns: 300 },
    );
    await cache.close();
  });

  it("keeps an own __proto__ key and lone surrogates in strings, as JSON does", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const value = JSON.parse('{"__proto__": {"x": "\\ud800"}, "s": "a\\udfffb"}');
    await cache.set("k", value);
    const back = (await cache.get("k")) as Record<string, unknown>;
    expect(Object.keys(back)).toEqual(["__proto__", "s"]);
    expect(back).toStrictEqual(value);
    await cache.close();
  });

  it("stores undefined as absent, as level-cache does", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    await cache.set("u", undefined);
    await cache.set("n", null);
    expect(await cache.get("u")).toBeUndefined();
    expect(await cache.has("u")).toBe(false);
    expect(await cache.has("n")).toBe(true);
    const all: unknown[] = [];
    for await (const entry of cache.entries()) all.push(entry);
    expect(all).toEqual([
      ["n", null],
      ["u", undefined],
    ]);
    await cache.close();
  });

  it("keeps Date, Map, Set, BigInt, NaN, undefined members and cycles in the structured codec", async () => {
    const cache = await openLmdbCache({ path: tempDir(), values: "structured" });
    const cyclic: Record<string, unknown> = { n: NaN, u: undefined, d: new Date(5), big: 2n ** 70n };
    cyclic.self = cyclic;
    const value = { m: new Map([[1, new Set(["a"])]]), cyclic, neg: -0 };
    await cache.set("k", value);
    const back = (await cache.get("k")) as typeof value;
    expect(back.m).toEqual(new Map([[1, new Set(["a"])]]));
    expect(back.cyclic.self).toBe(back.cyclic);
    expect(back.cyclic).toMatchObject({ d: new Date(5), big: 2n ** 70n });
    expect(Number.isNaN(back.cyclic.n)).toBe(true);
    expect("u" in back.cyclic).toBe(true);
    expect(Object.is(back.neg, -0)).toBe(true);
    await cache.close();
  });

  it("reads records of either codec whatever codec the reading process writes with", async () => {
    const path = tempDir();
    const structured = await openLmdbCache({ path, values: "structured" });
    await structured.set("s", new Date(7));
    await structured.close();
    const json = await openLmdbCache({ path });
    await json.set("j", new Date(7));
    expect(await json.get("s")).toEqual(new Date(7));
    expect(await json.get("j")).toBe(new Date(7).toISOString());
    await json.close();
  });

  it("round-trips large values", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const big = { text: "x".repeat(3_000_000), list: Array.from({ length: 50_000 }, (_, i) => i) };
    await cache.set("big", big);
    expect(await cache.get("big")).toEqual(big);
    await cache.close();
  });

  it("keeps every value of a large batch intact, small and large, whose records are all made before the write", async () => {
    const cache = await openLmdbCache<{ i: number; text: string }>({ path: tempDir() });
    const value = (i: number) => ({ i, text: String(i % 10).repeat(i % 7 === 0 ? 20_000 : 1 + (i % 300)) });
    await cache.batch(Array.from({ length: 500 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: value(i) })));
    for (let i = 0; i < 500; i++) expect(await cache.get(`k${i}`)).toStrictEqual(value(i));
    await cache.close();
  });
});
