import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { tempDir } from "./test-support.ts";

async function filledCache(): Promise<{ path: string; bytes: Buffer }> {
  const path = tempDir();
  const cache = await openLmdbCache({ path });
  await cache.batch(Array.from({ length: 500 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: "v".repeat(200) })));
  await cache.close();
  return { path, bytes: readFileSync(join(path, "data.mdb")) };
}

// Each of these crashed the process inside lmdb-js before the header check.
const damages: Array<[string, (bytes: Buffer) => Buffer]> = [
  ["garbage throughout", (b) => Buffer.alloc(b.length, 0xab)],
  ["first meta page overwritten", (b) => Buffer.concat([Buffer.alloc(4096, 0xab), b.subarray(4096)])],
  ["second meta page overwritten", (b) => Buffer.concat([b.subarray(0, 4096), Buffer.alloc(4096, 0), b.subarray(8192)])],
  ["version changed", (b) => { const c = Buffer.from(b); c.writeUInt32LE(3, 20); return c; }],
  ["page size damaged", (b) => { const c = Buffer.from(b); c.writeUInt32LE(1000, 40); return c; }],
  ["truncated to its header", (b) => b.subarray(0, 100)],
  ["truncated mid-file", (b) => b.subarray(0, 10_000)],
];

describe("data file check", () => {
  it.each(damages)("reports CACHE_CORRUPT for a data file with its %s, without crashing", async (_, damage) => {
    const { path, bytes } = await filledCache();
    writeFileSync(join(path, "data.mdb"), damage(bytes));
    await expect(openLmdbCache({ path })).rejects.toMatchObject({ code: "CACHE_CORRUPT" });
  });

  it("opens a file that ends before the meta's last page, as LMDB leaves it when free pages were never written", async () => {
    const { path, bytes } = await filledCache();
    const patched = Buffer.from(bytes);
    for (const meta of [0, 4096]) patched.writeBigUInt64LE(BigInt(bytes.length / 4096 + 3), meta + 136);
    writeFileSync(join(path, "data.mdb"), patched);
    const cache = await openLmdbCache({ path });
    expect(await cache.get("k499")).toBe("v".repeat(200));
    await cache.close();
  });

  it("reports CACHE_INCOMPATIBLE for a file of lmdb-js's prebuilt LMDB 0.9.90 (data version 2)", async () => {
    const path = tempDir();
    const page = Buffer.alloc(8192);
    for (const meta of [0, 4096]) {
      page.writeUInt32LE(0xbeefc0de, meta + 24);
      page.writeUInt32LE(2, meta + 28);
    }
    writeFileSync(join(path, "data.mdb"), page);
    await expect(openLmdbCache({ path })).rejects.toMatchObject({ code: "CACHE_INCOMPATIBLE" });
  });

  it("opens an intact file and an empty one", async () => {
    const { path } = await filledCache();
    const cache = await openLmdbCache({ path });
    expect(await cache.get("k1")).toBe("v".repeat(200));
    await cache.close();
    const empty = tempDir();
    writeFileSync(join(empty, "data.mdb"), Buffer.alloc(0));
    await (await openLmdbCache({ path: empty })).close();
  });
});
