// reliability.json and .md: every figure with its rule, the tables, the notes and failures.
import type { RenderedReport } from "../shared/report-files.ts";
import { type CampaignResult, describeRule, holds, type Table } from "./campaign.ts";

export type ReliabilityReport = {
  settings: Record<string, unknown>;
  seed: number;
  quick: boolean;
  startedAt: string;
  seconds: number;
  verdict: "passed" | "failed";
  campaigns: CampaignResult[];
};

const cell = (value: string | number) => String(value).replaceAll("|", "\\|").replaceAll("\n", " ");

function table(t: Table): string {
  return [`**${t.title}**`, "", `| ${t.columns.map(cell).join(" | ")} |`, `|${t.columns.map(() => "---").join("|")}|`, ...t.rows.map((row) => `| ${row.map(cell).join(" | ")} |`), ""].join("\n");
}

/** The figures of every campaign as one table: what the closing note of a run copies. */
export function figuresTable(campaigns: readonly CampaignResult[]): string {
  const lines = ["| campaign | figure | value | rule | holds |", "|---|---|---|---|---|"];
  for (const campaign of campaigns) {
    for (const figure of campaign.figures) {
      const value = `${Number.isNaN(figure.value) ? "n/a" : figure.value}${figure.unit ? ` ${figure.unit}` : ""}`;
      lines.push(`| ${campaign.title} | ${cell(figure.name)} | ${value} | ${describeRule(figure.rule)} | ${figure.rule === undefined ? "" : holds(figure) ? "yes" : "**NO**"} |`);
    }
  }
  return lines.join("\n");
}

function renderMarkdown(report: ReliabilityReport): string {
  const out = [
    "# Reliability",
    "",
    `${report.quick ? "Quick run" : "Full run"}, seed ${report.seed}, ${report.startedAt}, ${report.seconds} s. Verdict: **${report.verdict}** (${report.verdict === "passed" ? "every figure with a rule holds" : `${report.campaigns.flatMap((c) => c.figures).filter((f) => !holds(f)).length} figures break their rule; see the failures under each campaign`}).`,
    `Replay: \`pnpm scenario reliability --seed ${report.seed}${report.quick ? " --quick" : ""}\`.`,
    "",
    "## Figures",
    "",
    figuresTable(report.campaigns),
    "",
  ];
  for (const campaign of report.campaigns) {
    out.push(`## ${campaign.title} (${campaign.seconds} s)`, "");
    for (const note of campaign.notes) out.push(`- ${note}`);
    out.push("");
    for (const t of campaign.tables) out.push(table(t));
    if (campaign.failures.length > 0) {
      out.push("Failures:", "");
      for (const failure of campaign.failures) out.push(`- ${cell(failure)}`);
      out.push("");
    }
  }
  return out.join("\n");
}

export function renderReport(report: ReliabilityReport): RenderedReport {
  return { markdown: `${renderMarkdown(report)}\n`, charts: [] };
}
