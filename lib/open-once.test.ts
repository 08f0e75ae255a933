// One LMDB environment per data file per process: whatever names a directory (absolute, relative,
// a symlink), from the main thread or worker threads, through one copy of the engine or two.
import { copyFileSync, mkdirSync, symlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { compiledAddon } from "./engine/load-addon.mjs";
import { descriptorsOn } from "./fixtures/descriptors.ts";
import { openLmdbCache } from "./index.ts";
import { fixture, tempDir } from "./test-support.ts";

const ENGINE = fileURLToPath(new URL("../dist/engine/", import.meta.url));
const run = async (name: string, args: string[]) => JSON.parse((await execa("node", ["--import", "tsx", fixture(name), ...args])).stdout);

describe("one environment per data file per process", () => {
  it("shares it among an absolute path, a relative path and a symlink, each seeing the others' writes", async () => {
    const dir = tempDir();
    const path = join(dir, "cache");
    const link = join(dir, "link");
    const absolute = await openLmdbCache<string>({ path });
    symlinkSync(path, link);
    const viaLink = await openLmdbCache<string>({ path: link });
    const viaRelative = await openLmdbCache<string>({ path: relative(process.cwd(), path) });
    await absolute.set("a", "absolute");
    await viaLink.set("b", "link");
    await viaRelative.set("c", "relative");
    for (const cache of [absolute, viaLink, viaRelative]) {
      expect([await cache.get("a"), await cache.get("b"), await cache.get("c")]).toEqual(["absolute", "link", "relative"]);
    }
    expect(descriptorsOn(join(path, "data.mdb"))).toBe(1);
    // Closing in any order leaves the others working until the last closes.
    await viaLink.close();
    await absolute.set("a", "again");
    expect(await viaRelative.get("a")).toBe("again");
    await absolute.close();
    await viaRelative.close();
    expect(descriptorsOn(join(path, "data.mdb"))).toBe(0);
  });

  it("shares it with worker threads that open and close the cache the main thread holds, under any name", async () => {
    const dir = tempDir();
    const path = join(dir, "cache");
    await openLmdbCache({ path }).then((cache) => cache.close());
    symlinkSync(path, join(dir, "link"));
    const result = await run("threads.ts", [path, "60", path, join(dir, "link"), join(dir, ".", "cache")]);
    expect(result.mainErrors).toEqual([]);
    expect(result.threads.map((t: { errors: string[] }) => t.errors)).toEqual([[], [], []]);
    expect(result.writes).toBeGreaterThan(0);
    expect(result.descriptors).toBe(1);
    // The main thread's last write is there for every other process.
    const cache = await openLmdbCache<number>({ path });
    expect(await cache.get("main")).toBe(result.writes);
    for (const i of [0, 1, 2]) expect(await cache.get(`thread${i}`)).toBe(59);
    await cache.close();
  });

  it("shares it with other copies of the engine that see its list of environments, and refuses one that cannot", async () => {
    // Copies of the engine (bundle and addon) elsewhere, as further installed copies of the package.
    const root = tempDir();
    const copies = ["b", "c"].map((name) => {
      const copy = join(root, name);
      mkdirSync(dirname(compiledAddon(copy)), { recursive: true });
      copyFileSync(join(ENGINE, "lmdb-js.mjs"), join(copy, "lmdb-js.mjs"));
      copyFileSync(compiledAddon(ENGINE), compiledAddon(copy));
      return join(copy, "lmdb-js.mjs");
    });
    // Their one external import, msgpackr, resolves from the repository's packages.
    symlinkSync(fileURLToPath(new URL("../node_modules", import.meta.url)), join(root, "node_modules"));
    const result = await run("engine-copy.ts", [join(tempDir(), "cache"), ...copies]);
    expect(result).toEqual({
      sameThread: "shared",
      descriptorsAfterSameThread: 1,
      otherThreadSameCopy: "shared",
      // Its own list does not hold the cache: opening the file a second time would break LMDB's locks.
      otherThreadOwnCopy: "refused 16",
      mainReads: 2,
      descriptors: 1,
    });
  });

  it("lets a child started by a process that holds the cache open its own, with nothing inherited", async () => {
    const path = tempDir();
    const cache = await openLmdbCache<string>({ path });
    await cache.set("parent", "here");
    // A child started now holds no descriptor of the cache's files (LMDB opens them close-on-exec)...
    const idle = execa("node", ["-e", "setInterval(() => {}, 1000)"]);
    await new Promise((resolve) => idle.once("spawn", resolve));
    const inherited = ["data.mdb", "lock.mdb"].map((name) => descriptorsOn(join(path, name), idle.pid!));
    idle.kill();
    await idle.catch(() => undefined);
    expect(inherited).toEqual([0, 0]);
    // ...and one that opens the cache has its own environment, beside the parent's.
    await execa("node", ["--import", "tsx", fixture("writer.ts"), path, "set", "child", '"there"']);
    expect(await cache.get("child")).toBe("there");
    expect(await cache.get("parent")).toBe("here");
    await cache.close();
  });
});
