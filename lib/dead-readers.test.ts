import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { acquireEnv, releaseEnv } from "./env.ts";
import { openLmdbCache } from "./index.ts";
import { fixture, tempDir } from "./test-support.ts";

describe("dead readers", () => {
  it("clears the snapshot of a reader killed mid-scan once writers go on, so pages can be reused", async () => {
    const path = tempDir();
    const cache = await openLmdbCache({ path });
    await cache.set("k", 0);
    const child = execa("node", ["--import", "tsx", fixture("writer.ts"), path, "hold"], { reject: false });
    await new Promise<void>((resolve) => child.stdout!.on("data", (chunk: Buffer) => chunk.includes("holding") && resolve()));
    const pid = String(child.pid);
    child.kill("SIGKILL");
    await child;
    const env = await acquireEnv(path, "process");
    const listed = () => env.db.readerList().split("\n").some((line) => line.trim().split(/\s+/)[0] === pid);
    expect(listed()).toBe(true);
    const start = performance.now();
    for (let i = 0; performance.now() - start < 1200; i++) {
      await cache.set("k", i);
      if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(listed()).toBe(false);
    await releaseEnv(env);
    await cache.close();
  });
});
