import { describe, expect, it } from "vitest";
import { encodeRecord, NEVER_COMPRESS, withFullKey } from "./codec.ts";
import { openLmdbCache } from "./index.ts";
import { fullKey, namespacePrefix, storedKey } from "./keys.ts";
import { rawPut, tempDir } from "./test-support.ts";


const slotOf = (key: string) => storedKey(fullKey(namespacePrefix(""), key));

describe("damaged records", () => {
  it("reports an undecodable record as CACHE_CORRUPT to get and entries, and lets del remove it", async () => {
    const path = tempDir();
    await (await openLmdbCache({ path })).close();
    const damaged: Buffer[] = [
      Buffer.from([0xf0]),
      Buffer.from([0x01, 1, 2]),
      Buffer.from([0x02, 9, 0, 0, 0, 1]),
      Buffer.from([0x02, 1]),
      Buffer.from([0x00, 0x7b]),
    ];
    for (const [i, record] of damaged.entries()) rawPut(path, slotOf(`bad${i}`).stored, record);
    const cache = await openLmdbCache({ path });
    for (const i of damaged.keys()) {
      await expect(cache.get(`bad${i}`)).rejects.toMatchObject({ code: "CACHE_CORRUPT" });
    }
    await expect(cache.entries().next()).rejects.toMatchObject({ code: "CACHE_CORRUPT" });
    // A sweep goes past damaged records, leaving them to be reported and deleted.
    await cache.set("old", 1, { ttlMs: -1 });
    expect(await cache.sweepExpired()).toBe(1);
    for (const i of damaged.keys()) await cache.del(`bad${i}`);
    await cache.set("fine", 1);
    expect((await cache.entries().next()).value).toEqual(["fine", 1]);
    await cache.close();
  });

  it("never lets a long key read, overwrite or delete another key's hashed slot", async () => {
    const path = tempDir();
    await (await openLmdbCache({ path })).close();
    const mine = "m".repeat(5000);
    const other = fullKey(namespacePrefix(""), "o".repeat(5000));
    // Plant another key's record in my slot, as a hash collision would.
    rawPut(path, slotOf(mine).stored, withFullKey(encodeRecord("other", "json", undefined, NEVER_COMPRESS), other));
    const cache = await openLmdbCache({ path });
    expect(await cache.get(mine)).toBeUndefined();
    await expect(cache.set(mine, "mine")).rejects.toMatchObject({ code: "CACHE_KEY_COLLISION" });
    await expect(cache.batch([{ type: "put", key: mine, value: "mine" }])).rejects.toMatchObject({
      code: "CACHE_KEY_COLLISION",
    });
    await cache.del(mine);
    expect(await cache.get("o".repeat(5000))).toBeUndefined();
    let planted = 0;
    for await (const [key, value] of cache.entries()) {
      expect([key, value]).toEqual(["o".repeat(5000), "other"]);
      planted++;
    }
    expect(planted).toBe(1);
    await cache.close();
  });
});
