import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openReferenceLevelCache } from "../reference/level-cache.ts";
import { acquireEnv, releaseEnv } from "../../lib/env.ts";
import { ACCESS_RECORDS, RECENCY_INDEX } from "../../lib/keys.ts";
import { migrateFromLevel, openLmdbCache } from "../../lib/index.ts";

const BOUND = 1024 * 1024;
const value = "m".repeat(1000);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "migrate-eviction-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function recencyRecords(path: string): Promise<number> {
  const env = await acquireEnv(path, "process");
  const count = [...env.db.getKeys(ACCESS_RECORDS)].length + [...env.db.getKeys(RECENCY_INDEX)].length;
  await releaseEnv(env);
  return count;
}

describe("migration into a cache with eviction", () => {
  it("removes the recency records of the entries it deletes, and its entries, used by no open yet, are evicted before those used", async () => {
    const from = join(dir, "level");
    const to = join(dir, "lmdb");
    const target = await openLmdbCache<string>({ path: to, maxSizeBytes: BOUND });
    for (let i = 0; i < 100; i++) await target.set(`stale${i}`, value);
    await target.close();
    expect(await recencyRecords(to)).toBe(200);
    const source = await openReferenceLevelCache({ path: from });
    for (let i = 0; i < 300; i++) await source.set(`migrated${i}`, value);
    await source.close();
    expect(await migrateFromLevel({ from, to })).toMatchObject({ added: 300, deleted: 100 });
    expect(await recencyRecords(to)).toBe(0);

    const cache = await openLmdbCache<string>({ path: to, maxSizeBytes: BOUND });
    // entries() records no use: it counts the migrated entries without saving them.
    const migrated = async () => {
      let n = 0;
      for await (const [key] of cache.entries()) if (key.startsWith("migrated")) n++;
      return n;
    };
    let fresh = 0;
    while ((await migrated()) === 300) await cache.set(`fresh${fresh++}`, value);
    for (let i = 0; i < fresh; i++) expect(await cache.get(`fresh${i}`)).toBe(value);
    expect((await cache.stats()).bytes).toBeLessThanOrEqual(BOUND);
    await cache.close();
  });
});
