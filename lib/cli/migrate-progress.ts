/** What `lmdb-cache migrate` prints: progress (a bar on a terminal, plain lines otherwise) and the summary. */
import type { MigrateProgress, MigrateSummary } from "../index.ts";

const number = (n: number) => n.toLocaleString("en-US");

/** Progress for `write`, at most ten times a second on a terminal, at every tenth of a phase otherwise. */
export function progressReporter(
  tty: boolean,
  write: (text: string) => void,
  clock: () => number = () => performance.now(),
): (progress: MigrateProgress) => void {
  let lastLine = "";
  let lastDraw = -Infinity;
  return ({ phase, done, total }) => {
    const share = total === 0 ? 1 : done / total;
    if (tty) {
      const at = clock();
      if (done !== total && at - lastDraw < 100) return;
      lastDraw = at;
      const width = 30;
      const filled = Math.round(share * width);
      const bar = "#".repeat(filled) + "-".repeat(width - filled);
      write(`\r${phase.padEnd(6)} [${bar}] ${String(Math.floor(share * 100)).padStart(3)}% ${number(done)}/${number(total)}`);
      if (done === total) write("\n");
      return;
    }
    // Plain lines at every tenth of each phase.
    const line = `${phase} ${Math.floor(share * 10) * 10}% (${number(done)}/${number(total)})`;
    const step = `${phase} ${Math.floor(share * 10)}`;
    if (step === lastLine) return;
    lastLine = step;
    write(`${line}\n`);
  };
}

export function formatSummary(summary: MigrateSummary, verify: boolean): string {
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

