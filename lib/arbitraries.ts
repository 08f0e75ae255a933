// fast-check arbitraries shared by the tests: the keys and namespaces that broke level-cache.
import fc from "fast-check";

const special = fc.constantFrom("\0", "\u241F", "\ud800", "\udfff", "\u{1F600}", "/", "\x01", "\uFFFF", "é");
const piece = fc.oneof(fc.string({ unit: "binary", maxLength: 8 }), special);

/** Full Unicode with lone surrogates, NUL and U+241F, and now and then a key far past LMDB's limit. */
export const nastyString = fc.oneof(
  { weight: 8, arbitrary: fc.array(piece, { maxLength: 6 }).map((parts) => parts.join("")) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 3 }), fc.integer({ min: 1800, max: 70_000 }))
      .map(([head, n]) => head + "k".repeat(n)),
  },
);
