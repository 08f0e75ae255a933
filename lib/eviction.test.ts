import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { FIRST_PRECISION_MS } from "./recency.ts";
import { manualClock, tempDir } from "./test-support.ts";

const BOUND = 1024 * 1024;
const value = "v".repeat(1000);

describe("eviction", () => {
  it("keeps the pages in use within the bound while writing three times it, the latest entries kept (lru, the default)", async () => {
    const path = tempDir();
    const clock = manualClock();
    const cache = await openLmdbCache<string>({ path, maxSizeBytes: BOUND, now: clock.now });
    let most = 0;
    const n = Math.ceil((3 * BOUND) / value.length);
    for (let i = 0; i < n; i++) {
      await cache.set(`k${i}`, value);
      if (i % 50 === 0) clock.advance(FIRST_PRECISION_MS);
      most = Math.max(most, (await cache.stats()).bytes);
    }
    // Slack: LMDB's page splits within what this process writes between two looks at the page count.
    expect(most).toBeLessThanOrEqual(BOUND * 1.05);
    const { entries, bytes } = await cache.stats();
    expect(bytes).toBeLessThanOrEqual(BOUND);
    // Evicting down to the low-water mark keeps most of what fits, not a handful.
    expect(entries * value.length).toBeGreaterThan(BOUND * 0.4);
    // The entries kept are the latest written: every key from the oldest kept one on is there.
    const kept: boolean[] = [];
    for (let i = 0; i < n; i++) kept.push((await cache.get(`k${i}`)) !== undefined);
    const first = kept.indexOf(true);
    expect(kept.slice(first).every(Boolean)).toBe(true);
    expect(kept.filter(Boolean).length).toBe(entries);
    // The file is never shorter than its live pages and does not grow with what was written.
    expect(statSync(join(path, "data.mdb")).size).toBeLessThanOrEqual(3 * BOUND);
    await cache.close();
  });

  it("deletes expired entries before any live one", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache<string>({ path: tempDir(), maxSizeBytes: BOUND, now: clock.now });
    // Live entries first (the least recently used), then short-lived ones, up to about the low-water mark.
    for (let i = 0; i < 250; i++) await cache.set(`live${i}`, value);
    clock.advance(FIRST_PRECISION_MS);
    for (let i = 0; i < 150; i++) await cache.set(`short${i}`, value, { ttlMs: 10 });
    clock.advance(FIRST_PRECISION_MS);
    const before = (await cache.stats()).entries;
    let more = 0;
    for (; (await cache.stats()).entries >= before + more; more++) await cache.set(`more${more}`, value);
    for (let i = 0; i < 250; i++) expect(await cache.get(`live${i}`)).toBe(value);
    await cache.close();
  });

  it("keeps keys read often while cold ones go (lru)", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache<string>({ path: tempDir(), maxSizeBytes: BOUND, now: clock.now });
    const hot = Array.from({ length: 20 }, (_, i) => `hot${i}`);
    for (const key of hot) await cache.set(key, value);
    const n = Math.ceil((3 * BOUND) / value.length);
    for (let i = 0; i < n; i++) {
      await cache.set(`cold${i}`, value);
      if (i % 50 === 0) {
        clock.advance(FIRST_PRECISION_MS);
        for (const key of hot) expect(await cache.get(key)).toBe(value);
      }
    }
    expect(await cache.get("cold0")).toBeUndefined();
    for (const key of hot) expect(await cache.get(key)).toBe(value);
    await cache.close();
  });

  it("with expiry-first, deletes what expires soonest, keeps entries without a TTL, and then refuses with CACHE_FULL", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache<string>({ path: tempDir(), maxSizeBytes: BOUND, now: clock.now, eviction: "expiry-first" });
    for (let i = 0; i < 200; i++) await cache.set(`forever${i}`, value);
    const n = Math.ceil((2 * BOUND) / value.length);
    let refusal: unknown;
    let i = 0;
    try {
      for (; i < n; i++) await cache.set(`ttl${i}`, value, { ttlMs: 1_000_000 - i });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeUndefined();
    for (let k = 0; k < 200; k++) expect(await cache.get(`forever${k}`)).toBe(value);
    // TTLs shrink with i: the latest written expire soonest and went first; the earliest are kept.
    const kept: boolean[] = [];
    for (let k = 0; k < n; k++) kept.push((await cache.get(`ttl${k}`)) !== undefined);
    expect(kept.slice(0, 100).every(Boolean)).toBe(true);
    expect(kept.filter(Boolean).length).toBeLessThan(n - 100);
    let full: unknown;
    try {
      for (let k = 0; k < n; k++) await cache.set(`more-forever${k}`, value);
    } catch (error) {
      full = error;
    }
    expect(full).toMatchObject({ code: "CACHE_FULL" });
    for (let k = 0; k < 200; k++) expect(await cache.get(`forever${k}`)).toBe(value);
    await cache.close();
  });

  it("stores a put that waits for an eviction under its own key, while other calls of the process run meanwhile", async () => {
    const cache = await openLmdbCache<string>({ path: tempDir(), maxSizeBytes: 64 * 1024 });
    let waited = 0;
    for (let i = 0; waited < 20; i++) {
      // The stats show when a put had to wait: the pages in use fell below where they were.
      const before = (await cache.stats()).bytes;
      await Promise.all([cache.set(`key${i}`, `${i}`.padEnd(1000, "v")), cache.get(`other-and-longer${i}`), cache.has(`x${i}`)]);
      if ((await cache.stats()).bytes >= before) continue;
      waited++;
      expect(await cache.get(`key${i}`), `key${i}`).toBe(`${i}`.padEnd(1000, "v"));
      for await (const [key] of cache.entries()) expect(key).toMatch(/^key/);
    }
    await cache.close();
  });

  it("refuses a policy that is not one, and a policy without a bound, opening nothing", async () => {
    const path = join(tempDir(), "never");
    for (const opts of [
      { path, maxSizeBytes: BOUND, eviction: "fifo" },
      { path, maxSizeBytes: BOUND, eviction: 1 },
      { path, eviction: "lru" },
      { path, eviction: "none" },
    ]) {
      await expect(openLmdbCache(opts as never)).rejects.toMatchObject({ code: "CACHE_INVALID_OPTION" });
    }
    expect(existsSync(path)).toBe(false);
  });
});
