#!/usr/bin/env node
// Builds lmdb-js's native addon against its bundled LMDB 0.9.29 (lmdb-js's LMDB_DATA_V1 build) in
// place of the prebuilt binary, whose LMDB 0.9.90 fork corrupts its free-page list when several
// processes write (harness/engine/free-list-repro.ts shows it). lmdb-js loads build/Release before
// its prebuilds, so nothing else changes. Runs at install; idempotent; needs a C compiler, make,
// python3 and Node's headers (or network access for node-gyp to fetch them).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const ENGINE = "lmdb-data-v1";

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

export function buildEngine({ force = false } = {}) {
  const require = createRequire(import.meta.url);
  const lmdbDir = packageDir(require, "lmdb");
  const { version } = JSON.parse(readFileSync(join(lmdbDir, "package.json"), "utf8"));
  const stamp = join(lmdbDir, "build", "lmdb-cache-engine.json");
  const wanted = JSON.stringify({ engine: ENGINE, lmdb: version, node: process.versions.modules });
  if (!force && existsSync(join(lmdbDir, "build/Release/lmdb.node")) && existsSync(stamp) && readFileSync(stamp, "utf8") === wanted) {
    return { built: false, lmdbDir };
  }
  const args = [nodeGyp(require), "rebuild"];
  // Node's own headers, when installed beside it, spare node-gyp a download.
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, "include/node/node_api.h"))) args.push(`--nodedir=${prefix}`);
  const run = spawnSync(process.execPath, args, {
    cwd: lmdbDir,
    env: { ...process.env, LMDB_DATA_V1: "true" },
    encoding: "utf8",
  });
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    throw new Error(`building lmdb-js with LMDB 0.9.29 failed in ${lmdbDir} (exit ${run.status ?? run.signal})`);
  }
  writeFileSync(stamp, wanted);
  return { built: true, lmdbDir };
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
