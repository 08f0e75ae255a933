import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { evaluateChecks } from "./analysis.ts";
import { shortCommit } from "./format.ts";
import { evaluateGate, type GateReport } from "./gate.ts";
import { checksTable } from "./report.ts";
import { readJson } from "../shared/report-files.ts";
import type { BenchReport } from "./results.ts";
import type { SoakReport } from "./soak.ts";
import { secondHalfSlopes } from "./soak-analysis.ts";
import { TARGETS } from "./targets.ts";

// README.md of a reports folder: the latest summary of whichever reports exist, rebuilt from their
// JSON after every run (and by `pnpm bench --render`), with how to regenerate each.

function measuredOn(report: { git: { commit: string; dirty: boolean }; startedAt: string; machine: { cpuModel: string; cores: number } }): string {
  return `commit \`${shortCommit(report.git.commit)}\`${report.git.dirty ? " (with uncommitted changes)" : ""}, ${report.startedAt.slice(0, 16).replace("T", " ")} UTC, ${report.machine.cpuModel} × ${report.machine.cores} cores`;
}

function failureLine(report: BenchReport, name: string): string[] {
  const failed = report.cells.flatMap((c) => (c.status === "measured" ? c.failures : []));
  if (failed.length === 0) return [];
  return [`**${failed.length} repetitions failed**; they are listed under "Failures" in [${name}.md](${name}.md).`, ""];
}

export async function writeReadme(dir: string): Promise<string> {
  const full = await readJson<BenchReport>(join(dir, "bench.json"));
  const quick = await readJson<BenchReport>(join(dir, "bench-quick.json"));
  const gate = await readJson<GateReport>(join(dir, "perf-gate.json"));
  const soakNames = (await readdir(dir)).filter((f) => /^bench-soak(-[\w-]+)?\.json$/.test(f)).map((f) => f.replace(/\.json$/, ""));
  const soaks = await Promise.all(soakNames.sort().map(async (name) => [name, (await readJson<SoakReport>(join(dir, `${name}.json`)))!] as const));
  const out = [
    "# Reports",
    "",
    "Generated from the JSON files in this folder (the source of truth: raw figures of every repetition, seed, settings, versions, machine and commit); do not edit by hand.",
    "Every figure is a ratio measured within one run on the same machine; the machine is shared, so absolute figures move between runs.",
    "Runs write their reports to `.runs/` (git-ignored); the ones in this folder are the recorded results and change only with `--record`.",
    "",
    "## Regenerate",
    "",
    "| command | writes | takes |",
    "| --- | --- | --- |",
    "| `pnpm bench --quick --record` | `bench-quick.{json,md}`, `bench-quick-throughput.svg`, `bench-quick-memory.svg` | a few minutes |",
    "| `pnpm bench --record` | `bench.{json,md}`, `bench-throughput.svg`, `bench-memory.svg` (10k and 100k entries, 1–8 processes) | under an hour |",
    "| `pnpm bench --soak --record` | `bench-soak.{json,md,svg}` | a minute or two |",
    "| `pnpm bench --soak --ops 10000000 --record` | `bench-soak-10m.{json,md,svg}` ; with `--cache-options '{\"readCacheBytes\": 0}'` (any of openLmdbCache's options) `bench-soak-10m-readcachebytes-0.{json,md,svg}` | ten minutes or more |",
    "| `pnpm bench --sweep --quick --before REV --record` | `bench-sweep-quick.{json,md}`: sweepExpired at 10k, 100k and 1M entries, and set, against the library of REV | a few minutes |",
    "| `pnpm perf-gate --record` | `perf-gate.{json,md}`; exits 1 when a check fails | one to two minutes |",
    "| `pnpm scenario <name> --record` | `<name>.{json,md}`; `pnpm scenario reliability --record` writes `reliability.{json,md}` | seconds to an hour |",
    "| `pnpm bench --render reports/<name>.json` | that report's Markdown and SVG, and this file, from the JSON alone | seconds |",
    "| `pnpm bench:profile <workload> [--flame]` | a clinic HTML report under `.profiles/` (git-ignored) | under a minute |",
    "",
  ];
  for (const [title, report, name] of [
    ["Full benchmark", full, "bench"],
    ["Quick benchmark", quick, "bench-quick"],
  ] as const) {
    if (report === undefined) continue;
    out.push(
      `## ${title}: targets`,
      "",
      `Measured on ${measuredOn(report)}; ${report.settings.repetitions} repetitions. Details: [${name}.md](${name}.md), charts: [throughput](${name}-throughput.svg), [memory](${name}-memory.svg).`,
      "",
      ...failureLine(report, name),
      checksTable(evaluateChecks(report, TARGETS), true),
      "",
    );
  }
  if (gate !== undefined) {
    const verdict = evaluateGate(gate);
    out.push(
      `## Perf gate: ${verdict.passed ? "passed" : "FAILED"}`,
      "",
      `Measured on ${measuredOn(gate)}. Details: [perf-gate.md](perf-gate.md).`,
      "",
      checksTable(verdict.results, false),
      "",
    );
  }
  for (const [name, soak] of soaks) {
    const first = soak.samples.map((s) => s[0]!.rssBytes);
    const last = soak.samples.map((s) => s[s.length - 1]!.rssBytes);
    const mb = (v: number) => (v / 2 ** 20).toFixed(0);
    const fileEnd = soak.files[soak.files.length - 1];
    const anon = secondHalfSlopes(soak.samples, (s) => s.rssAnonBytes);
    // Soaks written before cache options could be given have none in their settings.
    const options = (soak.settings.cacheOptions as Record<string, unknown> | undefined) ?? {};
    out.push(
      `## Soak: ${soak.settings.totalOps.toLocaleString("en")} operations${Object.keys(options).length > 0 ? `, options \`${JSON.stringify(options)}\`` : ""}`,
      "",
      `Measured on ${measuredOn(soak)}: ${soak.settings.totalOps.toLocaleString("en")} mixed operations from ${soak.settings.processes} processes. ` +
        `RSS per process from ${first.map(mb).join(" / ")} MiB at the start to ${last.map(mb).join(" / ")} MiB at the end; ` +
        `anonymous RSS over the second half ${anon.mean.toFixed(1)} ± ${anon.standardError.toFixed(1)} MiB per million operations of a process; ` +
        `store ${fileEnd ? mb(fileEnd.allocatedBytes) : "–"} MiB on disk at the end. Details: [${name}.md](${name}.md), [chart](${name}.svg).`,
      "",
    );
  }
  out.push("## Notes", "", "Why the missed targets are missed and what would close them: [bench-notes.md](bench-notes.md).", "");
  const others = (await readdir(dir)).filter((f) => f.endsWith(".md") && !/^(bench|perf-gate|README)/.test(f)).sort();
  if (others.length > 0) {
    out.push("## Other reports in this folder", "", others.map((f) => `[${f.replace(/\.md$/, "")}](${f})`).join(", "), "");
  }
  const path = join(dir, "README.md");
  await writeFile(path, out.join("\n"));
  return path;
}
