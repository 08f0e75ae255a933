import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LZ4_MAX_RATIO, lz4Bound, lz4Compress, lz4Decompress } from "./lz4.ts";

function compress(input: Uint8Array): Buffer {
  const out = Buffer.alloc(lz4Bound(input.length));
  return out.subarray(0, lz4Compress(input, out, 0));
}

// Inputs with long repeats, short repeats (overlapping matches), runs past 15 and 270 bytes (extra
// length bytes) and incompressible stretches, at every small size around the format's end rules.
const pieces = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 300 })).map(([unit, times]) =>
    Uint8Array.from({ length: unit.length * times }, (_, i) => unit[i % unit.length]!),
  ),
);
const inputs = fc.array(pieces, { maxLength: 6 }).map((parts) => new Uint8Array(Buffer.concat(parts)));

describe("lz4", () => {
  it("decompresses what it compressed, within its bound, for any input", () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const packed = compress(input);
        expect(packed.length).toBeLessThanOrEqual(lz4Bound(input.length));
        expect(lz4Decompress(packed, input.length).equals(input)).toBe(true);
      }),
      { seed: 41, numRuns: 300 },
    );
    for (let n = 0; n < 40; n++) {
      const input = Uint8Array.from({ length: n }, (_, i) => i % 3);
      expect(lz4Decompress(compress(input), n)).toEqual(Buffer.from(input));
    }
  });

  it("compresses repetitive input, up to its stated ratio", () => {
    const zeros = new Uint8Array(100_000);
    const packed = compress(zeros);
    expect(packed.length * LZ4_MAX_RATIO).toBeGreaterThanOrEqual(zeros.length);
    expect(packed.length).toBeLessThan(zeros.length / 200);
  });

  it("throws, never overruns, on input damaged anywhere or decoded to a wrong length", () => {
    fc.assert(
      fc.property(inputs, fc.nat(), fc.integer({ min: 1, max: 255 }), (input, at, flip) => {
        const packed = compress(input);
        expect(() => lz4Decompress(packed, input.length + 1)).toThrow();
        if (input.length > 0) expect(() => lz4Decompress(packed, input.length - 1)).toThrow();
        for (let cut = 0; cut < packed.length; cut++) {
          let threw = false;
          try {
            lz4Decompress(packed.subarray(0, cut), input.length);
          } catch {
            threw = true;
          }
          if (!threw) expect.fail(`a cut at ${cut} of ${packed.length} bytes decompressed`);
        }
        const damaged = Buffer.from(packed);
        const i = at % damaged.length;
        damaged[i] = damaged[i]! ^ flip;
        try {
          expect(lz4Decompress(damaged, input.length).length).toBe(input.length);
        } catch (error) {
          expect((error as Error).name).toBe("Lz4Error");
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
