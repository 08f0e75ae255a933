import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { tempDir } from "./test-support.ts";

describe("size bound", () => {
  it("with eviction \"none\", refuses puts past maxSizeBytes with CACHE_FULL, losing nothing stored, and admits them again after deletes", async () => {
    const cache = await openLmdbCache<string>({ path: tempDir(), maxSizeBytes: 2 * 1024 * 1024, eviction: "none" });
    const value = "v".repeat(10_000);
    let stored = 0;
    let refusal: unknown;
    for (; stored < 1000; stored++) {
      try {
        await (stored % 2 ? cache.set(`k${stored}`, value) : cache.batch([{ type: "put", key: `k${stored}`, value }]));
      } catch (error) {
        refusal = error;
        break;
      }
    }
    expect(refusal).toMatchObject({ code: "CACHE_FULL" });
    // The bound holds to within what one process may write between two looks (256 KiB).
    expect(stored * value.length).toBeGreaterThan(1.5 * 1024 * 1024);
    expect(stored * value.length).toBeLessThan(2.3 * 1024 * 1024);
    for (let i = 0; i < stored; i++) expect(await cache.get(`k${i}`)).toBe(value);
    await cache.batch([{ type: "del", key: "k0" }]);
    for (let i = 1; i < stored / 2; i++) await cache.del(`k${i}`);
    await cache.set("again", value);
    expect(await cache.get("again")).toBe(value);
    await cache.close();
  });

  it("rejects a bound that is not a positive number of at least one page, creating nothing", async () => {
    for (const maxSizeBytes of [0, -1, NaN, Infinity, "1", 4095]) {
      await expect(openLmdbCache({ path: tempDir(), maxSizeBytes: maxSizeBytes as number })).rejects.toMatchObject({
        code: "CACHE_INVALID_OPTION",
      });
    }
    const path = join(tempDir(), "never");
    await expect(openLmdbCache({ path, maxSizeBytes: 4095 })).rejects.toMatchObject({ code: "CACHE_INVALID_OPTION" });
    expect(existsSync(path)).toBe(false);
  });
});
