// Loads this package's native engine: LMDB 0.9.29 with lmdb-js's binding, built by this package
// (lib/engine/build.mjs). It is placed beside lmdb-js's native.js when the engine is built, and
// native.js calls it with the directory of the bundle (dist/engine). It looks only at this
// package's own files: a prebuilt binary for the platform, then one built from source at install.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);

/** Where the addon may be, best first. Kept in step with lib/engine/build.mjs, which puts it there. */
export function addonCandidates(engineDir) {
  const platform = `${process.platform}-${process.arch}`;
  return [
    join(engineDir, "prebuilds", platform, "lmdb-cache.napi.node"),
    join(engineDir, "src", "build", "Release", "lmdb_cache.node"),
  ];
}

export default function loadAddon(engineDir) {
  const failures = [];
  for (const file of addonCandidates(engineDir)) {
    if (!existsSync(file)) continue;
    try {
      return require(file);
    } catch (error) {
      // A prebuilt binary for another C library (musl) or an older Node fails here: try the next.
      failures.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const install = join(engineDir, "..", "..", "lib", "engine", "install.mjs");
  const error = new Error(
    `no usable build of the storage engine for ${process.platform}-${process.arch} ` +
      `(Node ${process.versions.node})${failures.length ? `: ${failures.join("; ")}` : ""}; ` +
      `build it with \`node ${JSON.stringify(install)}\` (needs a C++ compiler, make and python3)`,
  );
  error.code = "ENGINE_MISSING";
  throw error;
}
