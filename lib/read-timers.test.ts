import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { tempDir } from "./test-support.ts";

const pendingTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;

describe("read timers", () => {
  it("does not pile up timers in a loop of awaited gets that never yields to the event loop", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    await cache.set("k", 1);
    const before = pendingTimers();
    for (let i = 0; i < 50_000; i++) await cache.get("k");
    expect(pendingTimers() - before).toBeLessThan(5000);
    await cache.close();
  });
});
