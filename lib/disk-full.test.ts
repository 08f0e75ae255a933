import { statSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { fixture, tempDir } from "./test-support.ts";

const MiB = 1024 * 1024;

describe("disk full", () => {
  // Commits write into a shared writable map. LMDB 0.9.29 would stretch the file to the whole map
  // (256 GiB, sparse), and a page the disk had no room for would kill the process with SIGBUS.
  it("grows the data file with what is written, its blocks allocated, not to the map's size", async () => {
    const path = tempDir();
    const cache = await openLmdbCache<string>({ path });
    await cache.batch(Array.from({ length: 64 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: "x".repeat(16_000) })));
    const data = statSync(join(path, "data.mdb"));
    expect(data.size).toBeGreaterThan(MiB);
    expect(data.size).toBeLessThan(8 * MiB);
    // No holes: every byte of the file has its block on disk.
    expect(data.blocks * 512).toBeGreaterThanOrEqual(data.size);
    await cache.close();
  });

  it("fails a put with CACHE_FULL when the file can grow no more; the process lives on and loses nothing", { timeout: 60_000 }, async () => {
    const path = tempDir();
    const limitKiB = 4096;
    const child = await execa("bash", ["-c", `ulimit -f ${limitKiB} && exec node --import tsx "$0" "$1"`, fixture("fill.ts"), path]);
    const result = JSON.parse(child.stdout);
    expect(result).toMatchObject({ code: "CACHE_FULL", cause: constants.errno.EFBIG, afterDeletes: "stored" });
    // Near 4 MiB of 60 KB values (each on 15 pages), all of them read back whole.
    expect(result.acked).toBeGreaterThan(50);
    expect(result.readBack).toBe(result.acked);
    expect(statSync(join(path, "data.mdb")).size).toBeLessThanOrEqual(limitKiB * 1024);
    // And another process reads it all.
    const cache = await openLmdbCache<string>({ path });
    expect(await cache.get(`k${result.acked - 1}`)).toBe(`${result.acked - 1}:`.padEnd(60_000, "v"));
    expect(await cache.get("small")).toBe("s");
    await cache.close();
  });
});
