// The README's way to move a cache from LMDB to Redis, as written there: entries() of each namespace
// into batch() on the other side.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { openLmdbCache } from "../../lib/index.ts";
import { openRedisCache } from "../../lib/redis/index.ts";
import type { BatchOp, Cache } from "../../lib/types.ts";
import { collect } from "../suite/suite.ts";
import { describeRedis } from "./server.ts";

describeRedis("moving a cache from LMDB to Redis", (server) => {
  it("copies every namespace's entries, in chunks, with the target's default TTL", async () => {
    const dir = await mkdtemp(join(tmpdir(), "move-"));
    const from = await openLmdbCache<number>({ path: dir });
    const clock = { t: 1_000_000 };
    const to = await openRedisCache<number>({ url: server().url, prefix: "moved", defaultTtlMs: 60_000, now: () => clock.t, expiryGraceMs: 600_000 });
    try {
      const namespaces = ["", "users", "sessions"];
      for (const [n, ns] of namespaces.entries()) {
        await from.withNamespace(ns).batch(Array.from({ length: 1500 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: n * 10_000 + i })));
      }
      for (const ns of namespaces) {
        let ops: BatchOp<number>[] = [];
        for await (const [key, value] of from.withNamespace(ns).entries()) {
          ops.push({ type: "put", key, value });
          if (ops.length === 1000) await to.withNamespace(ns).batch(ops.splice(0));
        }
        await to.withNamespace(ns).batch(ops);
      }
      const listed = (cache: Cache<number>, ns: string) => collect(cache.withNamespace(ns).entries());
      for (const ns of namespaces) expect(await listed(to, ns)).toEqual(await listed(from, ns));
      clock.t += 60_000;
      for (const ns of namespaces) expect(await listed(to, ns)).toEqual([]);
    } finally {
      await from.close();
      await to.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
