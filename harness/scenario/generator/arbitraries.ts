// The raw material of scenario programs: keys, namespaces and values, with unusual Unicode now and then.
import fc from "fast-check";
import type { NsPath } from "../operations.ts";
import type { Shape } from "./values.ts";

const oddKeys = [
  "",
  "\u0000",
  "\u241F",
  "a\u241Fb",
  "\uD800",
  "\uDFFF",
  "x\uDBFF",
  "\u{1F600}",
  "\u{10FFFF}",
  "e\u0301",
  "\u00E9",
  "\uFFFF",
  "/",
  "a/b",
  "\u202Eevil",
];

/** A key: mostly plain, sometimes full Unicode (lone surrogates included), rarely past LMDB's 1978-byte limit. */
export const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("a", "b", "c", "k1", "k2", "user:42", "Z") },
  { weight: 2, arbitrary: fc.constantFrom(...oddKeys) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) },
  { weight: 1, arbitrary: fc.nat(80).map((n) => `${"long".repeat(500)}${n}`) },
);

/** A namespace segment as passed to withNamespace: "" changes nothing, "/" nests like two calls. */
export const segmentArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom("users", "jobs", "a", "b", "a/b") },
  { weight: 2, arbitrary: fc.constantFrom("", "\u241F", "\u0000", "\u{1F4A9}", "x\uD800", "\u0001") },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
);

export const nsPathArb: fc.Arbitrary<NsPath> = fc.array(segmentArb, { minLength: 1, maxLength: 3 });

const textArb = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom("", "\u0000", "\uD83D", "\u{1D518}\u{1D52B}", "\u241F", "null") },
);

/** A JSON value to store (no -0, NaN or undefined: values must read back equal). */
export const payloadArb: fc.Arbitrary<unknown> = fc.oneof(
  textArb,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
  fc.boolean(),
  fc.constant(null),
  fc.array(textArb, { maxLength: 3 }),
  fc.dictionary(textArb, fc.oneof(textArb, fc.integer()), { maxKeys: 3 }),
);

export const shapeArb: fc.Arbitrary<Shape> = fc.constantFrom("string", "object", "array");

/** A value codec for a process: LMDB processes may each write with a different one. */
export const codecArb = fc.constantFrom<"json" | "structured">("json", "structured");
