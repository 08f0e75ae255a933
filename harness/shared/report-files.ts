import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Writes `<base>.json`, `<base>.md` and the charts `<base>-<suffix>.svg` (or `<base>.svg`) into `dir`. */
export async function writeReportFiles(
  dir: string,
  baseName: string,
  json: unknown,
  rendered: { markdown: string; charts: { suffix: string; svg: string }[] },
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
