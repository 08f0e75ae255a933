import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cacheHead, logicalKey, namespaceHead, prefixPattern, redisKey } from "./keys.ts";
import { nastyString } from "../test-support.ts";

/** Redis's MATCH for the patterns prefixPattern makes: literal bytes, `\x` for a literal x, one trailing `*`. */
function matches(pattern: Buffer, key: Buffer): boolean {
  const literal: number[] = [];
  for (let i = 0; i < pattern.length - 1; i++) literal.push(pattern[i] === 0x5c ? pattern[++i]! : pattern[i]!);
  expect(pattern.at(-1)).toBe(0x2a);
  return key.subarray(0, literal.length).equals(Buffer.from(literal));
}

const glob = fc.constantFrom("*", "?", "[", "]", "\\", ":", "{", "}", "%", "%7B", "\u241F", "\ud800", "a", "");
const text = fc.oneof(nastyString, fc.array(glob, { maxLength: 5 }).map((parts) => parts.join("")));

describe("Redis keys", () => {
  it("never give two (prefix, namespace, key) triples one key, and read the key back", () => {
    fc.assert(
      fc.property(text, text, text, text, text, text, (p1, n1, k1, p2, n2, k2) => {
        const a = redisKey(namespaceHead(p1, n1), k1);
        const b = redisKey(namespaceHead(p2, n2), k2);
        expect(a.equals(b)).toBe(p1 === p2 && n1 === n2 && k1 === k2);
        expect(logicalKey(namespaceHead(p1, n1), a)).toBe(k1);
      }),
      { seed: 11, numRuns: 2000 },
    );
  });

  it("match a namespace's keys, and a cache's, and nothing of another namespace or cache", () => {
    fc.assert(
      fc.property(text, text, text, text, text, (p1, n1, p2, n2, k) => {
        const key = redisKey(namespaceHead(p2, n2), k);
        expect(matches(prefixPattern(namespaceHead(p1, n1)), key)).toBe(p1 === p2 && n1 === n2);
        expect(matches(prefixPattern(cacheHead(p1)), key)).toBe(p1 === p2);
      }),
      { seed: 12, numRuns: 2000 },
    );
  });

  it("keep a namespace in one cluster hash slot: the first `{` and the next `}` hold the prefix and the namespace", () => {
    const key = redisKey(namespaceHead("a}{b", "c:d}"), "{x}");
    const tag = key.toString("latin1").slice(1, key.indexOf(0x7d));
    expect(tag).toBe("a%7D%7Bb:c%3Ad%7D");
  });
});
