import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodePayload, encodeRecord, NEVER_COMPRESS, readHead, withFullKey } from "./codec.ts";
import { isCacheError } from "./errors.ts";
import { openLmdbCache, verifyCache } from "./index.ts";
import { fullKey, namespacePrefix, storedKey } from "./keys.ts";
import { fixture, manualClock, rawPut, tempDir } from "./test-support.ts";
import type { ValueCodec } from "./types.ts";

const slotOf = (key: string) => storedKey(fullKey(namespacePrefix(""), key));
const writer = (args: string[]) => execa("node", ["--import", "tsx", fixture("writer.ts"), ...args]);

/** A compressed record of a value that compresses well: its payload is long and repetitive. */
const compressible = { text: "cache ".repeat(200), list: Array.from({ length: 50 }, (_, i) => ({ i, tag: "same" })) };

// Values big enough to cross any threshold the property draws, repetitive or not, in both codecs' reach.
const bulky = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }).chain((unit) => fc.nat({ max: 120 }).map((n) => unit.repeat(n))),
  fc.array(fc.record({ id: fc.integer(), name: fc.constantFrom("ada", "grace", "\u{1F600}"), score: fc.double() }, { noNullPrototype: true }), { maxLength: 40 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 60 }), { maxKeys: 20, noNullPrototype: true }),
  fc.constant(undefined),
);

describe("compression", () => {
  it("round-trips values in both codecs, with and without expiry, under short and hashed long keys", async () => {
    const clock = manualClock();
    const opens = {
      json: await openLmdbCache({ path: tempDir(), now: clock.now, compression: { thresholdBytes: 32 } }),
      structured: await openLmdbCache({ path: tempDir(), now: clock.now, values: "structured", compression: { thresholdBytes: 32 } }),
    };
    const key = fc.oneof(fc.string({ maxLength: 10 }), fc.nat({ max: 500 }).map((n) => `long:${"k".repeat(1900 + n)}`));
    let compressedRuns = 0;
    await fc.assert(
      fc.asyncProperty(bulky, fc.constantFrom<ValueCodec>("json", "structured"), fc.option(fc.integer({ min: 1, max: 1e6 }), { nil: undefined }), key, async (value, codec, ttlMs, k) => {
        const cache = opens[codec];
        if (readHead(encodeRecord(value, codec, undefined, 32)).compressed) compressedRuns++;
        await cache.set(k, value, { ttlMs });
        const expected = codec === "json" && value !== undefined ? JSON.parse(JSON.stringify(value)) : value;
        // Three reads: the third is answered from the read cache when the value is plain JSON.
        for (let i = 0; i < 3; i++) expect(await cache.get(k)).toStrictEqual(expected);
        await cache.batch([{ type: "put", key: k, value, ttlMs }]);
        expect(await cache.get(k)).toStrictEqual(expected);
      }),
      { seed: 51, numRuns: 150 },
    );
    // The property is about compressed records: a good share of its values must have made one.
    expect(compressedRuns).toBeGreaterThan(50);
    await Promise.all(Object.values(opens).map((cache) => cache.close()));
  });

  it("stores a payload longer than the threshold compressed, and one of the threshold's length as it is", () => {
    // A string of n >= 256 characters packs to n + 3 bytes of MessagePack.
    const threshold = 600;
    const at = encodeRecord("a".repeat(threshold - 3), "json", undefined, threshold);
    const past = encodeRecord("a".repeat(threshold - 2), "json", undefined, threshold);
    expect(at.length).toBe(1 + threshold);
    expect(readHead(at).compressed).toBe(false);
    expect(readHead(past).compressed).toBe(true);
    expect(past.length).toBeLessThan(40);
    expect(decodePayload(past, readHead(past))).toBe("a".repeat(threshold - 2));
    for (const codec of ["json", "structured"] as const) {
      const record = withFullKey(encodeRecord(compressible, codec, 5, 0), Buffer.from("full key"));
      const head = readHead(record);
      expect(head).toMatchObject({ compressed: true, expiry: 5 });
      expect(head.full?.toString()).toBe("full key");
      expect(decodePayload(record, head)).toEqual(compressible);
    }
  });

  it("stores a payload that would not shrink as it is", () => {
    const noise = randomBytes(2000);
    const record = encodeRecord(noise, "structured", undefined, 0);
    expect(readHead(record).compressed).toBe(false);
    expect(record).toEqual(encodeRecord(noise, "structured", undefined, NEVER_COMPRESS));
  });

  it("writes records at or below the threshold byte for byte as before compression existed", () => {
    // Bytes of the format's records as written before compression (JSON in MessagePack, JSON text,
    // an undefined value with expiry, a hashed key's record carrying its full key).
    const before: [Buffer, string][] = [
      [encodeRecord({ id: 7, name: "ada", tags: ["x", "y"] }, "json", undefined, 256), "0cde0003a2696407a46e616d65a3616461a47461677392a178a179"],
      [encodeRecord({ when: new Date(0) }, "json", 1_700_000_000_000, 256), "0100008056febc78427b227768656e223a22313937302d30312d30315430303a30303a30302e3030305a227d"],
      [encodeRecord(undefined, "json", 5, 0), "090000000000001440"],
      [
        withFullKey(encodeRecord("v".repeat(40), "json", 9, 42), Buffer.from("full-key")),
        "0f00000000000022400800000066756c6c2d6b6579d92876767676767676767676767676767676767676767676767676767676767676767676767676767676",
      ],
    ];
    for (const [record, hex] of before) expect(record.toString("hex")).toBe(hex);
  });

  it("shares a cache between a process that compresses and one that does not, both ways", async () => {
    const path = tempDir();
    const plain = await openLmdbCache({ path, compression: false });
    await writer([path, "set-compressed", "from-child", JSON.stringify(compressible)]);
    expect(await plain.get("from-child")).toEqual(compressible);
    await plain.close();
    const compressing = await openLmdbCache({ path, compression: { thresholdBytes: 0 } });
    await compressing.set("from-parent", compressible);
    await compressing.close();
    const { stdout } = await writer([path, "get", "from-parent"]);
    expect(JSON.parse(stdout)).toEqual(compressible);
    expect(await verifyCache(path)).toEqual({ entries: 2 });
  });

  it("reports a damaged compressed payload as CACHE_CORRUPT with its cause, and lets del remove it", async () => {
    const path = tempDir();
    await (await openLmdbCache({ path })).close();
    const good = encodeRecord(compressible, "json", undefined, 0);
    const damaged = [
      good.subarray(0, 3), // length cut short
      good.subarray(0, good.length - 2), // block cut short
      Buffer.concat([good.subarray(0, 1), Buffer.from([1, 0, 0, 0]), good.subarray(5)]), // length smaller than the block's output
      // MessagePack, compressed, 10 bytes: one literal, then a match 5 bytes back, before the output's start.
      Buffer.from([0b1_1100, 10, 0, 0, 0, 0x10, 0x61, 5, 0]),
    ];
    for (const [i, record] of damaged.entries()) rawPut(path, slotOf(`bad${i}`).stored, record);
    const cache = await openLmdbCache({ path });
    for (const i of damaged.keys()) {
      const error = await cache.get(`bad${i}`).catch((e: unknown) => e);
      expect(isCacheError(error, "CACHE_CORRUPT")).toBe(true);
      expect((error as Error).cause ?? (error as Error).message).toBeTruthy();
    }
    await expect(verifyCache(path)).rejects.toMatchObject({ code: "CACHE_CORRUPT" });
    for (const i of damaged.keys()) await cache.del(`bad${i}`);
    await cache.set("fine", compressible);
    expect(await cache.get("fine")).toEqual(compressible);
    await cache.close();
    expect(await verifyCache(path)).toEqual({ entries: 1 });
  });

  it("refuses a payload claiming more bytes than its block can hold, before allocating them", () => {
    const good = encodeRecord(compressible, "json", undefined, 0);
    const bomb = Buffer.from(good);
    bomb.writeUInt32LE(0xffff_ffff, 1);
    expect(() => decodePayload(bomb, readHead(bomb))).toThrow(expect.objectContaining({ code: "CACHE_CORRUPT", message: expect.stringContaining("more than") }));
    // A block that inflates past the length stored beside it stops at that length.
    const zeros = encodeRecord(Buffer.alloc(100_000), "structured", undefined, 0);
    expect(zeros.length).toBeLessThan(1000);
    zeros.writeUInt32LE(50_000, 1);
    let thrown: unknown;
    try {
      decodePayload(zeros, readHead(zeros));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: "CACHE_CORRUPT", cause: expect.objectContaining({ name: "Lz4Error" }) });
  });

  it("refuses bad compression options with CACHE_INVALID_OPTION and opens nothing", async () => {
    for (const compression of [true, null, "lz4", 0, { thresholdBytes: -1 }, { thresholdBytes: 1.5 }, { thresholdBytes: "256" }, { thresholdBytes: Infinity }]) {
      const path = join(tempDir(), "cache");
      await expect(openLmdbCache({ path, compression: compression as never })).rejects.toMatchObject({ code: "CACHE_INVALID_OPTION" });
      expect(existsSync(path)).toBe(false);
    }
  });
});
