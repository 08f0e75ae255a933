import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { execaSync } from "execa";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { copyPlain, fingerprint, MISS, ReadCache } from "./read-cache.ts";
import { fixture, manualClock, tempDir } from "./test-support.ts";

const profile = () => ({ name: "Ada", roles: ["admin", "viewer"], prefs: { theme: "dark", sizes: [1, 2, { deep: true }] } });

/** Every object and array reachable from a value. */
function containers(value: unknown, out = new Set<object>()): Set<object> {
  if (typeof value === "object" && value !== null) {
    out.add(value);
    for (const item of Object.values(value)) containers(item, out);
  }
  return out;
}

describe("read cache", () => {
  it("hands every get its own copy: what a caller changes never reaches another get", async () => {
    const cache = await openLmdbCache<ReturnType<typeof profile>>({ path: tempDir() });
    await cache.set("p", profile());
    const seen: object[] = [];
    for (let i = 0; i < 5; i++) {
      const got = (await cache.get("p"))!;
      expect(got).toStrictEqual(profile());
      for (const c of containers(got)) expect(seen).not.toContain(c);
      seen.push(...containers(got));
      got.name = "changed";
      got.roles.push("owner");
      (got.prefs.sizes[2] as { deep: boolean }).deep = false;
    }
    await cache.close();
  });

  it("sees a write by this open, by another open and by another process, however often the key was read", async () => {
    const path = tempDir();
    const cache = await openLmdbCache({ path });
    const other = await openLmdbCache({ path });
    const readMany = async () => [await cache.get("k"), await cache.get("k"), await cache.get("k")];
    await cache.set("k", { v: 1 });
    expect(await readMany()).toStrictEqual([{ v: 1 }, { v: 1 }, { v: 1 }]);
    await other.set("k", { v: 2 });
    expect(await readMany()).toStrictEqual([{ v: 2 }, { v: 2 }, { v: 2 }]);
    execaSync("node", ["--import", "tsx", fixture("writer.ts"), path, "set", "k", '{"v":3}']);
    expect(await readMany()).toStrictEqual([{ v: 3 }, { v: 3 }, { v: 3 }]);
    await other.del("k");
    expect(await cache.get("k")).toBeUndefined();
    await Promise.all([cache.close(), other.close()]);
  });

  it("treats the same value under another expiry as another record", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache({ path: tempDir(), now: clock.now });
    await cache.set("k", { v: 1 }, { ttlMs: 10 });
    expect([await cache.get("k"), await cache.get("k")]).toStrictEqual([{ v: 1 }, { v: 1 }]);
    await cache.set("k", { v: 1 });
    clock.advance(20);
    expect(await cache.get("k")).toStrictEqual({ v: 1 });
    await cache.close();
  });

  it("keeps the same key apart in different namespaces", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const a = cache.withNamespace("a");
    const b = cache.withNamespace("b");
    await a.set("k", ["a"]);
    await b.set("k", ["b"]);
    for (let i = 0; i < 3; i++) expect([await a.get("k"), await b.get("k")]).toStrictEqual([["a"], ["b"]]);
    await cache.close();
  });

  it("keeps a value from its second read on, within its budget, forgetting the oldest first", () => {
    const reads = new ReadCache(10_000);
    const space = reads.space("");
    const record = (i: number) => Buffer.alloc(500, i);
    const keep = (i: number) => {
      expect(space.hit(`k${i}`, record(i))).toBe(MISS);
      space.remember(`k${i}`, record(i), { i });
    };
    keep(0);
    expect(space.hit("k0", record(0))).toBe(MISS);
    keep(0);
    expect(space.hit("k0", record(0))).toStrictEqual({ i: 0 });
    expect(space.hit("k0", record(1))).toBe(MISS);
    for (let i = 1; i < 100; i++) {
      keep(i);
      keep(i);
      expect(reads.usedBytes).toBeLessThanOrEqual(10_000);
    }
    expect(space.hit("k99", record(99))).toStrictEqual({ i: 99 });
    expect(space.hit("k0", record(0))).toBe(MISS);
  });

  it("lets go of a value as soon as it is forgotten, so that only what the budget counts stays reachable", async () => {
    // A full collection on demand, to see what is still reachable.
    setFlagsFromString("--expose-gc");
    const collect = runInNewContext("gc") as () => void;
    const reads = new ReadCache(10_000);
    const space = reads.space("");
    const record = (i: number) => Buffer.alloc(500, i);
    const keep = (i: number, value: object) => {
      space.remember(`k${i}`, record(i), value);
      space.remember(`k${i}`, record(i), value);
    };
    const first = ((value) => {
      keep(0, value);
      return new WeakRef(value);
    })({ i: 0 });
    // Forgets k0 and a few more: far fewer than would make the queue of forgotten entries be cut.
    for (let i = 1; i < 40; i++) keep(i, { i });
    expect(space.hit("k0", record(0))).toBe(MISS);
    // A WeakRef holds its value until the turn it was made in ends.
    await new Promise((resolve) => setImmediate(resolve));
    collect();
    expect(first.deref()).toBeUndefined();
  });

  it("forgets everything when cleared, as close does", () => {
    const reads = new ReadCache(10_000);
    const space = reads.space("");
    for (let i = 0; i < 2; i++) space.remember("k", Buffer.alloc(10), "v");
    reads.clear();
    expect(space.hit("k", Buffer.alloc(10))).toBe(MISS);
    expect(reads.usedBytes).toBe(0);
  });

  it("keeps nothing from a pass that reads every key once, and keeps them on the next pass", () => {
    const reads = new ReadCache(1024 * 1024);
    const space = reads.space("");
    const pass = () => {
      for (let i = 0; i < 1000; i++) space.remember(`k${i}`, Buffer.alloc(100, i), i);
    };
    pass();
    expect(reads.usedBytes).toBe(0);
    pass();
    expect(reads.usedBytes).toBeGreaterThan(1000 * 100);
    expect(space.hit("k7", Buffer.alloc(100, 7))).toBe(7);
  });

  it("marks a key read once in its own namespace only", () => {
    const reads = new ReadCache(1024 * 1024);
    const [a, b] = [reads.space("a"), reads.space("b")];
    a.remember("k", Buffer.alloc(10), "a");
    b.remember("k", Buffer.alloc(10), "b");
    expect(b.hit("k", Buffer.alloc(10))).toBe(MISS);
    expect(fingerprint(0, "k")).not.toBe(fingerprint(1, "k"));
    expect(fingerprint(0, "x".repeat(200))).not.toBe(fingerprint(0, "x".repeat(201)));
  });

  it("does not keep a value larger than a quarter of its budget", () => {
    const reads = new ReadCache(1000);
    const space = reads.space("");
    for (let i = 0; i < 2; i++) space.remember("big", Buffer.alloc(300), "v");
    expect(space.hit("big", Buffer.alloc(300))).toBe(MISS);
  });

  it("copies any plain JSON value exactly, sharing no object or array with it", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = copyPlain(value);
        expect(copy).toStrictEqual(value);
        const mine = containers(value);
        for (const c of containers(copy)) expect(mine.has(c)).toBe(false);
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it("is turned off by readCacheBytes: 0, and refuses a budget that is not a finite number of bytes", async () => {
    const cache = await openLmdbCache({ path: tempDir(), readCacheBytes: 0 });
    await cache.set("k", { v: 1 });
    for (let i = 0; i < 3; i++) expect(await cache.get("k")).toStrictEqual({ v: 1 });
    await cache.close();
    for (const readCacheBytes of [-1, NaN, Infinity, "1", null]) {
      await expect(openLmdbCache({ path: tempDir(), readCacheBytes: readCacheBytes as number })).rejects.toMatchObject({
        code: "CACHE_INVALID_OPTION",
      });
    }
  });
});
