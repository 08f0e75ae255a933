import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { manualClock, tempDir } from "./test-support.ts";

describe("lazy expiry", () => {
  it("deletes an expired entry on read", async () => {
    const clock = manualClock();
    const path = tempDir();
    const cache = await openLmdbCache({ path, now: clock.now });
    await cache.set("k", "old", { ttlMs: 1 });
    clock.advance(1);
    expect(await cache.get("k")).toBeUndefined();
    clock.advance(-1);
    // Back before the expiry the record would read again, had the read not deleted it.
    expect(await cache.get("k")).toBeUndefined();
    await cache.close();
  });

  it("keeps a value another writer stored between the expired read and the delete", async () => {
    const path = tempDir();
    const writer = await openLmdbCache({ path });
    await writer.set("k", "old", { ttlMs: -1 });
    let raced = false;
    // The reader's clock is consulted after it has read the expired record and before it deletes it:
    // the other writer's set lands exactly there (set commits synchronously before its promise settles).
    const reader = await openLmdbCache({
      path,
      now: () => {
        if (!raced) {
          raced = true;
          void writer.set("k", "fresh");
        }
        return Date.now();
      },
    });
    expect(await reader.get("k")).toBeUndefined();
    expect(raced).toBe(true);
    expect(await reader.get("k")).toBe("fresh");
    expect(await writer.get("k")).toBe("fresh");
    await reader.close();
    await writer.close();
  });

  it("keeps a fresh value written during an entries() scan of expired entries", async () => {
    const path = tempDir();
    const writer = await openLmdbCache({ path });
    await writer.set("a", "live");
    await writer.set("b", "old", { ttlMs: -1 });
    const reader = await openLmdbCache({ path });
    const scan = reader.entries();
    expect((await scan.next()).value).toEqual(["a", "live"]);
    await writer.set("b", "fresh");
    // The scan's snapshot still holds the expired record; its delete must not remove the fresh one.
    expect(await scan.next()).toEqual({ done: true, value: undefined });
    expect(await reader.get("b")).toBe("fresh");
    await reader.close();
    await writer.close();
  });
});
