// pnpm scenario reliability [--quick] [--seed S] [--only a,b] [--record]: the reliability campaigns (kill
// points, stale readers, growth, busy writers, corruption, bad input, key fuzz, clocks, lifecycle),
// writing reliability.json and .md (in .runs/, or reports/ with --record).
// Exit code 0 only when every figure with a rule holds.
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CAMPAIGNS, type CampaignId, runReliability } from "../harness/reliability/campaigns.ts";
import { figuresTable, renderReport } from "../harness/reliability/report.ts";
import { integer, parseCommandLine, UsageError } from "../harness/shared/args.ts";
import { reportsDir, writeReportFiles } from "../harness/shared/report-files.ts";

export const summary = "crashes, stale readers, a growing map, busy writers, corrupt data, bad input, skewed clocks and opens and closes under load; writes reliability.*";

const USAGE = `usage: pnpm scenario reliability [--quick] [--seed N] [--only ${CAMPAIGNS.join(",")}] [--record]`;

function parse(args: readonly string[]) {
  const { values } = parseCommandLine({ quick: { type: "boolean" }, seed: { type: "string" }, only: { type: "string" }, record: { type: "boolean" } }, args);
  const only = values.only?.split(",") as CampaignId[] | undefined;
  const unknown = only?.filter((id) => !CAMPAIGNS.includes(id)) ?? [];
  if (unknown.length > 0) throw new UsageError(`--only names campaigns, got ${unknown.join(", ")}`);
  return { seed: integer(values.seed, "seed") ?? Date.now() % 2 ** 31, quick: values.quick === true, only, record: values.record === true };
}

export async function main(args: readonly string[]): Promise<number> {
  let options;
  try {
    options = parse(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
  const report = await runReliability({ seed: options.seed, quick: options.quick, only: options.only, log: (line) => console.log(`[reliability] ${line}`) });
  const [json, md] = await writeReportFiles(reportsDir(options.record), "reliability", report, renderReport(report));
  console.log(`\n${figuresTable(report.campaigns)}\n`);
  console.log(`verdict: ${report.verdict}; report: ${relative(process.cwd(), md!)} and ${relative(process.cwd(), json!)}`);
  return report.verdict === "passed" ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
