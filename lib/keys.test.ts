import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nastyString } from "./test-support.ts";
import { fullKey, MAX_INLINE_KEY, namespacePrefix, namespaceRange, storedKey, transientFullKey } from "./keys.ts";

const anyText = fc.oneof(nastyString, fc.string({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 200 }));
const stored = (ns: string, key: string) => storedKey(fullKey(namespacePrefix(ns), key)).stored;

describe("keys", () => {
  it("never lets two distinct (namespace, key) pairs share a stored key", () => {
    fc.assert(
      fc.property(nastyString, nastyString, nastyString, nastyString, (ns1, k1, ns2, k2) => {
        fc.pre(ns1 !== ns2 || k1 !== k2);
        return !stored(ns1, k1).equals(stored(ns2, k2));
      }),
      { seed: 3, numRuns: 2000 },
    );
  });

  it("keeps a root key with U+241F apart from the namespaced key level-cache aliased it with", () => {
    expect(stored("", "a\u241Fb").equals(stored("a", "b"))).toBe(false);
  });

  it("fits every stored key within LMDB's key limit", () => {
    fc.assert(fc.property(nastyString, nastyString, (ns, key) => stored(ns, key).length <= 1978), { seed: 4 });
  });

  it("puts every key of a namespace inside the namespace's range", () => {
    fc.assert(
      fc.property(nastyString, nastyString, (ns, key) => {
        const { start, end } = namespaceRange(namespacePrefix(ns));
        const s = stored(ns, key);
        return Buffer.compare(start, s) <= 0 && Buffer.compare(s, end) < 0;
      }),
      { seed: 5 },
    );
  });

  it("orders inline keys of one namespace by the UTF-8 bytes of the key", () => {
    const wellFormed = fc.string({ unit: "grapheme", maxLength: 20 });
    fc.assert(
      fc.property(wellFormed, wellFormed, (a, b) => {
        const expected = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
        return Math.sign(Buffer.compare(stored("ns", a), stored("ns", b))) === expected;
      }),
      { seed: 6 },
    );
  });

  it("writes the same bytes through the reusable buffer as through a fresh one", () => {
    fc.assert(
      // Also plain ASCII and any text around the 32-byte prefix and 128-unit key bounds of the fast path.
      fc.property(anyText, anyText, (ns, key) => {
        const prefix = namespacePrefix(ns);
        return Buffer.from(transientFullKey(prefix, key)).equals(fullKey(prefix, key));
      }),
      { seed: 7, numRuns: 1000 },
    );
  });

  it("hashes only keys past the inline limit and keeps their full form", () => {
    const prefix = namespacePrefix("");
    expect(storedKey(fullKey(prefix, "k".repeat(MAX_INLINE_KEY - 1))).full).toBeUndefined();
    const long = storedKey(fullKey(prefix, "k".repeat(MAX_INLINE_KEY)));
    expect(long.full?.length).toBe(MAX_INLINE_KEY + 1);
    expect(long.stored.length).toBe(MAX_INLINE_KEY + 33);
  });
});
