// An application may keep its own databases with stock lmdb-js in the process that uses this cache.
// The two carry different LMDBs (stock lmdb-js its 0.9.90 fork, the cache's engine 0.9.29, with
// other struct layouts) and lmdb-js shares state between its copies through process-wide globals
// and exit hooks: if the engine took part, one addon would read the other's environments, or one's
// exit hook close the other's. Stock lmdb-js is never pointed at the cache's directory here: it
// crashes on that format, which is a matter of file formats, not of the two living side by side.
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { ENGINE_BUILD } from "./engine/index.ts";
import { fixture, tempDir } from "./test-support.ts";

describe("an application's own lmdb-js in the same process", () => {
  it("and the cache leave each other alone: loaded first or second, in the main thread or worker threads, at exit", async () => {
    const dir = tempDir();
    const cachePath = join(dir, "cache");
    // execa rejects unless the child exits 0: both engines' exit hooks ran without a crash.
    const child = await execa("node", ["--import", "tsx", fixture("neighbours.ts"), join(dir, "app"), cachePath]);
    expect(child.stderr).toBe("");
    const result = JSON.parse(child.stdout);
    // Each is still its own LMDB: neither addon was swapped for the other.
    expect(result.stock).toBe("LMDB 0.9.90: (May 1, 2017)");
    expect(result.engine).toContain(ENGINE_BUILD);
    expect(result.engine).toMatch(/^LMDB 0\.9\.29:/);
    expect(result).toMatchObject({
      cacheRight: 1000,
      appRightAfterCache: 1000,
      appRightAsync: 1000,
      appRightAfterMore: 2000,
      cacheRightAfterMore: 2000,
      mainOnCache: { ran: true, wrong: 0 },
      mainOnApp: { ran: true, wrong: 0 },
      threads: { app: { right: 300, errors: [] }, cacheThenApp: { right: 300, errors: [] } },
      threadWritesSeen: { app: 300, cache: 300 },
      appRightReopened: 2000,
    });
    // Both files hold everything for a later process, down to what was written just before the exit.
    const later = await execa("node", ["--import", "tsx", fixture("neighbours.ts"), "read", join(dir, "app")]);
    expect(JSON.parse(later.stdout)).toEqual({ right: 2000, atExit: "app", cacheThenApp: true });
    const cache = await openLmdbCache<string>({ path: cachePath });
    expect(await cache.get("k1999")).toBe("cache value 1999");
    expect(await cache.get("thread299")).toBe("cache value 299");
    expect(await cache.get("at exit")).toBe("cache");
    expect(await cache.get("cache-then-app")).toBe("cache value 0");
    let entries = 0;
    for await (const _ of cache.entries()) entries++;
    // 2,000 from the main thread, 300 and "cache-then-app" from the worker thread, "main" and "at exit".
    expect(entries).toBe(2303);
    await cache.close();
  });
});
