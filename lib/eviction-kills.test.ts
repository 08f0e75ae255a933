import { execa } from "execa";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { acquireEnv, releaseEnv } from "./env.ts";
import { indexCount } from "./expiry-index.ts";
import { openLmdbCache, verifyCache } from "./index.ts";
import { ACCESS_RECORDS, RECENCY_COUNT_KEY, RECENCY_INDEX } from "./keys.ts";
import { fixture, tempDir } from "./test-support.ts";

const seed = Number(process.env.EVICTION_KILL_SEED ?? 20_261_202);
const KILLS = 4;
const BOUND = 1024 * 1024;
const SIZE = 1000;

/** Runs the evicting writer and SIGKILLs it `afterMs` after its cache is open. */
async function killWriter(path: string, prefix: string, afterMs: number): Promise<string | undefined> {
  const child = execa("node", ["--import", "tsx", fixture("evicting-writer.ts"), path, prefix, "100000", String(SIZE), String(BOUND)], { reject: false });
  child.stdout!.on("data", (chunk: Buffer) => {
    if (chunk.toString().includes("opened")) setTimeout(() => child.kill("SIGKILL"), afterMs);
  });
  return (await child).signal;
}

describe("eviction killed", () => {
  it(`leaves whole entries, exact recency records and a cache that reopens, after ${KILLS} SIGKILLs of an evicting writer (seed ${seed}, EVICTION_KILL_SEED replays)`, async () => {
    const path = tempDir();
    const delays = fc.sample(fc.integer({ min: 0, max: 1500 }), { seed, numRuns: KILLS });
    for (const [round, delay] of delays.entries()) {
      expect(await killWriter(path, `r${round}-`, delay), `kill ${round} after ${delay} ms`).toBe("SIGKILL");
      const cache = await openLmdbCache<string>({ path, maxSizeBytes: BOUND });
      let walked = 0;
      for await (const [, value] of cache.entries()) {
        expect(value).toBe("v".repeat(SIZE));
        walked++;
      }
      expect((await cache.stats()).entries).toBe(walked);
      // It still evicts: a quarter of a bound's worth more, into a cache at its bound, stays within it.
      for (let i = 0; i < BOUND / SIZE / 4; i++) await cache.set(`after${round}-${i}`, "v".repeat(SIZE));
      const { bytes, entries: held } = await cache.stats();
      expect(bytes).toBeLessThanOrEqual(BOUND);
      await cache.close();
      const env = await acquireEnv(path, "process");
      const access = [...env.db.getKeys(ACCESS_RECORDS)].length;
      expect([...env.db.getKeys(RECENCY_INDEX)].length).toBe(access);
      expect(indexCount(env.db, RECENCY_COUNT_KEY)).toBe(2 * access);
      await releaseEnv(env);
      expect(await verifyCache(path)).toEqual({ entries: held });
    }
  });
});
