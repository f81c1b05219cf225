/**
 * JSONL: one rollout per line, a JSON object each. Blank lines (only whitespace) are skipped; line numbers
 * in errors are 1-based and count every line, blank or not, so they match an editor. A byte order mark at
 * the start of the file (as some Windows tools write) is skipped.
 *
 * Messages (field is "" for the first three, the repeated key for the fourth):
 *   not valid UTF-8                       (from bytes: parseJsonlBytes)
 *   invalid JSON: <the parser's message>
 *   expected a JSON object, found an array
 *   field `x` appears more than once      (JSON.parse would silently keep the last one)
 */
import type { IrModule } from "../compiler/ir.js";
import { ErrorSink, describeValue, type RowError } from "./errors.js";
import { batchFromRows, type RowsResult } from "./rows.js";

export type JsonlResult =
  | {
      rows: unknown[];
      lineNumbers: number[];
      /** Each row's JSON text as written, without surrounding whitespace: rows can be written back unchanged. */
      texts: string[];
    }
  | { errors: RowError[] };

const BYTE_ORDER_MARK = "\uFEFF";

export function parseJsonl(text: string): JsonlResult {
  const sink = new ErrorSink();
  const rows: unknown[] = [];
  const lineNumbers: number[] = [];
  const texts: string[] = [];
  const lines = (text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text).split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
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
    // JSON.parse accepted the line, so what surrounds the object is JSON whitespace (a `\r` included).
    const json = line.trim();
    const repeated = repeatedKey(json, value);
    if (repeated !== null) {
      sink.add(i + 1, repeated, `field \`${repeated}\` appears more than once`);
      continue;
    }
    rows.push(value);
    lineNumbers.push(i + 1);
    texts.push(json);
  }
  return sink.count > 0 ? { errors: sink.finish() } : { rows, lineNumbers, texts };
}

/**
 * JSONL bytes -> rows, as parseJsonl; bytes that are not UTF-8 are an error naming each line they are on
 * (`not valid UTF-8`), never replaced with U+FFFD, which could make two different strings one.
 */
export function parseJsonlBytes(bytes: Uint8Array): JsonlResult {
  const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let text: string | null = null;
  try {
    text = fatal.decode(bytes);
  } catch {
    // Only on bad input: find the lines. A newline byte never occurs inside a UTF-8 sequence, so lines split cleanly.
  }
  if (text !== null) return parseJsonl(text);
  const sink = new ErrorSink();
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    try {
      fatal.decode(bytes.subarray(start, end));
    } catch {
      sink.add(line, "", "not valid UTF-8");
    }
    start = end + 1;
  }
  return { errors: sink.finish() };
}

/** parseJsonl, then batchFromRows with the file's line numbers. */
export function batchFromJsonl(module: IrModule, text: string): RowsResult {
  const parsed = parseJsonl(text);
  if ("errors" in parsed) return parsed;
  return batchFromRows(module, parsed.rows, parsed.lineNumbers);
}

/** The first top-level key that `json` (the text `parsed` came from) spells more than once, or null. */
function repeatedKey(json: string, parsed: object): string | null {
  // Every key is followed by a colon, so a text with no more colons than the object has keys repeats none.
  // That settles the usual row without scanning it; strings holding colons and nested objects take the scan.
  const keyCount = Object.keys(parsed).length;
  let colons = 0;
  for (let at = json.indexOf(":"); at !== -1 && colons <= keyCount; at = json.indexOf(":", at + 1)) colons++;
  if (colons <= keyCount) return null;
  const seen = new Set<string>();
  for (const key of topLevelKeys(json)) {
    if (seen.has(key)) return key;
    seen.add(key);
  }
  return null;
}

/** The keys of a valid JSON object's text, in order, repeats included (decoded: `"\u0061"` is `a`). */
function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      const end = closingQuote(json, i);
      if (depth === 1 && json[skipWhitespace(json, end + 1)] === ":") keys.push(JSON.parse(json.slice(i, end + 1)) as string);
      i = end;
    } else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
  }
  return keys;
}

function closingQuote(json: string, open: number): number {
  let i = open + 1;
  while (json[i] !== '"') i += json[i] === "\\" ? 2 : 1;
  return i;
}

function skipWhitespace(json: string, from: number): number {
  let i = from;
  while (json[i] === " " || json[i] === "\t" || json[i] === "\n" || json[i] === "\r") i++;
  return i;
}
