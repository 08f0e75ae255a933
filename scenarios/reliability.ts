// pnpm scenario reliability [--quick] [--seed S] [--only a,b]: the reliability campaigns (kill points,
// stale readers, growth, busy writers, corruption, bad input, key fuzz, clocks, lifecycle), writing reports/reliability.json and .md.
// Exit code 0 only when every figure with a rule holds.
import { fileURLToPath } from "node:url";
import { CAMPAIGNS, type CampaignId, runReliability } from "../harness/reliability/campaigns.ts";
import { figuresTable, writeReport } from "../harness/reliability/report.ts";

export const summary = "crashes, stale readers, a growing map, busy writers, corrupt data, bad input, skewed clocks and opens and closes under load; writes reports/reliability.*";

export async function main(args: readonly string[]): Promise<number> {
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const seed = Number(value("--seed") ?? Date.now() % 2 ** 31);
  const only = value("--only")?.split(",") as CampaignId[] | undefined;
  const unknown = only?.filter((id) => !CAMPAIGNS.includes(id));
  if (Number.isNaN(seed) || (unknown !== undefined && unknown.length > 0)) {
    console.error(`usage: pnpm scenario reliability [--quick] [--seed N] [--only ${CAMPAIGNS.join(",")}]`);
    return 2;
  }
  const report = await runReliability({ seed, quick: args.includes("--quick"), only, log: (line) => console.log(`[reliability] ${line}`) });
  const reports = fileURLToPath(new URL("../reports/", import.meta.url));
  const written = writeReport(report, reports);
  console.log(`\n${figuresTable(report.campaigns)}\n`);
  console.log(`verdict: ${report.verdict}; report: ${written.md} and ${written.json}`);
  return report.verdict === "passed" ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
