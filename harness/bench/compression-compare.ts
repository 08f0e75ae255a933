import { Packr } from "msgpackr";
import { brotliCompressSync, brotliDecompressSync, constants, deflateRawSync, inflateRawSync } from "node:zlib";
import { lz4Bound, lz4Compress, lz4Decompress } from "../../lib/lz4.ts";
import { valueOf } from "./dataset.ts";
import { microseconds } from "./microseconds.ts";

// node --import tsx harness/bench/compression-compare.ts
// The candidate compressions of a record's payload side by side, in one process, on the benchmark's
// records as the library stores them (MessagePack): bytes kept, and the time to compress and to
// decompress, next to the time MessagePack itself takes to encode and decode the same values.

const packr = new Packr({ useRecords: false, mapsAsObjects: true });
const POOL = 1024;

type Candidate = { name: string; compress: (b: Buffer) => Buffer; decompress: (b: Buffer, length: number) => Buffer };

const brotli = (quality: number): Candidate => ({
  name: `brotli quality ${quality}`,
  compress: (b) =>
    brotliCompressSync(b, {
      params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: b.length, [constants.BROTLI_PARAM_LGWIN]: 16 },
    }),
  decompress: (b, length) => brotliDecompressSync(b, { maxOutputLength: length }),
});
const deflate = (level: number): Candidate => ({
  name: `deflateRaw level ${level}`,
  compress: (b) => deflateRawSync(b, { level }),
  decompress: (b, length) => inflateRawSync(b, { maxOutputLength: length }),
});

const lz4: Candidate = {
  name: "LZ4 (lib/lz4.ts)",
  compress: (b) => {
    const out = Buffer.allocUnsafe(lz4Bound(b.length));
    return out.subarray(0, lz4Compress(b, out, 0));
  },
  decompress: lz4Decompress,
};

const candidates = [lz4, deflate(1), deflate(6), brotli(1), brotli(2)];

const values = Array.from({ length: POOL }, (_, i) => valueOf(1, i));
const packed = values.map((v) => packr.pack(v).slice());
const total = packed.reduce((sum, b) => sum + b.length, 0);
const encode = microseconds((i) => packr.pack(values[i]), POOL);
const decode = microseconds((i) => packr.unpack(packed[i]!), POOL);
console.log(`MessagePack: ${(total / POOL).toFixed(0)} bytes a record on average; encode ${encode.toFixed(2)} us, decode ${decode.toFixed(2)} us`);
for (const c of candidates) {
  const compressed = packed.map((b) => c.compress(b));
  compressed.forEach((b, i) => {
    if (!c.decompress(b, packed[i]!.length).equals(packed[i]!)) throw new Error(`${c.name}: record ${i} does not round-trip`);
  });
  const bytes = compressed.reduce((sum, b) => sum + b.length, 0);
  const compress = microseconds((i) => c.compress(packed[i]!), POOL);
  const decompress = microseconds((i) => c.decompress(compressed[i]!, packed[i]!.length), POOL);
  console.log(
    `${c.name.padEnd(20)} ${(bytes / total).toFixed(3)} of the bytes; compress ${compress.toFixed(2)} us (${(compress / encode).toFixed(2)}x encode), ` +
      `decompress ${decompress.toFixed(2)} us (${(decompress / decode).toFixed(2)}x decode)`,
  );
}
