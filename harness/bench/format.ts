// Number formats shared by the Markdown reports.

export function ops(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(2)}k`;
  return value.toFixed(value >= 100 ? 0 : 1);
}

export function mib(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(1)}` : "–";
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (value >= 100) return value.toFixed(0);
  if (value >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

export function ratio(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}x`;
}

/** A median with its range: "12.3k (11.9k–12.8k)". */
export function ranged(median: number, min: number, max: number, format: (v: number) => string): string {
  return min === max ? format(median) : `${format(median)} (${format(min)}–${format(max)})`;
}

export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

export function shortCommit(commit: string): string {
  return commit.slice(0, 10);
}
