import { existsSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { manualClock, tempDir } from "./test-support.ts";

const seed = Number(process.env.BOUND_SEED ?? 20_261_203);
const numRuns = Number(process.env.BOUND_RUNS ?? 60);
const replayPath = process.env.BOUND_PATH;

type Plan = {
  bound: number;
  eviction: "lru" | "expiry-first";
  /** Keys written in order (pages split at their end), or spread over the key space. */
  inOrder: boolean;
  ops: Array<{ op: "set" | "batch" | "get"; size: number; ttl: number | undefined; advance: number }>;
};

const planArb: fc.Arbitrary<Plan> = fc.record({
  bound: fc.constantFrom(64 * 1024, 256 * 1024),
  eviction: fc.constantFrom("lru" as const, "expiry-first" as const),
  inOrder: fc.boolean(),
  ops: fc.array(
    fc.record({
      op: fc.constantFrom("set" as const, "set" as const, "batch" as const, "get" as const),
      // Small records, records near a page's half (where a split may leave one a page), and overflow records.
      size: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 900, max: 2100 }), fc.integer({ min: 2100, max: 9000 })),
      ttl: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined, freq: 3 }),
      advance: fc.constantFrom(0, 0, 0, 7, 400),
    }),
    { minLength: 200, maxLength: 500 },
  ),
});

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

  it(`keeps the pages in use within maxSizeBytes after every put of one process, for any ${numRuns} mixes of record sizes, key orders, expiries and reads (seed ${seed})`, async () => {
    const details = await fc.check(
      fc.asyncProperty(planArb, async ({ bound, eviction, inOrder, ops }) => {
        const clock = manualClock();
        const cache = await openLmdbCache<string>({ path: tempDir(), maxSizeBytes: bound, eviction, now: clock.now });
        try {
          const keyOf = (n: number) => (inOrder ? `k${String(n).padStart(8, "0")}` : `k${(Math.imul(n, 2_654_435_761) >>> 0) % 4096}`);
          for (const [step, { op, size, ttl, advance }] of ops.entries()) {
            clock.advance(advance);
            const value = "v".repeat(size);
            try {
              if (op === "get") await cache.get(keyOf(step >> 1));
              else if (op === "set") await cache.set(keyOf(step), value, { ttlMs: ttl });
              else await cache.batch([0, 1, 2].map((i) => ({ type: "put" as const, key: keyOf(step) + i, value, ttlMs: ttl })));
            } catch (error) {
              // "expiry-first" never evicts an entry without a TTL: a cache full of them refuses puts.
              if ((error as { code?: string }).code !== "CACHE_FULL" || eviction !== "expiry-first") throw error;
            }
            expect((await cache.stats()).bytes, `after step ${step}`).toBeLessThanOrEqual(bound);
          }
        } finally {
          await cache.close();
        }
      }),
      replayPath === undefined ? { seed, numRuns } : { seed, numRuns, path: replayPath, endOnFailure: true },
    );
    if (details.failed) {
      const replay = `BOUND_SEED=${details.seed} BOUND_PATH=${details.counterexamplePath} pnpm vitest run lib/size-bound.test.ts`;
      console.error(`size bound property failed: seed ${details.seed}, path ${details.counterexamplePath}\nreplay: ${replay}`);
      throw new Error(`${String(details.errorInstance)}\n${fc.defaultReportMessage(details) ?? ""}`);
    }
  }, 300_000);

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
