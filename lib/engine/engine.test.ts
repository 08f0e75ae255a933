import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { checkEngine, ENGINE_BUILD, loadedEngine } from "./engine.ts";

describe("storage engine check", () => {
  it("accepts the build this process loaded, which names itself", () => {
    expect(() => checkEngine()).not.toThrow();
    expect(loadedEngine()?.versionString).toContain(ENGINE_BUILD);
  });

  it("expects the name the build script gives", () => {
    const script = readFileSync(new URL("./build-engine.mjs", import.meta.url), "utf8");
    expect(script).toContain(`export const ENGINE_BUILD = ${JSON.stringify(ENGINE_BUILD)};`);
  });

  it.each([
    ["lmdb-js's prebuilt LMDB 0.9.90", { major: 0, minor: 9, patch: 90, versionString: "LMDB 0.9.90" }],
    ["an unpatched LMDB 0.9.29", { major: 0, minor: 9, patch: 29, versionString: "LMDB 0.9.29: (March 16, 2021)" }],
    ["an older build of this package", { major: 0, minor: 9, patch: 29, versionString: "LMDB 0.9.29: (March 16, 2021; @promethean/lmdb-cache build 1)" }],
    ["another release", { major: 0, minor: 9, patch: 31 }],
    ["no version at all", undefined],
  ])("refuses %s with CACHE_ENGINE and says how to build the right one", (_, version) => {
    expect(() => checkEngine(version ?? ({} as never))).toThrowError(expect.objectContaining({ code: "CACHE_ENGINE", message: expect.stringContaining("build-engine.mjs") }));
  });
});
