/**
 * The one place diagnostics become text: rustc-style code frames, or JSON for editors and CI.
 */
import { isAbsolute, relative } from "node:path";
import type { Diagnostic, Label } from "./diagnostic.js";
import type { SourceMap } from "./sourceMap.js";

export interface RenderOptions {
  color?: boolean;
}

/** Imports resolve to absolute paths; show them relative to where the user stands, as compilers do. */
export function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel === "" ? file : rel;
}

const paint = (on: boolean, code: string, text: string): string => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

export function renderDiagnostic(d: Diagnostic, sources: SourceMap, options: RenderOptions = {}): string {
  const color = options.color ?? false;
  const severityColor = d.severity === "error" ? "1;31" : "1;33";
  const out: string[] = [`${paint(color, severityColor, `${d.severity}[${d.code}]`)}${paint(color, "1", `: ${d.message}`)}`];
  const primary = d.labels.find((l) => l.primary) ?? d.labels[0];
  if (primary) {
    const labels = [...d.labels].sort((a, b) => a.span.start - b.span.start);
    const lineNumbers = labels.map((l) => sources.position(l.span.file, l.span.start).line);
    const gutter = String(Math.max(...lineNumbers)).length;
    const pad = " ".repeat(gutter);
    const at = sources.position(primary.span.file, primary.span.start);
    out.push(`${pad}${paint(color, "1;34", "-->")} ${displayPath(primary.span.file)}:${at.line}:${at.column}`);
    out.push(`${pad} ${paint(color, "1;34", "|")}`);
    let previousFile = primary.span.file;
    let previousLine = -1;
    for (const label of labels) {
      if (label.span.file !== previousFile) {
        const p = sources.position(label.span.file, label.span.start);
        out.push(`${pad}${paint(color, "1;34", ":::")} ${displayPath(label.span.file)}:${p.line}:${p.column}`);
        previousFile = label.span.file;
        previousLine = -1;
      }
      out.push(...frameLines(label, sources, gutter, previousLine, color, severityColor));
      previousLine = sources.position(label.span.file, label.span.start).line;
    }
    out.push(`${pad} ${paint(color, "1;34", "|")}`);
    for (const note of d.notes) out.push(`${pad} ${paint(color, "1;34", "=")} note: ${note}`);
    if (d.help) out.push(`${pad} ${paint(color, "1;34", "=")} help: ${d.help}`);
  } else {
    for (const note of d.notes) out.push(`  = note: ${note}`);
    if (d.help) out.push(`  = help: ${d.help}`);
  }
  return out.join("\n");
}

/** Tabs are shown as this many spaces, so a caret line (made of spaces) lines up with the code above it. */
const TAB = "    ";

/** Columns `text` takes on screen: one per code point, `TAB.length` per tab. */
function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) width += character === "\t" ? TAB.length : 1;
  return width;
}

function frameLines(label: Label, sources: SourceMap, gutter: number, previousLine: number, color: boolean, severityColor: string): string[] {
  const { file, start, end } = label.span;
  const from = sources.position(file, start);
  const lines: string[] = [];
  const bar = paint(color, "1;34", "|");
  if (previousLine > 0 && from.line > previousLine + 1) lines.push(`${paint(color, "1;34", "...")}`);
  const text = sources.line(file, from.line);
  if (from.line !== previousLine) lines.push(`${paint(color, "1;34", String(from.line).padStart(gutter))} ${bar} ${text.replaceAll("\t", TAB)}`);
  // A multi-line span is underlined to the end of its first line; the label still names the whole thing.
  const lineStart = sources.lineStart(file, from.line);
  const startInLine = start - lineStart;
  const endInLine = Math.min(text.length, end - lineStart);
  const indent = displayWidth(text.slice(0, startInLine));
  const width = Math.max(1, displayWidth(text.slice(startInLine, endInLine)));
  const marker = (label.primary ? "^" : "-").repeat(width);
  const markerColor = label.primary ? severityColor : "1;34";
  const underline = `${" ".repeat(indent)}${paint(color, markerColor, marker)}${label.message ? " " + paint(color, markerColor, label.message) : ""}`;
  lines.push(`${" ".repeat(gutter)} ${bar} ${underline}`);
  return lines;
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], sources: SourceMap, options: RenderOptions = {}): string {
  const parts = diagnostics.map((d) => renderDiagnostic(d, sources, options));
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (errors + warnings > 0) {
    const summary: string[] = [];
    if (errors) summary.push(`${errors} error${errors === 1 ? "" : "s"}`);
    if (warnings) summary.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
    parts.push(`${summary.join(", ")} emitted`);
  }
  return parts.join("\n\n");
}

/** JSON form for editors and CI: spans gain 1-based line/column so consumers need no source text. */
export function diagnosticsToJson(diagnostics: readonly Diagnostic[], sources: SourceMap): unknown[] {
  return diagnostics.map((d) => ({
    ...d,
    labels: d.labels.map((l) => {
      const start = sources.position(l.span.file, l.span.start);
      const end = sources.position(l.span.file, l.span.end);
      return { ...l, span: { ...l.span, line: start.line, column: start.column, endLine: end.line, endColumn: end.column } };
    }),
  }));
}
