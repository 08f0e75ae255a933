import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { type CacheError, isCacheError } from "../index.ts";
import { tempDir } from "../test-support.ts";
import { KeyvLmdbCache } from "./index.ts";

/** A store whose cache cannot open: its path is a file. */
function broken(): KeyvLmdbCache {
  const path = join(tempDir(), "cache");
  writeFileSync(path, "");
  return new KeyvLmdbCache({ path });
}

describe("keyv store, error events", () => {
  it("a failed get, which keyv turns into a miss, reaches keyv's error listeners", async () => {
    const keyv = new Keyv({ store: broken() });
    const seen: unknown[] = [];
    keyv.on("error", (error) => seen.push(error));
    expect(await keyv.get("k")).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(isCacheError(seen[0], "CACHE_INVALID_PATH")).toBe(true);
  });

  it("other failures reject their call, and keyv reports them once", async () => {
    const keyv = new Keyv({ store: broken() });
    const seen: unknown[] = [];
    keyv.on("error", (error) => seen.push(error));
    expect(await keyv.set("k", "v")).toBe(false);
    expect(await keyv.delete("k")).toBe(false);
    await expect(keyv.has("k")).rejects.toMatchObject({ code: "CACHE_INVALID_PATH" });
    expect(seen.map((error) => (error as CacheError).code)).toEqual(["CACHE_INVALID_PATH", "CACHE_INVALID_PATH"]);
  });

  it("without listeners a failure only rejects its call; off() removes a listener", async () => {
    const store = broken();
    await expect(store.get("k")).rejects.toMatchObject({ code: "CACHE_INVALID_PATH" });
    const seen: unknown[] = [];
    const listener = (error: CacheError) => seen.push(error);
    store.on("error", listener);
    await expect(store.get("k")).rejects.toMatchObject({ code: "CACHE_INVALID_PATH" });
    store.off("error", listener);
    store.off("error", listener);
    // Only "error" is emitted: a listener to anything else is never called.
    store.on("clear" as "error", listener);
    store.off("clear" as "error", listener);
    await expect(store.get("k")).rejects.toMatchObject({ code: "CACHE_INVALID_PATH" });
    expect(seen).toHaveLength(1);
  });
});
