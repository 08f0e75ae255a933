import * as lmdb from "lmdb";
import { CacheError } from "./errors.ts";

// lmdb-js's prebuilt binary carries its LMDB 0.9.90 fork, whose free-page list breaks when several
// processes write: a writer fails with MDB_BAD_VALSIZE or crashes, and acknowledged writes go missing
// when processes are killed (harness/engine/free-list-repro.ts). This library runs only on lmdb-js
// rebuilt with its bundled LMDB 0.9.29 and this package's patches, which the package's install step
// makes (lib/build-engine.mjs). The build names itself in LMDB's version string.

export type EngineVersion = { major: number; minor: number; patch: number; versionString?: string };

/** The name lib/build-engine.mjs gives its build (ENGINE_BUILD there): change both together. */
export const ENGINE_BUILD = "@promethean/lmdb-cache build 2";

/** The LMDB inside the native addon lmdb-js loaded (lmdb-js exports it untyped). */
export function loadedEngine(): EngineVersion | undefined {
  return (lmdb as { version?: EngineVersion }).version;
}

function isRequired(version: EngineVersion | undefined): boolean {
  return (
    version?.major === 0 &&
    version.minor === 9 &&
    version.patch === 29 &&
    version.versionString?.includes(`; ${ENGINE_BUILD})`) === true
  );
}

/** How the engine names itself: LMDB's version string (with the build's name), else its numbers. */
export function engineName(version: EngineVersion | undefined = loadedEngine()): string {
  return version?.versionString ?? (version ? `${version.major}.${version.minor}.${version.patch}` : "unknown");
}

/** Throws CACHE_ENGINE unless lmdb-js runs this package's build of LMDB 0.9.29. */
export function checkEngine(version: EngineVersion | undefined = loadedEngine()): void {
  if (isRequired(version)) return;
  throw new CacheError(
    "CACHE_ENGINE",
    `lmdb-js runs ${engineName(version)}, not ${ENGINE_BUILD} of LMDB 0.9.29, which this cache needs (several writing processes, ` +
      "a writable map that cannot crash on a full disk); " +
      "run `node node_modules/@promethean/lmdb-cache/lib/build-engine.mjs` (needs a C compiler and Node's headers)",
  );
}
