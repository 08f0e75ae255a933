import * as lmdb from "lmdb";
import { CacheError } from "./errors.ts";

// lmdb-js's prebuilt binary carries its LMDB 0.9.90 fork, whose free-page list breaks when several
// processes write: a writer fails with MDB_BAD_VALSIZE or crashes, and acknowledged writes go missing
// when processes are killed (harness/engine/free-list-repro.ts). This library runs only on lmdb-js
// rebuilt with its bundled LMDB 0.9.29, which the package's install step makes (lib/build-engine.mjs).

export type EngineVersion = { major: number; minor: number; patch: number; versionString?: string };

const REQUIRED = { major: 0, minor: 9, patch: 29 };

/** The LMDB inside the native addon lmdb-js loaded (lmdb-js exports it untyped). */
export function loadedEngine(): EngineVersion | undefined {
  return (lmdb as { version?: EngineVersion }).version;
}

/** Throws CACHE_ENGINE unless lmdb-js runs LMDB 0.9.29. */
export function checkEngine(version: EngineVersion | undefined = loadedEngine()): void {
  if (version?.major === REQUIRED.major && version.minor === REQUIRED.minor && version.patch === REQUIRED.patch) return;
  const found = version?.versionString ?? (version ? `${version.major}.${version.minor}.${version.patch}` : "unknown");
  throw new CacheError(
    "CACHE_ENGINE",
    `lmdb-js runs ${found}, not LMDB 0.9.29, which is unsafe with several writing processes; ` +
      "run `node node_modules/@promethean/lmdb-cache/lib/build-engine.mjs` (needs a C compiler and Node's headers)",
  );
}
