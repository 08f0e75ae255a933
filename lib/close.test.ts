import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { tempDir } from "./test-support.ts";

const closed = { code: "CACHE_CLOSED" };

describe("close", () => {
  it("makes every method of every view reject with CACHE_CLOSED", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const child = cache.withNamespace("child");
    await cache.set("k", 1);
    await cache.close();
    for (const view of [cache, child, cache.withNamespace("later")]) {
      await expect(view.get("k")).rejects.toMatchObject(closed);
      await expect(view.has("k")).rejects.toMatchObject(closed);
      await expect(view.set("k", 2)).rejects.toMatchObject(closed);
      await expect(view.del("k")).rejects.toMatchObject(closed);
      await expect(view.batch([])).rejects.toMatchObject(closed);
      await expect(view.entries().next()).rejects.toMatchObject(closed);
      await expect(view.sweepExpired()).rejects.toMatchObject(closed);
    }
  });

  it("is idempotent", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    await cache.close();
    await expect(cache.close()).resolves.toBeUndefined();
  });

  it("stops an entries() scan that is under way", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    await cache.batch([
      { type: "put", key: "a", value: 1 },
      { type: "put", key: "b", value: 2 },
    ]);
    const scan = cache.entries();
    expect((await scan.next()).value).toEqual(["a", 1]);
    await cache.close();
    await expect(scan.next()).rejects.toMatchObject(closed);
  });

  it("leaves other opens of the same path in this process working, and keeps the data", async () => {
    const path = tempDir();
    const first = await openLmdbCache({ path });
    const second = await openLmdbCache({ path });
    await first.set("k", "v");
    await first.close();
    expect(await second.get("k")).toBe("v");
    await second.close();
    const reopened = await openLmdbCache({ path });
    expect(await reopened.get("k")).toBe("v");
    await reopened.close();
  });
});
