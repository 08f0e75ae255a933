// A small SVG writer for the report charts: line panels (ops/s by process count) and stacked bars
// (memory). Plain strings, no dependencies; every chart is rendered from the report JSON.

type Attrs = Record<string, string | number>;

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function el(tag: string, attrs: Attrs, children: readonly string[] | string = []): string {
  const attrText = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escape(String(typeof v === "number" ? Math.round(v * 100) / 100 : v))}"`)
    .join("");
  const inner = typeof children === "string" ? escape(children) : children.join("");
  return inner === "" ? `<${tag}${attrText}/>` : `<${tag}${attrText}>${inner}</${tag}>`;
}

function text(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el("text", { x, y, "font-size": 11, fill: "#222", ...attrs }, content);
}

/** Compact numbers for axes: 950, 12k, 3.4M. */
export function shortNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${+(value / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${+(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${+(value / 1e3).toPrecision(3)}k`;
  return `${+value.toPrecision(3)}`;
}

/** Round tick values (1, 2 or 5 times a power of ten) from 0 to at least `max`. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(v);
  return ticks;
}

export type Series = { name: string; color: string; dashed?: boolean; points: { x: number; y: number }[] };
/** x values are categories spaced evenly (process counts), unless `linearX` (time). */
export type LinePanel = { title: string; xTicks: number[]; xLabel: string; yLabel: string; series: Series[]; linearX?: boolean };

const PANEL_W = 300;
const PANEL_H = 210;
const M = { left: 52, right: 12, top: 26, bottom: 38 };

function linePanel(panel: LinePanel, ox: number, oy: number): string {
  const w = PANEL_W - M.left - M.right;
  const h = PANEL_H - M.top - M.bottom;
  const yMax = Math.max(0, ...panel.series.flatMap((s) => s.points.map((p) => p.y)));
  const yTicks = niceTicks(yMax);
  const yTop = yTicks[yTicks.length - 1]!;
  const xs = panel.xTicks;
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const xPos = panel.linearX
    ? (x: number) => (xMax === xMin ? w / 2 : ((x - xMin) / (xMax - xMin)) * w)
    : (x: number) => (xs.length === 1 ? w / 2 : (xs.indexOf(x) / (xs.length - 1)) * w);
  const yPos = (y: number) => h - (y / yTop) * h;
  const parts: string[] = [text(w / 2, -10, panel.title, { "text-anchor": "middle", "font-weight": "bold" })];
  for (const t of yTicks) {
    parts.push(el("line", { x1: 0, x2: w, y1: yPos(t), y2: yPos(t), stroke: "#e4e4e4" }));
    parts.push(text(-6, yPos(t) + 4, shortNumber(t), { "text-anchor": "end", "font-size": 10 }));
  }
  for (const x of xs) parts.push(text(xPos(x), h + 15, shortNumber(x), { "text-anchor": "middle", "font-size": 10 }));
  parts.push(el("line", { x1: 0, x2: w, y1: h, y2: h, stroke: "#888" }), el("line", { x1: 0, x2: 0, y1: 0, y2: h, stroke: "#888" }));
  parts.push(text(w / 2, h + 30, panel.xLabel, { "text-anchor": "middle", "font-size": 10 }));
  parts.push(text(-40, h / 2, panel.yLabel, { "text-anchor": "middle", "font-size": 10, transform: `rotate(-90 -40 ${h / 2})` }));
  for (const s of panel.series) {
    const pts = panel.linearX ? s.points : s.points.filter((p) => xs.includes(p.x));
    // A missing category (a failed or unsupported cell) breaks the line rather than being bridged.
    const runs: (typeof pts)[] = [];
    pts.forEach((p, i) => {
      const previous = pts[i - 1];
      const adjacent = previous !== undefined && (panel.linearX || xs.indexOf(p.x) === xs.indexOf(previous.x) + 1);
      if (adjacent) runs[runs.length - 1]!.push(p);
      else runs.push([p]);
    });
    for (const run of runs.filter((r) => r.length > 1)) {
      parts.push(
        el("polyline", {
          points: run.map((p) => `${xPos(p.x).toFixed(1)},${yPos(p.y).toFixed(1)}`).join(" "),
          fill: "none",
          stroke: s.color,
          "stroke-width": 2,
          ...(s.dashed ? { "stroke-dasharray": "5 3" } : {}),
        }),
      );
    }
    if (!panel.linearX) for (const p of pts) parts.push(el("circle", { cx: xPos(p.x), cy: yPos(p.y), r: 3, fill: s.color }));
  }
  return el("g", { transform: `translate(${ox + M.left},${oy + M.top})` }, parts);
}

function legend(series: readonly Pick<Series, "name" | "color" | "dashed">[], y: number, width: number): string {
  const parts: string[] = [];
  let x = 16;
  for (const s of series) {
    parts.push(el("line", { x1: x, x2: x + 22, y1: y - 4, y2: y - 4, stroke: s.color, "stroke-width": 3, ...(s.dashed ? { "stroke-dasharray": "5 3" } : {}) }));
    parts.push(text(x + 28, y, s.name));
    x += 40 + s.name.length * 6.5;
    if (x > width - 120) x = 16;
  }
  return el("g", {}, parts);
}

function frame(width: number, height: number, title: string, notes: readonly string[], body: readonly string[]): string {
  const head = [
    el("rect", { x: 0, y: 0, width, height, fill: "white" }),
    text(16, 22, title, { "font-size": 14, "font-weight": "bold" }),
    ...notes.map((note, i) => text(16, height - 10 - (notes.length - 1 - i) * 14, note, { "font-size": 10, fill: "#555" })),
  ];
  return el(
    "svg",
    { xmlns: "http://www.w3.org/2000/svg", width, height, viewBox: `0 0 ${width} ${height}`, "font-family": "sans-serif" },
    [...head, ...body],
  ) + "\n";
}

/** Panels in a grid under one title and one legend (series are matched across panels by name). */
export function lineChart(title: string, panels: readonly LinePanel[], notes: readonly string[] = [], columns = 3): string {
  const cols = Math.min(columns, Math.max(1, panels.length));
  const rows = Math.ceil(panels.length / cols);
  const width = cols * PANEL_W + 20;
  const height = 58 + rows * PANEL_H + 14 * notes.length + 10;
  const seen = new Map<string, Series>();
  for (const s of panels.flatMap((p) => p.series)) if (!seen.has(s.name)) seen.set(s.name, s);
  const body = [legend([...seen.values()], 44, width)];
  panels.forEach((panel, i) => body.push(linePanel(panel, 10 + (i % cols) * PANEL_W, 54 + Math.floor(i / cols) * PANEL_H)));
  return frame(width, height, title, notes, body);
}

export type Stack = { label: string; value: number; color: string };
export type Bar = { name: string; stacks: Stack[] };
export type BarGroup = { title: string; bars: Bar[] };

/** Groups of stacked horizontal bars on one shared scale, with each bar's total at its end. */
export function stackedBarChart(title: string, groups: readonly BarGroup[], format: (v: number) => string, notes: readonly string[] = []): string {
  const width = 760;
  const barH = 18;
  const labelW = 150;
  const plotW = width - labelW - 110;
  const total = (bar: Bar) => bar.stacks.reduce((a, s) => a + s.value, 0);
  const max = Math.max(1, ...groups.flatMap((g) => g.bars.map(total)));
  const ticks = niceTicks(max);
  const top = ticks[ticks.length - 1]!;
  const scale = (v: number) => (v / top) * plotW;
  const body: string[] = [];
  const keys = new Map<string, string>();
  for (const s of groups.flatMap((g) => g.bars.flatMap((b) => b.stacks))) keys.set(s.label, s.color);
  let x = 16;
  for (const [label, color] of keys) {
    body.push(el("rect", { x, y: 36, width: 12, height: 12, fill: color }), text(x + 18, 46, label));
    x += 30 + label.length * 6.5;
  }
  const bottom = 66 + groups.reduce((a, g) => a + 28 + g.bars.length * (barH + 6), 0);
  for (const t of ticks) {
    const tx = labelW + 16 + scale(t);
    body.push(el("line", { x1: tx, x2: tx, y1: 60, y2: bottom, stroke: "#e4e4e4" }), text(tx, bottom + 12, format(t), { "text-anchor": "middle", "font-size": 10 }));
  }
  let y = 66;
  for (const group of groups) {
    body.push(text(16, y + 12, group.title, { "font-weight": "bold" }));
    y += 20;
    for (const bar of group.bars) {
      body.push(text(labelW + 8, y + 13, bar.name, { "text-anchor": "end" }));
      let at = labelW + 16;
      for (const s of bar.stacks) {
        body.push(el("rect", { x: at, y, width: Math.max(0, scale(s.value)), height: barH, fill: s.color }));
        at += scale(s.value);
      }
      body.push(text(at + 6, y + 13, format(total(bar))));
      y += barH + 6;
    }
    y += 8;
  }
  const height = bottom + 26 + 14 * notes.length;
  return frame(width, height, title, notes, body);
}
