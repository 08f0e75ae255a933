// What entries() on Redis promises where it is weaker than LMDB's snapshot (docs/redis.md).
import { expect, it } from "vitest";
import { openRedisCache } from "../../lib/redis/index.ts";
import { describeRedis } from "./server.ts";

describeRedis("Redis entries()", (server) => {
  it("yields in key order, and skips a key deleted after the scan listed it", async () => {
    const cache = await openRedisCache<number>({ url: server().url, prefix: "entries" });
    try {
      // More keys than one chunk of reads, so the deleted one is read after the delete.
      const keys = Array.from({ length: 1200 }, (_, i) => `k${String(i).padStart(4, "0")}`);
      await cache.batch(keys.map((key, value) => ({ type: "put" as const, key, value })));
      const seen: string[] = [];
      for await (const [key] of cache.entries()) {
        if (key === keys[0]) await cache.del(keys[1100]!);
        seen.push(key);
      }
      expect(seen).toEqual(keys.filter((_, i) => i !== 1100));
    } finally {
      await cache.close();
    }
  });
});
