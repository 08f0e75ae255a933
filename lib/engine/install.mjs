#!/usr/bin/env node
// The package's install step. Where the package carries a prebuilt engine for this platform
// (linux-x64 with glibc) that loads, it does nothing, so installing needs no compiler and works
// with install scripts switched off. Elsewhere it builds the engine from the patched sources the
// package carries (dist/engine/src), which needs a C++ compiler, make, python3 and Node's headers.
// Run by hand (`node .../lib/engine/install.mjs`), it is also the fix that CACHE_ENGINE names.
import { spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findAddon } from "./load-addon.mjs";

const require = createRequire(import.meta.url);
export const ENGINE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "engine");

/** node-gyp: the one npm configured, a local one, or the one npm carries. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  try {
    return require.resolve("node-gyp/bin/node-gyp.js");
  } catch {
    const bundled = join(dirname(dirname(process.execPath)), "lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js");
    if (existsSync(bundled)) return bundled;
    throw new Error("node-gyp is not installed: install it (npm i -g node-gyp) and run this again");
  }
}

/** Compiles the addon in `sourceDir` (binding.gyp and the patched sources) into its build/Release. */
export function compileEngine(sourceDir) {
  const args = [nodeGyp(), "rebuild"];
  // Node's own headers, when installed beside it, spare node-gyp a download.
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, "include/node/node_api.h"))) args.push(`--nodedir=${prefix}`);
  const run = spawnSync(process.execPath, args, { cwd: sourceDir, encoding: "utf8" });
  if (run.status !== 0) {
    throw new Error(`building the storage engine failed (exit ${run.status ?? run.signal}):\n${run.stdout}${run.stderr}`);
  }
}

function main() {
  if (!process.argv.includes("--force") && findAddon(ENGINE_DIR).file !== undefined) return;
  const sources = join(ENGINE_DIR, "src");
  // A source checkout has no built sources until its own build (pnpm install runs it as `prepare`).
  if (!existsSync(join(sources, "binding.gyp"))) return;
  compileEngine(sources);
  const { file, failures } = findAddon(ENGINE_DIR);
  if (file === undefined) throw new Error(`the engine was built but does not load: ${failures.join("; ")}`);
  console.log(`@promethean/lmdb-cache: storage engine built in ${sources}`);
}

const invoked = process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invoked) {
  try {
    main();
  } catch (error) {
    console.error(`@promethean/lmdb-cache: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
