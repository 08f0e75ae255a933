import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeRecord, NEVER_COMPRESS } from "./codec.ts";
import { checkExpiryIndexAt } from "./fixtures/expiry-index-check.ts";
import { openLmdbCache } from "./index.ts";
import { expiryKey, fullKey, namespacePrefix } from "./keys.ts";
import { manualClock, rawPut, tempDir } from "./test-support.ts";
import { verifyCache } from "./verify.ts";

const seed = Number(process.env.INDEX_SEED ?? 20_261_202);
const numRuns = Number(process.env.INDEX_RUNS ?? 100);
const path = process.env.INDEX_PATH;

const NAMESPACES = ["", "a", "a/b"] as const;
// Two long keys share their first 1900 bytes, so their hashed slots share a head.
const KEYS = ["k0", "k1", "k2", `${"long".repeat(500)}x`, `${"long".repeat(500)}y`] as const;

type Op =
  | { op: "set"; ns: number; key: number; ttl: number | undefined }
  | { op: "batch"; ns: number; ops: Array<{ del: boolean; key: number; ttl: number | undefined }> }
  | { op: "del" | "get" | "getOrSet"; ns: number; key: number; ttl?: number | undefined }
  | { op: "entries" | "clear"; ns: number }
  | { op: "sweep" }
  | { op: "advance"; ms: number };

const ns = fc.nat(NAMESPACES.length - 1);
const key = fc.nat(KEYS.length - 1);
const ttl = fc.option(fc.integer({ min: -5, max: 30 }), { nil: undefined });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("set" as const), ns, key, ttl }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("batch" as const), ns, ops: fc.array(fc.record({ del: fc.boolean(), key, ttl }), { maxLength: 6 }) }) },
  fc.record({ op: fc.constantFrom("del" as const, "get" as const), ns, key }),
  fc.record({ op: fc.constant("getOrSet" as const), ns, key, ttl }),
  fc.record({ op: fc.constantFrom("entries" as const, "clear" as const), ns }),
  fc.record({ op: fc.constant("sweep" as const) }),
  fc.record({ op: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 20 }) }),
);

const show = (op: Op) => JSON.stringify(op, (name, value: unknown) => (name === "key" && typeof value === "number" ? KEYS[value]!.slice(0, 8) : value));

describe("expiry index", () => {
  it(`holds exactly one record per entry with an expiry after any ${numRuns} sequences of writes, expiries, clears and sweeps (seed ${seed})`, async () => {
    const details = await fc.check(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        const dir = tempDir();
        const clock = manualClock();
        const root = await openLmdbCache<unknown>({ path: dir, now: clock.now });
        const views = NAMESPACES.map((name) => root.withNamespace(name));
        try {
          for (const [step, op] of ops.entries()) {
            if (op.op === "sweep") await root.sweepExpired();
            else if (op.op === "advance") clock.advance(op.ms);
            else {
              const view = views[op.ns]!;
              if (op.op === "set") await view.set(KEYS[op.key]!, step, { ttlMs: op.ttl });
              else if (op.op === "batch") await view.batch(op.ops.map(({ del, key, ttl }) => (del ? { type: "del" as const, key: KEYS[key]! } : { type: "put" as const, key: KEYS[key]!, value: step, ttlMs: ttl })));
              else if (op.op === "del") await view.del(KEYS[op.key]!);
              else if (op.op === "get") await view.get(KEYS[op.key]!);
              else if (op.op === "getOrSet") await view.getOrSet(KEYS[op.key]!, () => step, { ttlMs: op.ttl });
              else if (op.op === "entries") for await (const _ of view.entries());
              else await view.clear();
            }
            const check = await checkExpiryIndexAt(dir);
            expect(check.problems, `after step ${step}: ${show(op)}`).toEqual([]);
            expect((await root.stats()).entries).toBe(check.entries);
          }
        } finally {
          await root.close();
        }
      }),
      path === undefined ? { seed, numRuns } : { seed, numRuns, path, endOnFailure: true },
    );
    if (details.failed) {
      const replay = `INDEX_SEED=${details.seed} INDEX_PATH=${details.counterexamplePath} pnpm vitest run lib/expiry-index.test.ts`;
      console.error(`expiry index property failed: seed ${details.seed}, path ${details.counterexamplePath}\nreplay: ${replay}\n${(details.counterexample?.[0] ?? []).map(show).join("\n")}`);
      throw new Error(fc.defaultReportMessage(details) ?? "expiry index property failed");
    }
  }, 120_000);

  it("sweeps only what the index names: an expired entry written without an index record is left to lazy expiry", async () => {
    const clock = manualClock();
    const dir = tempDir();
    // As a process of format 1, already open during the upgrade, writes: a record and no index record.
    await (await openLmdbCache({ path: dir })).close();
    rawPut(dir, fullKey(namespacePrefix(""), "unindexed"), encodeRecord("old", "json", clock.now() - 1, NEVER_COMPRESS));
    const cache = await openLmdbCache({ path: dir, now: clock.now });
    await cache.batch(Array.from({ length: 50 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: i, ttlMs: i % 2 ? 10 : 1000 })));
    clock.advance(10);
    expect(await cache.sweepExpired()).toBe(25);
    expect((await cache.stats()).entries).toBe(26);
    expect(await cache.get("unindexed")).toBeUndefined();
    expect((await cache.stats()).entries).toBe(25);
    await cache.close();
  });

  it("drops an index record whose entry went without it, and counts no entry for it", async () => {
    const clock = manualClock();
    const dir = tempDir();
    const cache = await openLmdbCache({ path: dir, now: clock.now });
    await cache.set("gone", 1, { ttlMs: 5 });
    await cache.set("kept", 2, { ttlMs: 5 });
    await cache.close();
    // As a process of format 1 deletes: the record goes, its index record stays.
    const stored = fullKey(namespacePrefix(""), "gone");
    rawPut(dir, stored, encodeRecord(1, "json", clock.now() + 5 + 1000, NEVER_COMPRESS));
    const again = await openLmdbCache({ path: dir, now: clock.now });
    clock.advance(5);
    // "gone" now has another expiry, so its old index record names nothing: dropped, not counted.
    expect(await again.sweepExpired()).toBe(1);
    expect(await again.get("gone")).toBe(1);
    await again.close();
    const check = await checkExpiryIndexAt(dir);
    expect(check.problems).toEqual([expect.stringContaining(expiryKey(clock.now() + 1000, stored).toString("hex"))]);
  });

  it("is left out of entries(), stats() and verifyCache", async () => {
    const dir = tempDir();
    const cache = await openLmdbCache({ path: dir });
    await cache.batch(Array.from({ length: 100 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: i, ttlMs: i % 2 ? 60_000 : undefined })));
    let listed = 0;
    for await (const _ of cache.entries()) listed++;
    expect(listed).toBe(100);
    expect((await cache.stats()).entries).toBe(100);
    expect((await checkExpiryIndexAt(dir)).indexed).toBe(50);
    await cache.close();
    expect(await verifyCache(dir)).toEqual({ entries: 100 });
  });
});
