#!/usr/bin/env node
// Builds the storage engine from a source checkout (run by `pnpm install` as `prepare`, and at
// pack time with --prebuild):
// 1. lays out lmdb-js's sources (the `lmdb` devDependency, pinned) with the LMDB 0.9.29 it
//    carries as its "data v1" build, lz4 and node-addon-api's headers, in a scratch directory;
// 2. applies this package's patches in order (patches/lmdb-js to lmdb-js, patches/lmdb to LMDB);
// 3. bundles lmdb-js's JavaScript, with load-addon.mjs as its addon loader, into
//    dist/engine/lmdb-js.mjs: one file, loaded only by this package, looking for the addon in
//    dist/engine only;
// 4. copies the C and C++ sources with binding.gyp to dist/engine/src (the package carries them,
//    so that platforms without a prebuilt binary build at install) and compiles them there;
// 5. with --prebuild, copies the binary to dist/engine/prebuilds/<platform>-<arch>/, which the
//    package carries so that installing on that platform needs no compiler and no install script.
// Each step is skipped when its inputs have not changed since the last build (a stamp file).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileEngine, ENGINE_DIR } from "./install.mjs";
import { compiledAddon, prebuiltAddon } from "./load-addon.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const LIBLMDB = "dependencies/lmdb-data-v1/libraries/liblmdb";

/** The installed directory of a package, found from its entry point. */
function packageDir(name, from = require) {
  let dir = dirname(from.resolve(name));
  while (!existsSync(join(dir, "package.json")) || JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name !== name) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${name} package`);
    dir = parent;
  }
  return dir;
}

function patchFiles(set) {
  const dir = join(HERE, "patches", set);
  return readdirSync(dir)
    .filter((name) => name.endsWith(".patch"))
    .sort()
    .map((name) => join(dir, name));
}

/** What the engine is made of: a new value means a new build. */
function inputsDigest(lmdbDir) {
  const hash = createHash("sha256");
  hash.update(readFileSync(join(lmdbDir, "package.json")));
  for (const file of [...patchFiles("lmdb-js"), ...patchFiles("lmdb"), join(HERE, "binding.gyp"), join(HERE, "load-addon.mjs"), fileURLToPath(import.meta.url)]) {
    hash.update(file.slice(HERE.length)).update(readFileSync(file));
  }
  hash.update(process.versions.napi ?? "").update(process.platform).update(process.arch);
  return hash.digest("hex");
}

/** Applies patches with git, outside any repository, so paths resolve against `dir` alone. */
function applyPatches(dir, patches, subdir) {
  for (const patch of patches) {
    const args = ["apply", "-p1", "--whitespace=nowarn"];
    if (subdir) args.push(`--directory=${subdir}`);
    const run = spawnSync("git", [...args, patch], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(dir) },
    });
    if (run.status !== 0) throw new Error(`patch ${patch} does not apply: ${run.stderr || run.error}`);
  }
}

function layOutSources(lmdbDir, scratch) {
  const copy = (from, to = from) => cpSync(join(lmdbDir, from), join(scratch, to), { recursive: true });
  for (const name of readdirSync(join(lmdbDir, "src"))) if (name !== "windows.c") copy(join("src", name));
  for (const name of ["index.js", "node-index.js", "native.js", "open.js", "read.js", "write.js", "keys.js", "caching.js", "level.js", "util/when.js", "LICENSE"]) copy(name);
  for (const name of ["mdb.c", "midl.c", "lmdb.h", "midl.h", "LICENSE", "COPYRIGHT"]) copy(join(LIBLMDB, name));
  for (const name of ["lib/lz4.c", "lib/lz4.h", "LICENSE"]) copy(join("dependencies/lz4", name));
  const addonApi = packageDir("node-addon-api", createRequire(join(lmdbDir, "package.json")));
  for (const name of ["napi.h", "napi-inl.h", "napi-inl.deprecated.h", "LICENSE.md"]) {
    cpSync(join(addonApi, name), join(scratch, "node-addon-api", name));
  }
  copyFileSync(join(HERE, "load-addon.mjs"), join(scratch, "load-addon.js"));
  copyFileSync(join(HERE, "binding.gyp"), join(scratch, "binding.gyp"));
  applyPatches(scratch, patchFiles("lmdb-js"));
  applyPatches(scratch, patchFiles("lmdb"), LIBLMDB);
}

async function bundleJs(lmdbDir, scratch, outFile) {
  const { build } = await import("esbuild");
  // lmdb-js's own dependencies (ordered-binary, weak-lru-cache, ...) resolve from its install.
  const nodePaths = [join(lmdbDir, "node_modules"), dirname(lmdbDir)];
  await build({
    entryPoints: [join(scratch, "node-index.js")],
    outfile: outFile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    nodePaths,
    // Shared with the library, which depends on it too, through its pure JavaScript entry: the main
    // entry also loads a native helper that only slows every start (lib/codec.ts). lmdb-js imports
    // it for its MessagePack encoding, which the engine is never opened with (binary only).
    plugins: [
      {
        name: "msgpackr-without-native-helper",
        setup(context) {
          context.onResolve({ filter: /^msgpackr$/ }, () => ({ path: "msgpackr/pack", external: true }));
        },
      },
    ],
    legalComments: "eof",
    logLevel: "error",
  });
}

export async function buildEngine({ prebuild = false, force = false } = {}) {
  const lmdbDir = packageDir("lmdb");
  const stampFile = join(ENGINE_DIR, "build-stamp.json");
  const digest = inputsDigest(lmdbDir);
  const sourceDir = join(ENGINE_DIR, "src");
  const addon = compiledAddon(ENGINE_DIR);
  const fresh = !force && existsSync(stampFile) && JSON.parse(readFileSync(stampFile, "utf8")).digest === digest && existsSync(addon);
  if (!fresh) {
    const scratch = mkdtempSync(join(tmpdir(), "lmdb-cache-engine-"));
    try {
      layOutSources(lmdbDir, scratch);
      rmSync(ENGINE_DIR, { recursive: true, force: true });
      mkdirSync(ENGINE_DIR, { recursive: true });
      await bundleJs(lmdbDir, scratch, join(ENGINE_DIR, "lmdb-js.mjs"));
      mkdirSync(sourceDir);
      for (const name of ["binding.gyp", "src", "dependencies", "node-addon-api", "LICENSE"]) {
        cpSync(join(scratch, name), join(sourceDir, name === "LICENSE" ? "LICENSE-lmdb-js" : name), { recursive: true });
      }
      compileEngine(sourceDir);
      writeFileSync(stampFile, `${JSON.stringify({ digest }, null, 2)}\n`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  if (prebuild) {
    const target = prebuiltAddon(ENGINE_DIR);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(addon, target);
  }
  return { built: !fresh };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  buildEngine({ prebuild: process.argv.includes("--prebuild"), force: process.argv.includes("--force") }).then(
    ({ built }) => {
      if (built) console.log(`storage engine built in ${ENGINE_DIR} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    },
    (error) => {
      console.error(`building the storage engine failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
