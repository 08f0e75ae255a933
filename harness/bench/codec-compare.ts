import { Packr } from "msgpackr";
import { isPlainJson } from "../../lib/plain-json.ts";
import { valueOf } from "./dataset.ts";
import { microseconds } from "./microseconds.ts";

// node --import tsx harness/bench/codec-compare.ts
// The library's two forms of a plain JSON value side by side, in one process: MessagePack (with the
// plain-JSON check the library makes first) against JSON text, to encode and to decode. Prints the
// time of each as a ratio to JSON's, for four kinds of value.

const packr = new Packr({ useRecords: false, mapsAsObjects: true });
const POOL = 256;

const kinds: Record<string, unknown[]> = {
  "benchmark records": Array.from({ length: POOL }, (_, i) => valueOf(1, i)),
  "small objects": Array.from({ length: POOL }, (_, i) => ({ id: i, name: `user${i}`, ok: true })),
  "arrays of numbers": Array.from({ length: POOL }, (_, i) => Array.from({ length: 50 }, (_, j) => i * j + 0.5)),
  strings: Array.from({ length: POOL }, (_, i) => "x".repeat(100 + i)),
};

for (const [kind, values] of Object.entries(kinds)) {
  const packed = values.map((v) => packr.pack(v).slice());
  const text = values.map((v) => Buffer.from(JSON.stringify(v)));
  for (let i = 0; i < POOL; i++) {
    if (JSON.stringify(packr.unpack(packed[i]!)) !== text[i]!.toString()) throw new Error(`${kind} ${i}: forms differ`);
  }
  const encodePack = microseconds((i) => isPlainJson(values[i]) && packr.pack(values[i]), POOL);
  const encodeJson = microseconds((i) => Buffer.from(JSON.stringify(values[i])), POOL);
  const decodePack = microseconds((i) => packr.unpack(packed[i]!), POOL);
  const decodeJson = microseconds((i) => JSON.parse(text[i]!.toString("utf8")), POOL);
  console.log(
    `${kind.padEnd(18)} encode ${(encodePack / encodeJson).toFixed(2)}x JSON's time (${encodePack.toFixed(2)} vs ${encodeJson.toFixed(2)} us), ` +
      `decode ${(decodePack / decodeJson).toFixed(2)}x (${decodePack.toFixed(2)} vs ${decodeJson.toFixed(2)} us)`,
  );
}
