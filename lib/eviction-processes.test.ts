import { statSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { fixture, tempDir } from "./test-support.ts";

const BOUND = 2 * 1024 * 1024;
const WRITERS = 3;

describe("eviction across processes", () => {
  it("keeps the pages in use within the bound while three processes write three times it at once: each put is checked inside its transaction", async () => {
    const path = tempDir();
    const cache = await openLmdbCache<string>({ path, maxSizeBytes: BOUND });
    const size = 1000;
    const count = Math.ceil((3 * BOUND) / size / WRITERS);
    const writers = ["a", "b", "c"].map((prefix) =>
      execa("node", ["--import", "tsx", fixture("evicting-writer.ts"), path, prefix, String(count), String(size), String(BOUND)]),
    );
    let most = 0;
    let samples = 0;
    let running = true;
    const done = Promise.all(writers).finally(() => (running = false));
    while (running) {
      most = Math.max(most, (await cache.stats()).bytes);
      samples++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const { stdout } of await done) expect(stdout).toBe("opened\ndone");
    expect(samples).toBeGreaterThan(5);
    expect(most).toBeLessThanOrEqual(BOUND);
    const { bytes, entries } = await cache.stats();
    expect(bytes).toBeLessThanOrEqual(BOUND);
    expect(entries * size).toBeGreaterThan(BOUND * 0.3);
    await cache.close();
  });

  it("keeps the data file to a few times the bound while three processes write six times it at once (median of three runs)", async () => {
    const size = 1000;
    const count = Math.ceil((6 * BOUND) / size / WRITERS);
    const files: number[] = [];
    for (let run = 0; run < 3; run++) {
      const path = tempDir();
      const writers = ["a", "b", "c"].map((prefix) =>
        execa("node", ["--import", "tsx", fixture("evicting-writer.ts"), path, prefix, String(count), String(size), String(BOUND)]),
      );
      for (const { stdout } of await Promise.all(writers)) expect(stdout).toBe("opened\ndone");
      files.push(statSync(join(path, "data.mdb")).size);
    }
    // Freed pages are reused only once no snapshot older than their freeing is held: one process's
    // snapshot kept across its writes (by the size check's stats, or a get's) let the file reach 5 to 7
    // times the bound here in every run. With snapshots released as soon as they are read, it ends
    // between 1.5 and 4.5 times it on a quiet machine (2.2 to 2.6 on average over 20 runs) and up to 5.5
    // under load, by what the transient snapshots of the moment hold back: the median of three runs
    // tells the two apart where a single run may not.
    const median = [...files].sort((a, b) => a - b)[1]!;
    expect(median, `data.mdb: ${files.join(", ")} bytes for a ${BOUND}-byte bound`).toBeLessThanOrEqual(4 * BOUND);
  });
});
