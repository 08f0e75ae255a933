/** The worker's own words: its stderr without stack frames, on one line. */
export function failureSummary(error: unknown): string {
  const lines = String(error instanceof Error ? error.message : error)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("at "));
  return lines.slice(0, 4).join(" | ").slice(0, 400);
}
