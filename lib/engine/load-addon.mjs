// Loads this package's native engine: LMDB 0.9.29 with lmdb-js's binding, built by this package
// (lib/engine/build.mjs). It is placed beside lmdb-js's native.js when the engine is built, and
// native.js calls it with the directory of the bundle (dist/engine). It looks only at this
// package's own files: a prebuilt binary for the platform, then one built from source at install.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);

/** The prebuilt binary for this platform, which `pnpm pack` puts there (lib/engine/build.mjs). */
export const prebuiltAddon = (engineDir) => join(engineDir, "prebuilds", `${process.platform}-${process.arch}`, "lmdb-cache.napi.node");

/** The binary compiled from the package's sources (at install, or in a checkout). */
export const compiledAddon = (engineDir) => join(engineDir, "src", "build", "Release", "lmdb_cache.node");

/** Where the addon may be, best first. */
export const addonCandidates = (engineDir) => [prebuiltAddon(engineDir), compiledAddon(engineDir)];

/** The first addon that loads, with its file; or, when none does, why each one there failed. */
export function findAddon(engineDir) {
  const failures = [];
  for (const file of addonCandidates(engineDir)) {
    if (!existsSync(file)) continue;
    try {
      return { addon: require(file), file, failures };
    } catch (error) {
      // A prebuilt binary for another C library (musl) or an older Node fails here: try the next.
      failures.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { addon: undefined, file: undefined, failures };
}

export default function loadAddon(engineDir) {
  const { addon, failures } = findAddon(engineDir);
  if (addon !== undefined) return addon;
  const install = join(engineDir, "..", "..", "lib", "engine", "install.mjs");
  const error = new Error(
    `no usable build of the storage engine for ${process.platform}-${process.arch} ` +
      `(Node ${process.versions.node})${failures.length ? `: ${failures.join("; ")}` : ""}; ` +
      `build it with \`node ${JSON.stringify(install)}\` (needs a C++ compiler, make and python3)`,
  );
  error.code = "ENGINE_MISSING";
  throw error;
}
