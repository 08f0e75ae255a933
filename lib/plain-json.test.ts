import { describe, expect, it } from "vitest";
import { isPlainJson } from "./plain-json.ts";
import { openLmdbCache } from "./index.ts";
import { tempDir } from "./test-support.ts";

class Point {
  constructor(readonly x: number) {}
}

describe("plain JSON detection", () => {
  it("accepts what MessagePack carries exactly and JSON leaves unchanged", () => {
    for (const value of [null, true, 1.5, "é", [1, [2]], { a: { b: [] } }, Object.assign(Object.create(null), { a: 1 })]) {
      expect(isPlainJson(value)).toBe(true);
    }
  });

  it("sends everything JSON would change to the JSON text form", () => {
    const deep: unknown[] = [];
    let cursor = deep;
    for (let i = 0; i < 300; i++) cursor.push((cursor = []));
    const sparse = [1, , 3];
    class List extends Array {}
    const values = [NaN, -0, "\ud800", undefined, 1n, new Date(0), new Point(1), sparse, List.from([1]), { toJSON: () => 1 }, { u: undefined }, { ["\udc00"]: 1 }, deep];
    for (const value of values) expect(isPlainJson(value)).toBe(false);
  });

  it("rejects functions and symbols wherever they are, also behind a value JSON would convert", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    for (const value of [Symbol("s"), [() => 1], { d: new Date(0), f: () => 1 }, { d: new Date(0), s: Symbol("s") }]) {
      await expect(cache.set("k", value)).rejects.toMatchObject({ code: "CACHE_INVALID_VALUE" });
    }
    const deep: unknown[] = [];
    let cursor = deep;
    for (let i = 0; i < 300; i++) cursor.push((cursor = []));
    await cache.set("deep", deep);
    expect(await cache.get("deep")).toEqual(deep);
    expect(await cache.get("k")).toBeUndefined();
    await cache.close();
  });
});
