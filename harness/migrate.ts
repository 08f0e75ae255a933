/**
 * pnpm migrate --from <levelDir> --to <lmdbDir> [--verify] [--dry-run]
 *
 * Copies a level-cache directory into an lmdb-cache one (see lib/migrate.ts). A progress bar on a
 * terminal, plain progress lines otherwise (stderr); the summary on stdout. Exit status: 0 done,
 * 1 --verify found mismatches, 2 the migration failed (the target is then unchanged) or bad arguments.
 */
import { writeSync } from "node:fs";
import { parseArgs } from "node:util";
import { isCacheError, migrateFromLevel } from "../lib/index.ts";
import { formatSummary, progressReporter } from "./migrate-progress.ts";

const USAGE = "usage: pnpm migrate --from <levelDir> --to <lmdbDir> [--verify] [--dry-run]";

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        from: { type: "string" },
        to: { type: "string" },
        verify: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.from === undefined || args.to === undefined) {
    console.error(USAGE);
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

// pnpm passes a "--" before the arguments when the script is run as `pnpm migrate -- ...`.
process.exitCode = await main(process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--")));
