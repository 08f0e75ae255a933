#!/usr/bin/env node
/**
 * The package's command (package.json "bin"): lmdb-cache migrate | verify | reset. Usage in HELP.
 * Exit status: 0 done, 1 the check found a problem (mismatches, a damaged cache), 2 failed or bad
 * arguments (with the usage on stderr).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { isCacheError, resetCache, verifyCache } from "../index.ts";
import { migrate, MIGRATE_USAGE } from "./migrate.ts";

const USAGE = "usage: lmdb-cache <migrate|verify|reset> [options]   (lmdb-cache --help, lmdb-cache <command> --help)";
const VERIFY_USAGE = "usage: lmdb-cache verify <path>";
const RESET_USAGE = "usage: lmdb-cache reset <path>";

const HELP = `usage: lmdb-cache <command> [options]

Commands:
  ${MIGRATE_USAGE.slice("usage: lmdb-cache ".length)}
      Copies a level-cache directory into a cache in one transaction (lmdb-cache migrate --help).
      Exit status: 0 done, 1 --verify found mismatches, 2 failed (the target is unchanged).
  ${VERIFY_USAGE.slice("usage: lmdb-cache ".length)}
      Reads every record of the cache, in a child process, and prints how many there are. Run it
      after an operating-system crash or power loss, before the cache is used.
      Exit status: 0 intact, 1 damaged (CACHE_CORRUPT: empty it with reset), 2 cannot be verified.
  ${RESET_USAGE.slice("usage: lmdb-cache ".length)}
      Empties the cache by removing its files; the next open starts a new one: the recovery for a
      damaged cache. Stop every process that uses the cache first. reset cannot tell whether another
      process has it open (resetCache refuses only while its own process has the cache open), and a
      process that still has it open would go on using the removed file.
      Exit status: 0 done, 2 failed.

Options:
  -h, --help  this help; lmdb-cache migrate --help describes migrate's options in full

Exit status 2 on bad arguments, with the usage on stderr.`;

/** Errors as the commands print them: the stable code first, never a stack trace. */
const describe = (error: unknown) =>
  isCacheError(error) ? `${error.code}: ${error.message}` : String((error as Error | undefined)?.message ?? error);

/** The one <path> argument of verify and reset, or the exit status of a help or a usage error. */
function pathArgument(argv: string[], usage: string): string | number {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(HELP);
    return 0;
  }
  const [path, ...rest] = argv;
  if (path === undefined || path === "" || path.startsWith("-") || rest.length > 0) {
    console.error(usage);
    return 2;
  }
  return path;
}

async function verify(argv: string[]): Promise<number> {
  const path = pathArgument(argv, VERIFY_USAGE);
  if (typeof path === "number") return path;
  // verifyCache opens the path like any open, which creates a cache: a mistyped path would verify as empty.
  if (!existsSync(join(path, "data.mdb"))) {
    console.error(`verify failed: CACHE_INVALID_PATH: ${resolve(path)} holds no cache (no data.mdb)`);
    return 2;
  }
  try {
    const { entries } = await verifyCache(path);
    console.log(`${entries} entries, none damaged`);
    return 0;
  } catch (error) {
    console.error(`verify failed: ${describe(error)}`);
    return isCacheError(error, "CACHE_CORRUPT") ? 1 : 2;
  }
}

async function reset(argv: string[]): Promise<number> {
  const path = pathArgument(argv, RESET_USAGE);
  if (typeof path === "number") return path;
  const dir = resolve(path);
  const held = ["data.mdb", "lock.mdb"].some((name) => existsSync(join(dir, name)));
  try {
    await resetCache(dir);
  } catch (error) {
    console.error(`reset failed: ${describe(error)}`);
    return 2;
  }
  console.log(held ? `${dir}: emptied; the next open starts a new cache` : `${dir}: holds no cache files; nothing to remove`);
  return 0;
}

const COMMANDS = new Map<string, (argv: string[]) => Promise<number>>([
  ["migrate", migrate],
  ["verify", verify],
  ["reset", reset],
]);

async function main([command, ...rest]: string[]): Promise<number> {
  if (command === "--help" || command === "-h") {
    console.log(HELP);
    return 0;
  }
  const run = command === undefined ? undefined : COMMANDS.get(command);
  if (run === undefined) {
    console.error(command === undefined ? USAGE : `unknown command ${JSON.stringify(command)}\n${USAGE}`);
    return 2;
  }
  // `pnpm migrate -- --from ...` passes the "--" on.
  return run(rest[0] === "--" ? rest.slice(1) : rest);
}

process.exitCode = await main(process.argv.slice(2));
