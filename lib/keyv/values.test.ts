import fc from "fast-check";
import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { nastyString, tempDir } from "../test-support.ts";
import { KeyvLmdbCache } from "./index.ts";

describe("keyv store, values", () => {
  it("gives back exactly the string keyv stored, for any string and any key", async () => {
    const store = new KeyvLmdbCache({ path: tempDir() });
    store.namespace = "keyv";
    await fc.assert(
      fc.asyncProperty(nastyString, fc.string({ unit: "binary" }), async (key, serialized) => {
        await store.set(`keyv:${key}`, serialized);
        expect(await store.get(`keyv:${key}`)).toBe(serialized);
      }),
      { seed: 8, numRuns: 300 },
    );
    await store.disconnect();
  });

  it("round-trips what keyv's own serializer round-trips: Buffers, nested objects, quotes", async () => {
    const keyv = new Keyv({ store: new KeyvLmdbCache({ path: tempDir() }) });
    const value = { buffer: Buffer.from([0, 1, 255]), nested: { list: [1, "two", null, true] }, quotes: `'"\\:` };
    await keyv.set("k", value);
    expect(await keyv.get("k")).toEqual(value);
    await keyv.disconnect();
  });

  it("without keyv's serializer, stores keyv's { value, expires } through the cache's codec", async () => {
    const raw = (values: "json" | "structured") =>
      new Keyv({ store: new KeyvLmdbCache({ path: tempDir(), values }), serialize: undefined, deserialize: undefined });
    const value = { when: new Date(0), tags: new Set(["a"]), big: 10n ** 20n };
    const structured = raw("structured");
    await structured.set("k", value, 60_000);
    expect(await structured.get("k")).toEqual(value);
    const json = raw("json");
    await json.set("k", { when: new Date(0) });
    expect(await json.get("k")).toEqual({ when: "1970-01-01T00:00:00.000Z" });
    await Promise.all([structured.disconnect(), json.disconnect()]);
  });
});
