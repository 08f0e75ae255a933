#!/usr/bin/env node
// Builds lmdb-js's native addon against its bundled LMDB 0.9.29 (lmdb-js's LMDB_DATA_V1 build) in
// place of the prebuilt binary, whose LMDB 0.9.90 fork corrupts its free-page list when several
// processes write (harness/engine/free-list-repro.ts shows it). lmdb-js loads build/Release before
// its prebuilds, so nothing else changes. Runs at install; idempotent; needs a C compiler, make,
// python3 and Node's headers (or network access for node-gyp to fetch them).
//
// The build is made from a patched copy of lmdb-js's source. The package's own files are left
// untouched (a package manager's store may share them between projects); only
// build/Release/lmdb.node is added. The patches:
// - register: in the 0.9.29 build, lmdb-js never registers an opened environment, so close() never
//   calls mdb_env_close and every environment stays mapped with its files open for the life of the
//   process. The patch registers it after the open, as lmdb-js's fork build does during it.
// - cover: the cache writes through a writable map (MDB_WRITEMAP), four times faster per commit than
//   LMDB's copies and pwrite. LMDB 0.9.29 would stretch the data file to the whole map size at open
//   (a sparse file of 256 GiB), and a page of that sparse file that a full disk cannot hold kills the
//   process with SIGBUS when written. On Linux the patch leaves the file its size and allocates its
//   blocks (posix_fallocate) before a write transaction hands out a page past them, so a full disk
//   fails the write with ENOSPC.
// - version: the build names itself in LMDB's version string, which lib/engine.ts checks.
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Also in lib/engine.ts, which refuses any other build: change both together. */
export const ENGINE_BUILD = "@promethean/lmdb-cache build 2";

const LIBLMDB = "dependencies/lmdb-data-v1/libraries/liblmdb";

const REGISTER = `#ifndef MDB_OVERLAPPINGSYNC
\t// Added by @promethean/lmdb-cache: register the environment, so that close() really closes it.
\tif (rc == 0) {
\t\tmdb_filehandle_t fd;
\t\tif (mdb_env_get_fd(env, &fd) == 0)
\t\t\trc = checkExistingEnvs(fd, env);
\t}
#endif
`;

const COVER = `/* Added by @promethean/lmdb-cache. A page of a writable map past the end of the data file, or in
 * a hole of a sparse file that a full disk cannot fill, raises SIGBUS when written. So the file is
 * not stretched to the map size; before a write transaction hands out a page, the file's blocks up
 * to it are allocated, with a sixteenth of the file to spare when there is room, and a full disk
 * fails the write with ENOSPC. A process's first call allocates from the start of the file, filling
 * any hole a writer without a writable map left. Only the writer calls it, holding the write lock.
 * The failure is kept for the commit to report. */
#if defined(__linux__)
#define MDB_COVER_FILE 1
#define MDB_COVER_STEP ((size_t)1 << 20)
static int
mdb_fallocate(HANDLE fd, size_t from, size_t to)
{
\tint rc;
\tdo
\t\trc = posix_fallocate(fd, from, to - from);
\twhile (rc == EINTR);
\treturn rc;
}

static int
mdb_env_cover(MDB_env *env, size_t end)
{
\tstruct stat st;
\tsize_t target;
\tint rc;
\tif (end <= env->me_covered)
\t\treturn MDB_SUCCESS;
\tif (fstat(env->me_fd, &st))
\t\treturn env->me_cover_rc = ErrCode();
\ttarget = (end + ((size_t)st.st_size >> 4) + MDB_COVER_STEP - 1) & ~(MDB_COVER_STEP - 1);
\tif (target < (size_t)st.st_size)
\t\ttarget = st.st_size;
\tif (target > env->me_mapsize)
\t\ttarget = env->me_mapsize;
\trc = mdb_fallocate(env->me_fd, env->me_covered, target);
\tif (rc && target > end)\t/* no room to spare: only what the page needs */
\t\trc = mdb_fallocate(env->me_fd, env->me_covered, target = end);
\tif (rc)
\t\treturn env->me_cover_rc = rc;
\tenv->me_covered = target;
\treturn MDB_SUCCESS;
}
#endif

`;

/** Each patch replaces one text that must occur exactly once in its file. */
const PATCHES = [
  { file: "src/env.cpp", find: "\trc = mdb_env_open(env, path, flags, permissionsMode);\n", add: "after", text: REGISTER },
  {
    file: `${LIBLMDB}/mdb.c`,
    find: "\tchar\t\t*me_map;\t\t/**< the memory map of the data file */\n",
    add: "after",
    text: "\tsize_t\t\tme_covered;\t/**< bytes of the data file allocated (lmdb-cache) */\n\tint\t\tme_cover_rc;\t/**< why this write txn's cover failed (lmdb-cache) */\n",
  },
  { file: `${LIBLMDB}/mdb.c`, find: "/** Allocate page numbers and memory for writing.", add: "before", text: COVER },
  {
    file: `${LIBLMDB}/mdb.c`,
    find: "search_done:\n\tif (env->me_flags & MDB_WRITEMAP) {\n",
    add: "after",
    text: "#ifdef MDB_COVER_FILE\n\t\tif ((rc = mdb_env_cover(env, (size_t)(pgno + num) * env->me_psize)) != MDB_SUCCESS)\n\t\t\tgoto fail;\n#endif\n",
  },
  // lmdb-js ignores a failed put inside a transaction; the commit then fails with MDB_BAD_TXN, so
  // a failed cover is reported by the commit instead, and forgotten when the next write txn begins.
  {
    file: `${LIBLMDB}/mdb.c`,
    find: "\t\ttxn->mt_dirty_room = MDB_IDL_UM_MAX;\n",
    add: "after",
    text: "#ifdef MDB_COVER_FILE\n\t\tenv->me_cover_rc = 0;\n#endif\n",
  },
  {
    file: `${LIBLMDB}/mdb.c`,
    find: "\t\tDPUTS(\"txn has failed/finished, can't commit\");\n",
    add: "after",
    text: "#ifdef MDB_COVER_FILE\n\t\tif (env->me_cover_rc) {\n\t\t\trc = env->me_cover_rc;\n\t\t\tgoto fail;\n\t\t}\n#endif\n",
  },
  {
    file: `${LIBLMDB}/mdb.c`,
    find: "\t\tif (ftruncate(env->me_fd, env->me_mapsize) < 0)\n\t\t\treturn ErrCode();\n",
    add: "around",
    text: ["#ifndef MDB_COVER_FILE\n", "#endif\n"],
  },
  {
    file: `${LIBLMDB}/lmdb.h`,
    find: '#define MDB_VERSION_DATE\t"March 16, 2021"\n',
    add: "replace",
    text: `#define MDB_VERSION_DATE\t"March 16, 2021; ${ENGINE_BUILD}"\n`,
  },
];

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
  for (const { file, find, add, text } of PATCHES) {
    const path = join(dir, file);
    const source = readFileSync(path, "utf8");
    if (source.split(find).length !== 2) throw new Error(`${path} is not the lmdb-js source this build patches (lmdb-js was upgraded?)`);
    const patched =
      add === "after" ? find + text : add === "before" ? text + find : add === "around" ? text[0] + find + text[1] : text;
    writeFileSync(path, source.replace(find, () => patched));
  }
}

export function buildEngine({ force = false } = {}) {
  const require = createRequire(import.meta.url);
  const lmdbDir = packageDir(require, "lmdb");
  const { version } = JSON.parse(readFileSync(join(lmdbDir, "package.json"), "utf8"));
  const target = join(lmdbDir, "build/Release/lmdb.node");
  const stamp = join(lmdbDir, "build/lmdb-cache-engine.json");
  const wanted = JSON.stringify({ engine: ENGINE_BUILD, lmdb: version, node: process.versions.modules });
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
