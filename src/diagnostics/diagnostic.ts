/**
 * Diagnostics are plain data. Every stage collects them into a list instead of throwing;
 * `render.ts` is the one place that turns them into text, and `--json` prints them as they are.
 */

/** A half-open byte range [start, end) in one source file. */
export interface Span {
  file: string;
  start: number;
  end: number;
}

export type Severity = "error" | "warning";

export interface Label {
  span: Span;
  message: string;
  /** The primary label carries the caret (`^^^`); secondary labels are drawn with `---`. */
  primary: boolean;
}

export interface Diagnostic {
  severity: Severity;
  /** Stable code, e.g. `R0203`; documented in docs/diagnostics.md. */
  code: string;
  message: string;
  labels: Label[];
  notes: string[];
  help?: string;
}

export function error(code: string, message: string, span: Span, label = "", extra: Partial<Diagnostic> = {}): Diagnostic {
  return { severity: "error", code, message, labels: [{ span, message: label, primary: true }], notes: [], ...extra };
}

export function warning(code: string, message: string, span: Span, label = "", extra: Partial<Diagnostic> = {}): Diagnostic {
  return { severity: "warning", code, message, labels: [{ span, message: label, primary: true }], notes: [], ...extra };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** A bug in rewardc itself, never a user error. Carries its own message so it is never mistaken for one. */
export class InternalError extends Error {
  constructor(message: string) {
    super(`internal compiler error: ${message} (this is a bug in rewardc; please report it)`);
    this.name = "InternalError";
  }
}

export function spanUnion(a: Span, b: Span): Span {
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
