import { describe, expect, it } from "vitest";
import { checkEngine } from "./engine.ts";

describe("storage engine check", () => {
  it("accepts the LMDB 0.9.29 build this process loaded", () => {
    expect(() => checkEngine()).not.toThrow();
  });

  it.each([
    ["lmdb-js's prebuilt LMDB 0.9.90", { major: 0, minor: 9, patch: 90, versionString: "LMDB 0.9.90" }],
    ["another release", { major: 0, minor: 9, patch: 31 }],
    ["no version at all", undefined],
  ])("refuses %s with CACHE_ENGINE and says how to build the right one", (_, version) => {
    expect(() => checkEngine(version ?? ({} as never))).toThrowError(expect.objectContaining({ code: "CACHE_ENGINE", message: expect.stringContaining("build-engine.mjs") }));
  });
});
