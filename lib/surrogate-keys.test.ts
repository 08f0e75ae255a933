import { open } from "lmdb";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { tempDir } from "./test-support.ts";

// Stock lmdb-js, as an application would use it, writes long string keys as UTF-8, where every lone surrogate becomes U+FFFD: two keys that
// differ only in a lone surrogate then share one entry. The cache encodes keys losslessly.
const pairs = [10, 63, 64, 100, 3000].map((n) => ["x".repeat(n) + "\ud800", "x".repeat(n) + "\udbff"] as const);

describe("lone surrogate keys", () => {
  it("collide in raw lmdb-js string keys once they are long enough (the reason for the key encoding)", async () => {
    const db = open<string, string>({ path: tempDir() });
    const collided: number[] = [];
    for (const [a, b] of pairs.slice(0, 4)) {
      db.putSync(a, "A");
      db.putSync(b, "B");
      if (db.get(a) === "B") collided.push(a.length - 1);
      db.clearSync();
    }
    await db.close();
    expect(collided).toEqual([63, 64, 100]);
  });

  it("stay distinct in the cache, in get and in entries", async () => {
    const cache = await openLmdbCache<string>({ path: tempDir() });
    for (const [a, b] of pairs) {
      await cache.set(a, "A");
      await cache.set(b, "B");
      expect(await cache.get(a)).toBe("A");
      expect(await cache.get(b)).toBe("B");
    }
    let count = 0;
    for await (const [key, value] of cache.entries()) {
      expect(value).toBe(key.endsWith("\ud800") ? "A" : "B");
      count++;
    }
    expect(count).toBe(pairs.length * 2);
    await cache.close();
  });
});
