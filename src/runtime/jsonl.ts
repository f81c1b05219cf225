/**
 * JSONL: one rollout per line, a JSON object each. Blank lines (only whitespace) are skipped; line numbers
 * in errors are 1-based and count every line, blank or not, so they match an editor.
 *
 * Messages (field is always ""):
 *   invalid JSON: <the parser's message>
 *   expected a JSON object, found an array
 */
import type { IrModule } from "../compiler/ir.js";
import { ErrorSink, describeValue, type RowError } from "./errors.js";
import { batchFromRows, type RowsResult } from "./rows.js";

export type JsonlResult = { rows: unknown[]; lineNumbers: number[] } | { errors: RowError[] };

export function parseJsonl(text: string): JsonlResult {
  const sink = new ErrorSink();
  const rows: unknown[] = [];
  const lineNumbers: number[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      sink.add(i + 1, "", `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      sink.add(i + 1, "", `expected a JSON object, found ${describeValue(value)}`);
      continue;
    }
    rows.push(value);
    lineNumbers.push(i + 1);
  }
  return sink.count > 0 ? { errors: sink.finish() } : { rows, lineNumbers };
}

/** parseJsonl, then batchFromRows with the file's line numbers. */
export function batchFromJsonl(module: IrModule, text: string): RowsResult {
  const parsed = parseJsonl(text);
  if ("errors" in parsed) return parsed;
  return batchFromRows(module, parsed.rows, parsed.lineNumbers);
}
