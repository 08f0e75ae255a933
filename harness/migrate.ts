/**
 * pnpm migrate --from <levelDir> --to <lmdbDir> [--verify] [--dry-run]
 *
 * Copies a level-cache directory into an lmdb-cache one (see lib/migrate.ts). A progress bar on a
 * terminal, plain progress lines otherwise (stderr); the summary on stdout. Exit status: 0 done,
 * 1 --verify found mismatches, 2 the migration failed (the target is then unchanged) or bad arguments.
 */
import { writeSync } from "node:fs";
import { parseArgs } from "node:util";
import { isCacheError, migrateFromLevel, type MigrateProgress, type MigrateSummary } from "../lib/index.ts";

const USAGE = "usage: pnpm migrate --from <levelDir> --to <lmdbDir> [--verify] [--dry-run]";

const number = (n: number) => n.toLocaleString("en-US");

/** Progress on stderr, written synchronously: the commit runs in one synchronous transaction. */
function progressReporter(tty: boolean): (progress: MigrateProgress) => void {
  let lastLine = "";
  let lastDraw = 0;
  return ({ phase, done, total }) => {
    const share = total === 0 ? 1 : done / total;
    if (tty) {
      const at = performance.now();
      if (done !== total && at - lastDraw < 100) return;
      lastDraw = at;
      const width = 30;
      const filled = Math.round(share * width);
      const bar = "#".repeat(filled) + "-".repeat(width - filled);
      writeSync(2, `\r${phase.padEnd(6)} [${bar}] ${String(Math.floor(share * 100)).padStart(3)}% ${number(done)}/${number(total)}`);
      if (done === total) writeSync(2, "\n");
      return;
    }
    // Plain lines at every tenth of each phase.
    const line = `${phase} ${Math.floor(share * 10) * 10}% (${number(done)}/${number(total)})`;
    const step = `${phase} ${Math.floor(share * 10)}`;
    if (step === lastLine) return;
    lastLine = step;
    writeSync(2, `${line}\n`);
  };
}

function report(summary: MigrateSummary, verify: boolean): string {
  const rate = summary.seconds > 0 ? summary.scanned / summary.seconds : 0;
  const lines = [
    summary.dryRun ? "dry run: nothing was written" : "migrated in one transaction",
    `${summary.dryRun ? "would copy" : "copied"} ${number(summary.copied)} (new ${number(summary.added)}, changed ${number(summary.changed)}), ` +
      `unchanged ${number(summary.unchanged)}, skipped as expired ${number(summary.skippedExpired)}, ` +
      `unreadable ${number(summary.unreadable)}, ${summary.dryRun ? "would delete" : "deleted"} ${number(summary.deleted)}`,
  ];
  if (verify) {
    lines.push(`verified ${number(summary.verified)}, mismatches ${number(summary.mismatchCount)}`);
    for (const { namespace, key, problem } of summary.mismatches) {
      lines.push(`  mismatch: ${problem} namespace ${JSON.stringify(namespace)} key ${JSON.stringify(key)}`);
    }
    if (summary.mismatchCount > summary.mismatches.length) lines.push(`  ... and ${number(summary.mismatchCount - summary.mismatches.length)} more`);
  }
  lines.push(`seconds ${summary.seconds.toFixed(2)}, ${number(summary.scanned)} source entries, ${number(Math.round(rate))} entries/s`);
  return lines.join("\n");
}

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
      onProgress: progressReporter(process.stderr.isTTY === true),
    });
    console.log(report(summary, args.verify));
    return summary.mismatchCount > 0 ? 1 : 0;
  } catch (error) {
    const what = isCacheError(error) ? `${error.code}: ${error.message}` : String((error as Error)?.message ?? error);
    console.error(`migrate failed, the target is unchanged: ${what}`);
    return 2;
  }
}

// pnpm passes a "--" before the arguments when the script is run as `pnpm migrate -- ...`.
process.exitCode = await main(process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--")));
