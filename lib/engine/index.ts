import { CacheError } from "../errors.ts";
import type * as LmdbJs from "#engine";

// The storage engine is this package's own: lmdb-js's binding, bundled into dist/engine with an
// addon built from LMDB 0.9.29 and this package's patches (lib/engine/build.mjs; the patches and
// why each exists are in lib/engine/patches). It is loaded on the first open, not at import, so a
// missing build is a typed error of `open` rather than a failed import, and an application that
// never opens a cache never loads native code. Stock lmdb-js is not used: its prebuilt LMDB 0.9.90
// fork corrupts its free-page list when several processes write (harness/repro/free-list.ts). The
// engine is used with Buffer keys and values only (its types allow nothing else): bundled,
// lmdb-js's ordered-binary key path crashed the process while reading keys in getRange.

export type Engine = typeof LmdbJs;
export type { EngineVersion, RootDatabase, TreeStats } from "#engine";
type EngineVersion = LmdbJs.EngineVersion;

/** The name the engine's version patch writes into LMDB's version string (patches/lmdb). */
export const ENGINE_BUILD = "@promethean/lmdb-cache build 3";

let loading: Promise<Engine> | undefined;

/** The engine, loaded once per thread; rejects with CACHE_ENGINE when no usable build is there. */
export function loadEngine(): Promise<Engine> {
  loading ??= import("#engine").then(
    (engine) => {
      checkEngine(engine.version);
      return engine;
    },
    (error: unknown) => {
      loading = undefined;
      throw new CacheError("CACHE_ENGINE", `cannot load the storage engine: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    },
  );
  return loading;
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
export function engineName(version: EngineVersion | undefined): string {
  return version?.versionString ?? (version ? `${version.major}.${version.minor}.${version.patch}` : "unknown");
}

/** Throws CACHE_ENGINE unless the addon is this package's build of LMDB 0.9.29. */
export function checkEngine(version: EngineVersion | undefined): void {
  if (isRequired(version)) return;
  throw new CacheError(
    "CACHE_ENGINE",
    `the storage engine is ${engineName(version)}, not ${ENGINE_BUILD} of LMDB 0.9.29, which this cache needs; ` +
      "an older build was left in the package: reinstall the package",
  );
}
