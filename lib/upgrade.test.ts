import { createHash } from "node:crypto";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FORMAT } from "./env.ts";
import { loadEngine } from "./engine/index.ts";
import { checkExpiryIndexAt } from "./fixtures/expiry-index-check.ts";
import { type FormatOneEntry, formatOneEntries, isLive, writeFormatOne } from "./fixtures/format-1.ts";
import { openLmdbCache } from "./index.ts";
import { ALL_ENTRIES, META_KEY, UPGRADE_KEY } from "./keys.ts";
import { fixture, manualClock, tempDir } from "./test-support.ts";
import { FORMAT_1, UPGRADING } from "./upgrade.ts";

const seed = Number(process.env.UPGRADE_SEED ?? 20_261_202);
const KILLS = 6;

/**
 * Read below the library, which would upgrade the cache: its format record, whether an upgrade's
 * progress is recorded, and a digest of every entry's stored key and record (the upgrade must not change them).
 */
async function rawState(path: string): Promise<{ format: string | undefined; inProgress: boolean; digest: string }> {
  const db = (await loadEngine()).open<Buffer, Buffer>({ path, noSubdir: false, keyEncoding: "binary", encoding: "binary" });
  try {
    const hash = createHash("sha256");
    for (const { key, value } of db.getRange(ALL_ENTRIES)) hash.update(key).update(value);
    return { format: db.getBinary(META_KEY)?.toString("utf8"), inProgress: db.getBinary(UPGRADE_KEY) !== undefined, digest: hash.digest("hex") };
  } finally {
    await db.close();
  }
}

/**
 * Opens the cache, which upgrades it, and checks that its entries are byte for byte as they were, the
 * index exact, and some entries as the API reads them; returns how many expired ones those reads deleted.
 */
async function checkUpgraded(path: string, entries: readonly FormatOneEntry[], now: number, digest: string): Promise<number> {
  await (await openLmdbCache({ path })).close();
  expect(await rawState(path)).toEqual({ format: FORMAT, inProgress: false, digest });
  const cache = await openLmdbCache({ path, now: () => now });
  const index = await checkExpiryIndexAt(path);
  expect(index.problems).toEqual([]);
  expect(index.withExpiry).toBe(entries.filter((entry) => entry.expiry !== undefined).length);
  expect((await cache.stats()).entries).toBe(entries.length);
  const read = entries.filter((_, i) => i % 37 === 0);
  for (const entry of read) {
    expect(await cache.withNamespace(entry.namespace).get(entry.key)).toEqual(isLive(entry, now) ? entry.value : undefined);
  }
  await cache.close();
  return read.filter((entry) => !isLive(entry, now)).length;
}

describe("format upgrade", () => {
  it("upgrades a cache of format 1 at its first open: entries byte for byte kept, the index exact, a sweep finds the expired", async () => {
    const { now } = manualClock();
    const path = tempDir();
    // Two whole write transactions of the upgrade and a part of a third.
    const entries = formatOneEntries(12_345, now());
    await writeFormatOne(path, entries);
    const before = await rawState(path);
    expect(before.format).toBe(FORMAT_1);
    const readExpired = await checkUpgraded(path, entries, now(), before.digest);
    const cache = await openLmdbCache({ path, now });
    const expired = entries.filter((entry) => !isLive(entry, now())).length;
    expect(expired).toBeGreaterThan(3000);
    expect(await cache.sweepExpired()).toBe(expired - readExpired);
    expect(await cache.sweepExpired()).toBe(0);
    expect((await cache.stats()).entries).toBe(entries.length - expired);
    await cache.close();
    expect((await checkExpiryIndexAt(path)).problems).toEqual([]);
  });

  it(`resumes an upgrade whose process was SIGKILLed at ${KILLS} random points (seed ${seed}, UPGRADE_SEED replays)`, async () => {
    const { now } = manualClock();
    const dir = tempDir();
    const template = join(dir, "template");
    const entries = formatOneEntries(20_000, now());
    await writeFormatOne(template, entries);
    const { digest } = await rawState(template);

    /** Runs the upgrading child on a copy of the template, killing it `killAfterMs` after it starts opening; returns how long the open took if it finished. */
    const run = async (path: string, killAfterMs: number | undefined): Promise<number | undefined> => {
      cpSync(template, path, { recursive: true });
      const child = execa("node", ["--import", "tsx", fixture("upgrade.ts"), path], { reject: false });
      let opening = 0;
      let took: number | undefined;
      child.stdout!.on("data", (chunk: Buffer) => {
        for (const line of chunk.toString().split("\n")) {
          if (line === "opening") {
            opening = performance.now();
            if (killAfterMs !== undefined) setTimeout(() => child.kill("SIGKILL"), killAfterMs);
          } else if (line === "opened") took = performance.now() - opening;
        }
      });
      await child;
      return took;
    };

    // One whole upgrade, to spread the kills over its length.
    const whole = await run(join(dir, "whole"), undefined);
    expect(whole).toBeGreaterThan(0);
    const outcomes: string[] = [];
    // Kill points drawn by fast-check's seeded generator, uniform over the whole upgrade's length.
    const points = fc.sample(fc.integer({ min: 0, max: Math.ceil(whole!) }), { seed, numRuns: KILLS });
    // The latest kill that landed before the upgrade began and the earliest after it ended.
    let before = 0;
    let after = Math.ceil(whole!);
    const trial = async (at: number) => {
      const path = join(dir, `trial${outcomes.length}`);
      await run(path, at);
      const state = await rawState(path);
      expect(state.digest, `kill ${outcomes.length} at ${at} ms`).toBe(digest);
      const outcome = state.format === UPGRADING ? "midway" : state.format === FORMAT ? "done" : "before";
      outcomes.push(`${outcome} (${at} ms)`);
      if (outcome === "before") before = Math.max(before, at);
      if (outcome === "done") after = Math.min(after, at);
      if (state.format === UPGRADING) expect(state.inProgress).toBe(true);
      await checkUpgraded(path, entries, now(), digest);
    };
    for (const at of points) await trial(at);
    // On a loaded machine the upgrade's timing moves, and the drawn points may all miss it: then kills
    // halve the gap between the last one before it and the first one after it, a few times at most.
    for (let extra = 0; extra < 8 && !outcomes.some((o) => o.startsWith("midway")) && after - before > 1; extra++) {
      await trial(Math.round((before + after) / 2));
    }
    // Kills that never land inside the upgrade would prove nothing about resuming one.
    const midway = outcomes.filter((o) => o.startsWith("midway")).length;
    expect(midway, `outcomes of the kills (seed ${seed}, whole upgrade ${Math.round(whole!)} ms): ${outcomes.join(", ")}`).toBeGreaterThan(0);
  }, 180_000);
});
