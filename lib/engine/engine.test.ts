import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkEngine, ENGINE_BUILD, loadEngine } from "./index.ts";
import { addonCandidates } from "./load-addon.mjs";

const patches = (set: string) => new URL(`./patches/${set}/`, import.meta.url);

describe("storage engine", () => {
  it("loads this package's build, which names itself", async () => {
    const engine = await loadEngine();
    expect(() => checkEngine(engine.version)).not.toThrow();
    expect(engine.version.versionString).toContain(ENGINE_BUILD);
  });

  it("expects the name the version patch writes into LMDB", () => {
    const dir = patches("lmdb");
    const versionPatch = readdirSync(dir).filter((name) => readFileSync(new URL(name, dir), "utf8").includes("MDB_VERSION_DATE"));
    expect(versionPatch).toHaveLength(1);
    expect(readFileSync(new URL(versionPatch[0]!, dir), "utf8")).toContain(`; ${ENGINE_BUILD}"`);
  });

  it("keeps its process-wide hooks under names of this build", () => {
    const text = readdirSync(patches("lmdb-js"))
      .map((name) => readFileSync(new URL(name, patches("lmdb-js")), "utf8"))
      .join("\n");
    const build = ENGINE_BUILD.replace(/^.* build /, "build");
    expect(text).toContain(`__lmdb_cache_${build}_envs__`);
    expect(text).toContain(`__lmdb_cache_${build}_read_callback`);
  });

  it("looks for its addon in this package only", () => {
    const candidates = addonCandidates("/pkg/dist/engine");
    expect(candidates.every((file) => file.startsWith(join("/pkg/dist/engine")))).toBe(true);
  });

  it.each([
    ["lmdb-js's prebuilt LMDB 0.9.90", { major: 0, minor: 9, patch: 90, versionString: "LMDB 0.9.90" }],
    ["an unpatched LMDB 0.9.29", { major: 0, minor: 9, patch: 29, versionString: "LMDB 0.9.29: (March 16, 2021)" }],
    ["an older build of this package", { major: 0, minor: 9, patch: 29, versionString: "LMDB 0.9.29: (March 16, 2021; @promethean/lmdb-cache build 2)" }],
    ["another release", { major: 0, minor: 9, patch: 31 }],
    ["no version at all", undefined],
  ])("refuses %s with CACHE_ENGINE", (_, version) => {
    expect(() => checkEngine(version)).toThrowError(expect.objectContaining({ code: "CACHE_ENGINE" }));
  });
});
