// The harness's one report writer. Every run writes its report as JSON (the source of truth) and
// Markdown, with charts where it has them. The reports kept in reports/ are the recorded results and
// change only when a run is asked to (--record); any other run writes to .runs/, which git ignores, so
// that running the harness leaves the working tree clean.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO_ROOT } from "./child.ts";

export const RECORDED_REPORTS = join(REPO_ROOT, "reports");
export const LATEST_REPORTS = join(REPO_ROOT, ".runs");

/** Where a run writes its reports: reports/ when it records them, else .runs/. */
export function reportsDir(record: boolean): string {
  return record ? RECORDED_REPORTS : LATEST_REPORTS;
}

export type RenderedReport = { markdown: string; charts: { suffix: string; svg: string }[] };

/** Writes `<base>.json`, `<base>.md` and the charts `<base>-<suffix>.svg` (or `<base>.svg`) into `dir`. */
export async function writeReportFiles(
  dir: string,
  baseName: string,
  json: unknown,
  rendered: RenderedReport,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, content: string) => {
    await writeFile(join(dir, name), content);
    written.push(join(dir, name));
  };
  if (json !== undefined) await put(`${baseName}.json`, `${JSON.stringify(json, null, 1)}\n`);
  await put(`${baseName}.md`, rendered.markdown);
  for (const chart of rendered.charts) await put(`${baseName}${chart.suffix ? `-${chart.suffix}` : ""}.svg`, chart.svg);
  return written;
}

/** A report's JSON; cells written before failures were recorded get an empty list of them. */
export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    const report = JSON.parse(await readFile(path, "utf8")) as T & { cells?: { status: string; failures?: unknown[] }[] };
    for (const cell of report.cells ?? []) if (cell.status === "measured") cell.failures ??= [];
    return report;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
