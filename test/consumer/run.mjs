#!/usr/bin/env node
// The package as a user gets it: packed, installed from the tarball into a fresh application with
// install scripts ignored (npm --ignore-scripts, and pnpm's defaults), next to lmdb-js that the
// application uses for its own database. Checks that installing changes nothing of lmdb-js's (its
// files, its engine, the application's database written before), that the cache works across
// processes and worker threads and beside the application's lmdb-js in one process, and that
// without a prebuilt binary the cache reports CACHE_ENGINE with a command that then builds one.
// Under both package managers: an ES module app, a CommonJS app (require), and strict TypeScript 5
// apps (--module nodenext, ESM and CommonJS; --moduleResolution bundler) compile without
// skipLibCheck or @types/node and run (the Redis entry's types too; its open without `redis` installed
// rejects with CACHE_MISSING_DEPENDENCY); keyv runs on the package's keyv entry (which loads without
// keyv installed) and compiles against it; the lmdb-cache command runs (help, verify, and migrate: first
// without `level`, then from a level-cache store once the app installs `level`).
// Prints the tarball's size, its installed size and the install's time. Needs the npm registry.
// Usage: node test/consumer/run.mjs [--keep]
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, "..", "..");
const LMDB_JS = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).devDependencies.lmdb;
const work = mkdtempSync(join(tmpdir(), "lmdb-cache-consumer-"));
let checks = 0;

function run(command, args, cwd, env = {}) {
  return execFileSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] }).trim();
}

function timed(action) {
  const started = performance.now();
  const result = action();
  return { result, seconds: (performance.now() - started) / 1000 };
}

function check(name, condition, detail = "") {
  if (!condition) throw new Error(`${name}${detail ? `: ${detail}` : ""}`);
  checks++;
  console.log(`ok: ${name}`);
}

function treeBytes(dir) {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return bytes;
}

/** A digest of every file under `dir` (paths and contents): equal before and after means untouched. */
function treeDigest(dir) {
  const hash = createHash("sha256");
  const files = readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) hash.update(file.slice(dir.length)).update(readFileSync(file));
  return hash.digest("hex");
}

function newApp(name) {
  const app = join(work, name);
  cpSync(join(HERE, "app"), app, { recursive: true });
  writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: `consumer-${name}`, private: true, type: "module" }, null, 2)}\n`);
  return app;
}

/** Two processes write 500 entries each into one cache at the same time; a third reads all back. */
function twoWriters(app) {
  const cache = join(app, "cache");
  run("sh", ["-c", `node cache-writer.mjs ${cache} a 500 & node cache-writer.mjs ${cache} b 500 & wait`], app);
  return node(app, "cache-reader.mjs", cache, "500", "a", "b") === "1000 entries read back";
}

/** A command whose exit status is part of the check: its status and both outputs, never a throw. */
function attempt(command, args, cwd) {
  const { status, stdout, stderr } = spawnSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return { status, stdout: stdout.trim(), stderr: stderr.trim() };
}

/** A CommonJS app requires the package, opens, sets, gets, closes, with nothing on stderr. */
function commonJs(app) {
  const result = attempt(process.execPath, ["require.cjs", join(app, "required")], app);
  const ok = result.status === 0 && result.stderr === "" && result.stdout === '{"value":{"from":"require"},"closed":"CACHE_CLOSED"}';
  return { ok, detail: JSON.stringify(result) };
}

/**
 * Compiles the TypeScript apps with the app's TypeScript 5 under `config` (tsconfig.<config>.json)
 * and runs what it emitted: `[name, outcome]` for each app.
 */
function typeScript(app, config) {
  const compiled = attempt(process.execPath, [join("node_modules", "typescript", "bin", "tsc"), "-p", `tsconfig.${config}.json`], app);
  if (compiled.status !== 0) return [[`tsc -p tsconfig.${config}.json`, { ok: false, detail: compiled.stdout || compiled.stderr }]];
  const esm = attempt(process.execPath, [join(`out-${config}`, "typed.js"), join(app, `typed-${config}`)], app);
  const keyv = attempt(process.execPath, [join(`out-${config}`, "typed-keyv.js"), join(app, `typed-keyv-${config}`)], app);
  const outcomes = [
    ["ES module", { ok: esm.stdout === '{"ada":"Ada","visits":7,"computes":1,"code":"CACHE_INVALID_KEY","known":true,"entries":2,"describe":"function","sameOpen":true,"redis":"function"}', detail: JSON.stringify(esm) }],
    ["keyv", { ok: keyv.stdout === '{"page":"/","code":"CACHE_CLOSED"}', detail: JSON.stringify(keyv) }],
  ];
  if (config === "nodenext") {
    const cjs = attempt(process.execPath, [join("out-nodenext", "typed-cjs.cjs"), join(app, "typed-cjs")], app);
    outcomes.push(["CommonJS", { ok: cjs.stdout === '{"n":7,"closed":"CACHE_CLOSED"}', detail: JSON.stringify(cjs) }]);
  }
  return outcomes;
}

function typeScriptChecks(app, where) {
  for (const config of ["nodenext", "bundler"]) {
    for (const [kind, { ok, detail }] of typeScript(app, config)) {
      check(`${where}a strict TypeScript 5 ${kind} app compiles (${config}, no skipLibCheck, no @types/node) and runs`, ok, detail);
    }
  }
}

/**
 * The checks every application passes, whichever package manager installed the package into it;
 * `bin` is how that manager runs the package's command (npx, pnpm exec). Needs typescript@5 and keyv@5 there.
 */
function everyApp(app, where, bin) {
  check(`${where}two processes write one cache at once and a third reads every entry back`, twoWriters(app));
  check(`${where}a worker thread opens and closes the cache the main thread holds`, /worker thread: 50/.test(node(app, "threads.mjs", join(app, "threaded"))));
  check(`${where}the application's lmdb-js and the cache work side by side in one process`, /1000 of 1000/.test(node(app, "neighbours.mjs", join(app, "app-db-2"), join(app, "cache-2"))));
  const keyv = attempt(process.execPath, ["keyv.mjs", join(app, "keyv-cache")], app);
  check(
    `${where}keyv with the package's keyv store sets, gets, iterates and clears a namespace, and rejects after disconnect`,
    keyv.stdout === '{"value":{"from":"keyv"},"bytes":"bytes","keys":["a","b"],"cleared":true,"closed":"CACHE_CLOSED"}',
    JSON.stringify(keyv),
  );
  const required = commonJs(app);
  check(`${where}a CommonJS app require()s the package, opens, sets and gets`, required.ok, required.detail);
  typeScriptChecks(app, where);
  const help = attempt(bin[0], [...bin.slice(1), "lmdb-cache", "--help"], app);
  check(`${where}${bin.join(" ")} lmdb-cache --help prints the usage of migrate, verify and reset, exit 0`, help.status === 0 && /^usage: lmdb-cache <command>/.test(help.stdout) && /^ {2}reset <path>$/m.test(help.stdout), JSON.stringify(help));
  const verified = attempt(bin[0], [...bin.slice(1), "lmdb-cache", "verify", join(app, "cache")], app);
  check(`${where}${bin.join(" ")} lmdb-cache verify counts the cache's entries, exit 0`, verified.status === 0 && verified.stdout === "1000 entries, none damaged", JSON.stringify(verified));
}

const npm = (app, ...args) => run("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", ...args], app);
const node = (app, script, ...args) => run(process.execPath, [script, ...args], app);

try {
  const packed = timed(() => run("pnpm", ["pack", "--pack-destination", work], REPO));
  const tarball = join(work, readdirSync(work).find((name) => name.endsWith(".tgz")));
  console.log(`packed in ${packed.seconds.toFixed(1)} s: ${tarball} (${(statSync(tarball).size / 1024).toFixed(0)} KiB)`);

  // npm, install scripts ignored: the application has lmdb-js and a database of its own first.
  const app = newApp("npm");
  npm(app, `lmdb@${LMDB_JS}`);
  const before = node(app, "app-db.mjs", "write", join(app, "app-db"));
  const lmdbBefore = treeDigest(join(app, "node_modules", "lmdb"));
  const installed = timed(() => npm(app, tarball));
  const packageDir = join(app, "node_modules", "@promethean", "lmdb-cache");
  console.log(`npm install of the tarball (scripts ignored): ${installed.seconds.toFixed(1)} s; installed size ${(treeBytes(packageDir) / 1024).toFixed(0)} KiB`);
  check("installing leaves every file of lmdb-js as it was", treeDigest(join(app, "node_modules", "lmdb")) === lmdbBefore);
  const after = node(app, "app-db.mjs", "read", join(app, "app-db"));
  check("the application's own lmdb-js database, written before, reads back after, on lmdb-js's own engine", after === before && /0\.9\.90/.test(after), after);
  const keyvEntry = attempt(process.execPath, ["--input-type=module", "-e", 'console.log(typeof (await import("@promethean/lmdb-cache/keyv")).KeyvLmdbCache)'], app);
  check("the keyv entry loads without keyv installed (an optional peer dependency)", keyvEntry.stdout === "function", JSON.stringify(keyvEntry));
  npm(app, "typescript@5", "keyv@5");
  everyApp(app, "", ["npx", "--no", "--"]);
  check("the application's database still reads back", node(app, "app-db.mjs", "read", join(app, "app-db")) === before);

  // The command's file mode, and migrate through npx without and with `level`.
  check("the command's file is executable in the tarball", /^-rwxr-xr-x .* package\/dist\/lib\/cli\/lmdb-cache\.js$/m.test(run("tar", ["-tvzf", tarball], work)));
  const store = join(app, "level-cache-store");
  const noLevel = attempt("npx", ["--no", "--", "lmdb-cache", "migrate", "--from", store, "--to", join(app, "migrated")], app);
  check(
    "without `level` installed, migrate exits 2 with CACHE_MISSING_DEPENDENCY naming npm install level",
    noLevel.status === 2 && /CACHE_MISSING_DEPENDENCY: .*npm install level/.test(noLevel.stderr),
    JSON.stringify(noLevel),
  );
  const noRedis = JSON.parse(node(app, "redis-missing.mjs"));
  check(
    "without `redis` installed, @promethean/lmdb-cache/redis loads and opening rejects with CACHE_MISSING_DEPENDENCY naming npm install redis",
    noRedis.code === "CACHE_MISSING_DEPENDENCY" && /npm install redis/.test(noRedis.message),
    JSON.stringify(noRedis),
  );
  npm(app, "level@10");
  node(app, "level-store.mjs", "write", store, "300");
  const migrated = attempt("npx", ["--no", "--", "lmdb-cache", "migrate", "--from", store, "--to", join(app, "migrated"), "--verify"], app);
  check(
    "with `level` installed, npx lmdb-cache migrate --verify copies a level-cache store, exit 0",
    migrated.status === 0 && /^copied 301 \(new 301, changed 0\), .*skipped as expired 1, /m.test(migrated.stdout) && /^verified 301, mismatches 0$/m.test(migrated.stdout),
    JSON.stringify(migrated),
  );
  check("the migrated cache reads back every entry", /^300 entries and one without a namespace read back$/.test(node(app, "level-store.mjs", "check", join(app, "migrated"), "300")));

  // Without a binary for the platform: a typed error naming the fix, nothing created; the fix works.
  rmSync(join(packageDir, "dist", "engine", "prebuilds"), { recursive: true });
  const missing = JSON.parse(node(app, "open.mjs", join(app, "no-engine")));
  check("with no usable engine build, open rejects with CACHE_ENGINE and creates nothing", missing.code === "CACHE_ENGINE" && missing.created === false, JSON.stringify(missing));
  const command = /`node "([^"]+)"`/.exec(missing.message)?.[1];
  check("the message names the command that builds the engine", command !== undefined && command.endsWith("install.mjs"), missing.message);
  const built = timed(() => run(process.execPath, [command], app));
  console.log(`built from source in ${built.seconds.toFixed(1)} s`);
  check("after that command, the cache opens", JSON.parse(node(app, "open.mjs", join(app, "no-engine"))).ok === true);

  // pnpm with its defaults, which skip dependencies' install scripts.
  const pnpmApp = newApp("pnpm");
  const pnpmInstalled = timed(() => run("pnpm", ["add", tarball, `lmdb@${LMDB_JS}`, "--reporter=silent"], pnpmApp));
  console.log(`pnpm add of the tarball and lmdb-js (default settings): ${pnpmInstalled.seconds.toFixed(1)} s`);
  run("pnpm", ["add", "typescript@5", "keyv@5", "--reporter=silent"], pnpmApp);
  everyApp(pnpmApp, "under pnpm's defaults, ", ["pnpm", "exec"]);
  console.log(`consumer: ${checks} passed, 0 failed`);
} catch (error) {
  console.error(`consumer check failed after ${checks} passed: ${error instanceof Error ? error.message : String(error)}`);
  if (error?.stderr) console.error(String(error.stderr));
  process.exitCode = 1;
} finally {
  if (!process.argv.includes("--keep")) rmSync(work, { recursive: true, force: true });
}
