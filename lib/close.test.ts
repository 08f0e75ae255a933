import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
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

  it("unmaps the cache's files and closes their descriptors once the last open of the path closes", async () => {
    const path = tempDir();
    const mapped = () => readFileSync("/proc/self/maps", "utf8").split("\n").filter((line) => line.includes(path)).length;
    const descriptors = () => readdirSync("/proc/self/fd").filter((fd) => {
      try {
        return readlinkSync(join("/proc/self/fd", fd)).startsWith(path);
      } catch {
        return false; // closed since it was listed
      }
    }).length;
    const first = await openLmdbCache({ path });
    const second = await openLmdbCache({ path, namespace: "n" });
    await first.set("k", 1);
    expect(mapped()).toBeGreaterThan(0);
    await first.close();
    expect(await second.get("k")).toBeUndefined();
    await second.close();
    expect(mapped()).toBe(0);
    expect(descriptors()).toBe(0);
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
