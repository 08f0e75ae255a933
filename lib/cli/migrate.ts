/**
 * lmdb-cache migrate --from <levelDir> --to <lmdbDir> [--verify] [--dry-run]
 *
 * Copies a level-cache directory into an lmdb-cache one (see lib/migrate.ts). A progress bar on a
 * terminal, plain progress lines otherwise (stderr); the summary on stdout. Exit status: 0 done,
 * 1 --verify found mismatches, 2 the migration failed (the target is then unchanged) or bad arguments.
 */
import { writeSync } from "node:fs";
import { parseArgs } from "node:util";
import { isCacheError, migrateFromLevel } from "../index.ts";
import { formatSummary, progressReporter } from "./migrate-progress.ts";

export const MIGRATE_USAGE = "usage: lmdb-cache migrate --from <levelDir> --to <lmdbDir> [--verify] [--dry-run]";

export const MIGRATE_HELP = `${MIGRATE_USAGE}

Copies every live entry of the level-cache directory <levelDir> into the cache at <lmdbDir>, keeping
namespaces, values and expiry times, in one transaction: the target ends up holding exactly the
source's live entries (entries the source lacks are deleted), or is left as it was. The source is
only read; no application may have it open. Other processes may keep the target open. Run it again
to bring the target up to date: only the differences are written. Needs the \`level\` package
installed beside this one: npm install level.

  --from <levelDir>  the level-cache directory
  --to <lmdbDir>     the cache to write (created when missing)
  --verify           then read both back and list every entry that differs
  --dry-run          write nothing; report what would be copied (with --verify, what differs now)
  -h, --help         this help

Progress on stderr (a bar on a terminal, a line at every tenth otherwise), the summary on stdout.
Exit status: 0 done, 1 --verify found mismatches, 2 failed (the target is unchanged) or bad arguments.`;

export async function migrate(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        from: { type: "string" },
        to: { type: "string" },
        verify: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${MIGRATE_USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(MIGRATE_HELP);
    return 0;
  }
  if (args.from === undefined || args.to === undefined) {
    console.error(MIGRATE_USAGE);
    return 2;
  }
  try {
    const summary = await migrateFromLevel({
      from: args.from,
      to: args.to,
      verify: args.verify,
      dryRun: args["dry-run"],
      // Written synchronously: the commit runs in one synchronous transaction.
      onProgress: progressReporter(process.stderr.isTTY === true, (text) => writeSync(2, text)),
    });
    console.log(formatSummary(summary, args.verify));
    return summary.mismatchCount > 0 ? 1 : 0;
  } catch (error) {
    const what = isCacheError(error) ? `${error.code}: ${error.message}` : String((error as Error)?.message ?? error);
    console.error(`migrate failed, the target is unchanged: ${what}`);
    return 2;
  }
}
