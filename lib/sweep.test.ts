import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { manualClock, tempDir } from "./test-support.ts";

describe("sweepExpired", () => {
  it("deletes every expired entry, in chunks, and counts them", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache({ path: tempDir(), now: clock.now });
    const ops = Array.from({ length: 2500 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: i, ttlMs: i % 2 ? 10 : 1000 }));
    await cache.batch(ops);
    clock.advance(10);
    expect(await cache.sweepExpired()).toBe(1250);
    expect(await cache.sweepExpired()).toBe(0);
    let live = 0;
    for await (const _ of cache.entries()) live++;
    expect(live).toBe(1250);
    clock.advance(1000);
    expect(await cache.sweepExpired()).toBe(1250);
    await cache.close();
  });

  it("does not count or delete an entry rewritten after the sweep's clock reading", async () => {
    const path = tempDir();
    const writer = await openLmdbCache({ path });
    await writer.set("k", "old", { ttlMs: -1 });
    let rewritten = false;
    const sweeper = await openLmdbCache({
      path,
      now: () => {
        if (!rewritten) {
          rewritten = true;
          void writer.set("k", "fresh");
        }
        return Date.now();
      },
    });
    // The sweep reads its clock first, then scans a snapshot taken after the rewrite.
    expect(await sweeper.sweepExpired()).toBe(0);
    expect(await writer.get("k")).toBe("fresh");
    await sweeper.close();
    await writer.close();
  });
});
