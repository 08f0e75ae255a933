// The `mode` option: a cache holds the application's data, so its files are private to their owner
// unless the application asks otherwise, whatever the umask; a cache shared by a group gets exactly
// the mode asked for, which the umask would otherwise narrow. An existing cache keeps its mode, and a
// mode that is not plain permission bits letting the owner read and write is refused before
// anything is created.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { type CacheOptions, isCacheError, openLmdbCache } from "./index.ts";
import { fixture, tempDir } from "./test-support.ts";

type Modes = { dir: string; data: string; lock: string };

/** Runs the mode fixture in a child, where the umask can be set without touching this process. */
const run = async (...args: string[]) => JSON.parse((await execa("node", ["--import", "tsx", fixture("mode.ts"), ...args])).stdout);
const open = (umask: string, path: string, mode?: string): Promise<Modes> => run("open", umask, path, ...(mode ? [mode] : []));

const PRIVATE: Modes = { dir: "700", data: "600", lock: "600" };

describe("mode", () => {
  it("makes a new cache private to its owner by default, even under umask 0", async () => {
    expect(await open("0", join(tempDir(), "cache"))).toEqual(PRIVATE);
  });

  it("gives a new cache exactly the mode asked for, the umask notwithstanding, with search permission where read is granted", async () => {
    expect(await open("022", join(tempDir(), "cache"), "660")).toEqual({ dir: "770", data: "660", lock: "660" });
    expect(await open("077", join(tempDir(), "cache"), "640")).toEqual({ dir: "750", data: "640", lock: "640" });
  });

  it("leaves an existing cache's mode as it is when it is reopened with another", async () => {
    const made = join(tempDir(), "private");
    expect(await open("0", made)).toEqual(PRIVATE);
    expect(await open("0", made, "666")).toEqual(PRIVATE);
    const shared = join(tempDir(), "shared");
    expect(await open("0", shared, "660")).toEqual({ dir: "770", data: "660", lock: "660" });
    expect(await open("0", shared)).toEqual({ dir: "770", data: "660", lock: "660" });
  });

  it.each([
    ["owner read only", 0o400],
    ["owner write only", 0o200],
    ["sticky bit", 0o1777],
    ["setuid bit", 0o4600],
    ["negative", -1],
    ["fraction", 1.5],
    ["NaN", Number.NaN],
    ["string", "600"],
  ])("refuses a mode that is not the owner's read and write plus permission bits (%s), creating nothing", async (_, mode) => {
    const path = join(tempDir(), "parent", "cache");
    const error = await openLmdbCache({ path, mode } as unknown as CacheOptions).then(
      (cache) => cache.close().then(() => "opened"),
      (error: unknown) => error,
    );
    expect(isCacheError(error, "CACHE_INVALID_OPTION"), String(error)).toBe(true);
    expect(existsSync(join(path, ".."))).toBe(false);
  });

  it("keeps migrateFromLevel's staging copy private too, under umask 0", async () => {
    const { staging, target } = await run("migrate", "0", tempDir());
    // Seen: the fixture looked while the migration was scanning into it.
    expect(staging).toEqual(PRIVATE);
    expect(target).toEqual(PRIVATE);
  });
});
