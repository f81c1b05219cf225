/**
 * Line charts as standalone SVG text: panels stacked vertically, each with its own y axis, a shared x axis,
 * ticks at round values, optional log scales and a legend. Used for the rollout-loop example's curves and the
 * benchmark's throughput plot; no dependency, so a chart can be written anywhere `rewardc` runs.
 *
 * Non-finite points are skipped (the line breaks there) rather than drawn at an edge.
 */

export interface Series {
  name: string;
  /** y values; `x` gives their positions (default 0, 1, 2, ...). */
  values: readonly number[];
  x?: readonly number[];
  /** A CSS colour; default from the palette by position. */
  color?: string;
  dashed?: boolean;
}

export interface Panel {
  title: string;
  yLabel?: string;
  yScale?: "linear" | "log";
  series: Series[];
}

export interface Chart {
  title: string;
  xLabel: string;
  xScale?: "linear" | "log";
  panels: Panel[];
  /** Total width in px (default 760); each panel is `panelHeight` px tall (default 240). */
  width?: number;
  panelHeight?: number;
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f"];
const MARGIN = { left: 70, right: 170, top: 30, bottom: 42 };
const TITLE_HEIGHT = 34;

export function renderChart(chart: Chart): string {
  const width = chart.width ?? 760;
  const panelHeight = chart.panelHeight ?? 240;
  const xScale = chart.xScale ?? "linear";
  const height = TITLE_HEIGHT + chart.panels.length * panelHeight;
  const plotWidth = width - MARGIN.left - MARGIN.right;

  const allX = chart.panels.flatMap((p) => p.series.flatMap((s) => xsOf(s)));
  const xDomain = domain(allX, xScale);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ];

  chart.panels.forEach((panel, p) => {
    const top = TITLE_HEIGHT + p * panelHeight + MARGIN.top - 14;
    const plotHeight = panelHeight - MARGIN.top - MARGIN.bottom + 14;
    const yScale = panel.yScale ?? "linear";
    const yDomain = domain(panel.series.flatMap((s) => [...s.values]), yScale);
    const px = (x: number): number => MARGIN.left + fraction(x, xDomain, xScale) * plotWidth;
    const py = (y: number): number => top + (1 - fraction(y, yDomain, yScale)) * plotHeight;

    out.push(`<text x="${MARGIN.left}" y="${top - 6}" font-weight="bold">${escapeXml(panel.title)}</text>`);
    out.push(`<rect x="${MARGIN.left}" y="${top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`);
    for (const t of ticks(yDomain, yScale)) {
      const y = py(t);
      out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${fmt(y)}" y2="${fmt(y)}" stroke="#eee"/>`);
      out.push(`<text x="${MARGIN.left - 6}" y="${fmt(y + 4)}" text-anchor="end">${escapeXml(tickLabel(t))}</text>`);
    }
    if (panel.yLabel) {
      const cy = top + plotHeight / 2;
      out.push(`<text x="16" y="${fmt(cy)}" text-anchor="middle" transform="rotate(-90 16 ${fmt(cy)})">${escapeXml(panel.yLabel)}</text>`);
    }
    for (const t of ticks(xDomain, xScale)) {
      const x = px(t);
      out.push(`<line x1="${fmt(x)}" x2="${fmt(x)}" y1="${top + plotHeight}" y2="${top + plotHeight + 4}" stroke="#999"/>`);
      out.push(`<text x="${fmt(x)}" y="${top + plotHeight + 17}" text-anchor="middle">${escapeXml(tickLabel(t))}</text>`);
    }
    if (p === chart.panels.length - 1) {
      out.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${top + plotHeight + 34}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`);
    }

    panel.series.forEach((s, k) => {
      const color = s.color ?? PALETTE[k % PALETTE.length]!;
      const xs = xsOf(s);
      for (const run of finiteRuns(xs, s.values, xScale, yScale)) {
        const d = run.map(([x, y], i) => `${i === 0 ? "M" : "L"}${fmt(px(x))},${fmt(py(y))}`).join(" ");
        out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ` stroke-dasharray="6 4"` : ""}/>`);
        if (run.length <= 12) for (const [x, y] of run) out.push(`<circle cx="${fmt(px(x))}" cy="${fmt(py(y))}" r="3" fill="${color}"/>`);
      }
      const ly = top + 12 + k * 18;
      const lx = MARGIN.left + plotWidth + 12;
      out.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dashed ? ` stroke-dasharray="6 4"` : ""}/>`);
      out.push(`<text x="${lx + 28}" y="${ly}">${escapeXml(s.name)}</text>`);
    });
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

const xsOf = (s: Series): number[] => (s.x ? [...s.x] : s.values.map((_, i) => i));

/** Consecutive drawable points; a non-finite value (or a non-positive one on a log scale) breaks the line. */
function finiteRuns(xs: readonly number[], ys: readonly number[], xScale: string, yScale: string): [number, number][][] {
  const runs: [number, number][][] = [];
  let current: [number, number][] = [];
  for (let i = 0; i < ys.length; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (drawable(x, xScale) && drawable(y, yScale)) current.push([x, y]);
    else if (current.length > 0) {
      runs.push(current);
      current = [];
    }
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

const drawable = (v: number, scale: string): boolean => Number.isFinite(v) && (scale !== "log" || v > 0);

/** The range to draw: the data's, padded on a linear scale, widened to whole decades on a log scale. */
function domain(values: readonly number[], scale: "linear" | "log"): [number, number] {
  const usable = values.filter((v) => drawable(v, scale));
  if (usable.length === 0) return scale === "log" ? [1, 10] : [0, 1];
  let lo = Math.min(...usable);
  let hi = Math.max(...usable);
  if (scale === "log") return [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi) + (lo === hi ? 1e-9 : 0))];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  return [lo, hi];
}

function fraction(v: number, [lo, hi]: [number, number], scale: "linear" | "log"): number {
  if (scale === "log") return (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
  return (v - lo) / (hi - lo);
}

/** Round tick values: 1-2-5 steps on a linear scale, decades on a log scale. */
function ticks([lo, hi]: [number, number], scale: "linear" | "log"): number[] {
  if (scale === "log") {
    const out: number[] = [];
    for (let e = Math.round(Math.log10(lo)); e <= Math.round(Math.log10(hi)); e++) out.push(10 ** e);
    return out;
  }
  const raw = (hi - lo) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

function tickLabel(v: number): string {
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(0).replace("e+", "e");
  return String(Number(v.toPrecision(6)));
}

const fmt = (v: number): string => v.toFixed(1);

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}
