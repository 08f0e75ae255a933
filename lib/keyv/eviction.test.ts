import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { manualClock, tempDir } from "../test-support.ts";
import { KeyvLmdbCache } from "./index.ts";

const BOUND = 1024 * 1024;

describe("keyv store with eviction", () => {
  it("keeps a bounded cache within its bound through keyv, the keys it reads often kept", async () => {
    const clock = manualClock();
    const store = new KeyvLmdbCache({ path: tempDir(), maxSizeBytes: BOUND, eviction: "lru", now: clock.now });
    const keyv = new Keyv({ store });
    const value = "k".repeat(1000);
    await keyv.set("hot", value);
    for (let i = 0; i < 3000; i++) {
      await keyv.set(`cold${i}`, value);
      if (i % 50 === 0) {
        clock.advance(1000);
        expect(await keyv.get("hot")).toBe(value);
      }
    }
    expect(await keyv.get("cold0")).toBeUndefined();
    expect(await keyv.get("cold2999")).toBe(value);
    expect(await keyv.get("hot")).toBe(value);
    await keyv.disconnect();
  });

  it("refuses a policy that is not one when constructed", () => {
    expect(() => new KeyvLmdbCache({ path: tempDir(), maxSizeBytes: BOUND, eviction: "random" as never })).toThrow(
      expect.objectContaining({ code: "CACHE_INVALID_OPTION" }),
    );
  });
});
