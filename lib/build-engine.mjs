#!/usr/bin/env node
// Builds lmdb-js's native addon against its bundled LMDB 0.9.29 (lmdb-js's LMDB_DATA_V1 build) in
// place of the prebuilt binary, whose LMDB 0.9.90 fork corrupts its free-page list when several
// processes write (harness/engine/free-list-repro.ts shows it). lmdb-js loads build/Release before
// its prebuilds, so nothing else changes. Runs at install; idempotent; needs a C compiler, make,
// python3 and Node's headers (or network access for node-gyp to fetch them).
//
// The build is made from a patched copy of lmdb-js's source: in the 0.9.29 build, lmdb-js never
// registers an opened environment, so close() never calls mdb_env_close and every environment
// stays mapped with its files open for the life of the process. The patch registers it after the
// open, as lmdb-js's fork build does during it. The package's own files are left untouched (a
// package manager's store may share them between projects); only build/Release/lmdb.node is added.
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const ENGINE = "lmdb-data-v1+register-env";

const OPEN_CALL = "\trc = mdb_env_open(env, path, flags, permissionsMode);\n";
const REGISTER = `#ifndef MDB_OVERLAPPINGSYNC
\t// Added by @promethean/lmdb-cache: register the environment, so that close() really closes it.
\tif (rc == 0) {
\t\tmdb_filehandle_t fd;
\t\tif (mdb_env_get_fd(env, &fd) == 0)
\t\t\trc = checkExistingEnvs(fd, env);
\t}
#endif
`;

function packageDir(require, name) {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, "package.json")) || JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name !== name) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${name} package`);
    dir = parent;
  }
  return dir;
}

function nodeGyp(require) {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  try {
    return require.resolve("node-gyp/bin/node-gyp.js");
  } catch {
    const bundled = join(dirname(dirname(process.execPath)), "lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js");
    if (existsSync(bundled)) return bundled;
    throw new Error("node-gyp is not installed; install it (npm i -g node-gyp) and run this again");
  }
}

function patchSource(dir) {
  const file = join(dir, "src/env.cpp");
  const source = readFileSync(file, "utf8");
  if (source.split(OPEN_CALL).length !== 2) throw new Error(`${file} is not the lmdb-js source this build patches (lmdb-js was upgraded?)`);
  writeFileSync(file, source.replace(OPEN_CALL, OPEN_CALL + REGISTER));
}

export function buildEngine({ force = false } = {}) {
  const require = createRequire(import.meta.url);
  const lmdbDir = packageDir(require, "lmdb");
  const { version } = JSON.parse(readFileSync(join(lmdbDir, "package.json"), "utf8"));
  const target = join(lmdbDir, "build/Release/lmdb.node");
  const stamp = join(lmdbDir, "build/lmdb-cache-engine.json");
  const wanted = JSON.stringify({ engine: ENGINE, lmdb: version, node: process.versions.modules });
  if (!force && existsSync(target) && existsSync(stamp) && readFileSync(stamp, "utf8") === wanted) {
    return { built: false, lmdbDir };
  }
  const work = mkdtempSync(join(tmpdir(), "lmdb-cache-engine-"));
  try {
    const source = join(work, "lmdb");
    // Everything but the package's own build output, prebuilt binaries and nested dependencies.
    const skipped = new Set(["build", "node_modules", "prebuilds"].map((name) => join(lmdbDir, name)));
    cpSync(lmdbDir, source, { recursive: true, filter: (path) => !skipped.has(path) });
    patchSource(source);
    const args = [nodeGyp(require), "rebuild"];
    // Node's own headers, when installed beside it, spare node-gyp a download.
    const prefix = dirname(dirname(process.execPath));
    if (existsSync(join(prefix, "include/node/node_api.h"))) args.push(`--nodedir=${prefix}`);
    // binding.gyp asks node for node-addon-api's headers: found beside lmdb-js, wherever it is installed.
    const nodePath = [join(lmdbDir, "node_modules"), dirname(lmdbDir), process.env.NODE_PATH].filter(Boolean).join(":");
    const run = spawnSync(process.execPath, args, {
      cwd: source,
      env: { ...process.env, LMDB_DATA_V1: "true", NODE_PATH: nodePath },
      encoding: "utf8",
    });
    if (run.status !== 0) {
      process.stderr.write(run.stdout + run.stderr);
      throw new Error(`building lmdb-js with LMDB 0.9.29 failed (exit ${run.status ?? run.signal})`);
    }
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(source, "build/Release/lmdb.node"), target);
    writeFileSync(stamp, wanted);
    return { built: true, lmdbDir };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { built, lmdbDir } = buildEngine({ force: process.argv.includes("--force") });
    console.log(built ? `lmdb-js built with LMDB 0.9.29 in ${lmdbDir}` : `lmdb-js already built with LMDB 0.9.29 in ${lmdbDir}`);
  } catch (error) {
    console.error(`@promethean/lmdb-cache: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  }
}
