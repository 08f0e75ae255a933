import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wtf8Decode, wtf8Encode } from "./wtf8.ts";

const anyString = fc.string({ unit: "binary", maxLength: 200 });

describe("wtf8", () => {
  it("round-trips every JavaScript string, lone surrogates included", () => {
    fc.assert(fc.property(anyString, (text) => wtf8Decode(wtf8Encode(text)) === text), { seed: 1 });
  });

  it("equals UTF-8 on well-formed strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 50 }), (text) =>
        wtf8Encode(text).equals(Buffer.from(text, "utf8")),
      ),
      { seed: 2 },
    );
  });

  it("gives distinct bytes to strings that differ only in a lone surrogate", () => {
    const a = wtf8Encode("x\ud800");
    const b = wtf8Encode("x\udfff");
    expect(a.equals(b)).toBe(false);
    expect(Buffer.from("x\ud800", "utf8").equals(Buffer.from("x\udfff", "utf8"))).toBe(true);
  });

  it("encodes a surrogate pair as one four-byte sequence and a trailing high surrogate alone", () => {
    expect([...wtf8Encode("\ud83d\ude00\ud83d")]).toEqual([0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0xbd]);
    expect(wtf8Decode(wtf8Encode("é\u0800\ud83d"))).toBe("é\u0800\ud83d");
  });
});
