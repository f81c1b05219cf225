/**
 * Text features: the scalars the host computes from `string` inputs before the kernels run. Backends never see
 * a string; each feature is a derived input (`InputDecl.feature`), one value per rollout, read like any other.
 *
 * Semantics (the reference for docs/language.md; every function is total: no string makes one throw):
 *
 * Strings are JavaScript strings (UTF-16; a lone surrogate is one code point, as Python counts it).
 *
 *   matches(s, re)        bool  ECMAScript RegExp `re` with flags `<i m s as written> + "u"` finds a match
 *                               anywhere in s (search, not full match: anchor with ^ and $).
 *   count_matches(s, re)  i32   non-overlapping matches, scanning left to right as Python's len(re.findall) and
 *                               JavaScript's s.match(/re/g) do; after an empty match the scan moves on by one
 *                               code point, so `x*` on "ab" counts 3.
 *   count(s, needle)      i32   non-overlapping occurrences of `needle`, as Python's str.count: "aaaa" holds
 *                               "aa" twice; an empty needle occurs chars(s) + 1 times. An occurrence never splits
 *                               a surrogate pair.
 *   chars(s)              i32   length in Unicode code points (Python's len).
 *   words(s)              i32   maximal runs of non-whitespace (Python's len(s.split())), whitespace being
 *                               ECMAScript's \s: tab, U+000B, U+000C, the space separators (Zs), the line
 *                               terminators LF, CR, U+2028, U+2029, and U+FEFF. Not Unicode White_Space: U+0085
 *                               is not in it, nor U+001C..U+001F, on all of which Python's split() also splits.
 *   has_number(s)         bool  s contains a number (grammar below).
 *   final_number(s)       f32   the value of the last number in s; NaN when there is none.
 *   number(s)             f32   s, trimmed, read as one number: optional sign (+ allowed here), optional `$`, then
 *                               a number of the grammar below and nothing else ("-$1,234.50", "+2.", "1e-3",
 *                               " 7 "); NaN otherwise ("12%", "1/2", "\frac{1}{2}", "5 apples", "", "Infinity").
 *   equals(a, b)          bool  a and b are the same string (no normalisation: compose with trim and lower).
 *
 * String functions: trim(s) is String.prototype.trim (the whitespace above); lower(s) is toLowerCase
 * (locale-independent). boxed(s) is the content of the last `\boxed{` or `\fbox{` in s (by where it starts, so in
 * `\boxed{\boxed{1}}` it is the inner one), up to its matching `}`; braces nest, and a backslash escapes the next
 * character (`\{` and `\}` are literal braces). "" when s has none or the last one is never closed.
 *
 * The number grammar (what math-RL verifiers extract: verl's gsm8k reward takes the last run of digits, commas and
 * dots; lm-eval's flexible extract is similar; this is that, made precise):
 *
 *   number    = [sign] mantissa [exponent]
 *   sign      = "-" | "\u2212"          only when not right after a letter or digit: "x-1" and "3-4" hold 1, 3 and 4
 *   mantissa  = integer ["." digit*] | "." digit+
 *   integer   = digit{1,3} (sep digit{3})+   (not followed by a digit)   |   digit+
 *   sep       = "," | "{,}"             thousands separators, dropped: "1,234" is 1234, LaTeX's "1{,}234" too;
 *                                        "1,2,3" is three numbers and "1,2345" is 1 then 2345
 *   exponent  = ("e" | "E") ["+" | "-"] digit+
 *   digit     = 0-9 (ASCII only)
 *
 * Numbers are found left to right, each as long as possible, so "1.2.3" holds 1.2 and .3, and "5." is 5. The text
 * of a number, separators dropped, is read as a double (JavaScript's Number) and rounded to float32: a number
 * beyond float32's range is +-Infinity, like any float32 overflow.
 */
import type { Column } from "../compiler/columnOps.js";
import { allocColumn } from "../compiler/columnOps.js";
import type { InputDecl, IrModule, TextExpr, TextFeature } from "../compiler/ir.js";
import { InternalError } from "../diagnostics/diagnostic.js";
import { FEATURE_TYPES, textRegExp } from "../compiler/text.js";

export { FEATURE_TYPES, textRegExp };

/**
 * The derived columns of `module` (one per input with a `feature`) for a batch of `size` rollouts whose `string`
 * inputs are `texts` (name -> one string per rollout; the caller has checked names, lengths and types). Each regex
 * is compiled once and each string expression evaluated once per batch, however many features share it.
 */
export function computeTextFeatures(module: IrModule, texts: ReadonlyMap<string, readonly string[]>, size: number): Map<string, Column> {
  const strings = new Map<string, readonly string[] | string>();
  const evaluate = (expr: TextExpr): readonly string[] | string => {
    const key = JSON.stringify(expr);
    let value = strings.get(key);
    if (value === undefined) {
      value = evaluateText(expr, texts, size, evaluate);
      strings.set(key, value);
    }
    return value;
  };
  const columns = new Map<string, Column>();
  for (const decl of module.inputs) {
    if (decl.feature === undefined) continue;
    columns.set(decl.name, featureColumn(decl, decl.feature, size, evaluate));
  }
  return columns;
}

/** The derived inputs of `module` (those the host computes). */
export function isDerived(decl: InputDecl): boolean {
  return decl.feature !== undefined;
}

/** A string expression over the batch: one string per rollout, or one string for all (a literal, or a function of one). */
function evaluateText(
  expr: TextExpr,
  texts: ReadonlyMap<string, readonly string[]>,
  size: number,
  evaluate: (e: TextExpr) => readonly string[] | string,
): readonly string[] | string {
  switch (expr.kind) {
    case "literal":
      return expr.value;
    case "input": {
      const column = texts.get(expr.name);
      if (column === undefined) throw new InternalError(`text feature reads \`${expr.name}\`, which is not a string input of the batch`);
      if (column.length !== size) throw new InternalError(`string input \`${expr.name}\` has ${column.length} values for ${size} rollouts`);
      return column;
    }
    case "call": {
      const arg = evaluate(expr.arg);
      const fn = STRING_FUNCTIONS[expr.fn];
      if (typeof arg === "string") return fn(arg);
      const out: string[] = new Array(size);
      for (let i = 0; i < size; i++) out[i] = fn(arg[i]!);
      return out;
    }
  }
}

const STRING_FUNCTIONS: Record<"boxed" | "trim" | "lower", (s: string) => string> = {
  boxed,
  trim: (s) => s.trim(),
  lower: (s) => s.toLowerCase(),
};

function featureColumn(decl: InputDecl, feature: TextFeature, size: number, evaluate: (e: TextExpr) => readonly string[] | string): Column {
  const type = FEATURE_TYPES[feature.fn];
  if (decl.type !== type || decl.axis !== null) {
    throw new InternalError(`derived input \`${decl.name}\` (${feature.fn}) must be a per-rollout ${type}, found ${decl.type}${decl.axis === null ? "" : ` along \`${decl.axis}\``}`);
  }
  const out = allocColumn(type, size);
  const at = (values: readonly string[] | string, i: number): string => (typeof values === "string" ? values : values[i]!);
  if (feature.fn === "equals") {
    const left = evaluate(feature.left);
    const right = evaluate(feature.right);
    for (let i = 0; i < size; i++) out[i] = at(left, i) === at(right, i) ? 1 : 0;
    return out;
  }
  const arg = evaluate(feature.arg);
  const fn = scalarFunction(feature);
  for (let i = 0; i < size; i++) out[i] = fn(at(arg, i));
  return out;
}

/** The feature as a function of one string (regexes compiled here, once). */
function scalarFunction(feature: Exclude<TextFeature, { fn: "equals" }>): (s: string) => number {
  switch (feature.fn) {
    case "matches": {
      const re = textRegExp(feature.pattern, feature.flags);
      return (s) => (re.test(s) ? 1 : 0);
    }
    case "count_matches": {
      const re = textRegExp(feature.pattern, feature.flags, true);
      return (s) => countMatches(re, s);
    }
    case "count": {
      const needle = feature.needle;
      return (s) => countOccurrences(s, needle);
    }
    case "chars":
      return codePoints;
    case "words":
      return words;
    case "has_number":
      return (s) => (hasNumber(s) ? 1 : 0);
    case "final_number":
      return finalNumber;
    case "number":
      return parseNumber;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Regexes

/** Non-overlapping matches of a global, unicode `re` in s; an empty match moves on by one code point. */
export function countMatches(re: RegExp, s: string): number {
  re.lastIndex = 0;
  let n = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    n++;
    if (m[0].length === 0) re.lastIndex = advance(s, re.lastIndex);
  }
  return n;
}

function advance(s: string, i: number): number {
  if (i + 1 < s.length && isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1))) return i + 2;
  return i + 1;
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

// ---------------------------------------------------------------------------------------------------------
// Counting

/** Python's str.count: non-overlapping, left to right; an occurrence never splits a surrogate pair. */
export function countOccurrences(s: string, needle: string): number {
  if (needle.length === 0) return codePoints(s) + 1;
  let n = 0;
  let from = 0;
  for (let at = s.indexOf(needle, from); at !== -1; at = s.indexOf(needle, from)) {
    const end = at + needle.length;
    if (splitsPair(s, at) || splitsPair(s, end)) {
      from = at + 1;
      continue;
    }
    n++;
    from = end;
  }
  return n;
}

/** True when index i falls between the halves of a surrogate pair. */
function splitsPair(s: string, i: number): boolean {
  return i > 0 && i < s.length && isHigh(s.charCodeAt(i - 1)) && isLow(s.charCodeAt(i));
}

/** Length in code points; a lone surrogate counts as one. */
export function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i + 1 < s.length; i++) {
    if (isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1))) {
      n--;
      i++;
    }
  }
  return n;
}

const WORD = /\S+/gu;

/** Maximal runs of non-whitespace. */
export function words(s: string): number {
  WORD.lastIndex = 0;
  let n = 0;
  while (WORD.exec(s) !== null) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// Numbers

const INTEGER = String.raw`(?:\d{1,3}(?:(?:,|\{,\})\d{3})+(?!\d)|\d+)`;
const MANTISSA = String.raw`(?:${INTEGER}(?:\.\d*)?|\.\d+)`;
const EXPONENT = String.raw`(?:[eE][-+]?\d+)?`;
const SIGN = String.raw`(?:(?<![\p{L}\p{N}])[-\u2212])?`;
const NUMBER_SOURCE = `${SIGN}${MANTISSA}${EXPONENT}`;

const NUMBER = new RegExp(NUMBER_SOURCE, "u");
const NUMBERS = new RegExp(NUMBER_SOURCE, "gu");
const WHOLE_NUMBER = new RegExp(String.raw`^[-+\u2212]?\$?${MANTISSA}${EXPONENT}$`, "u");

/** The float32 value of a number's text (a match of the grammar). */
function valueOf(text: string): number {
  const plain = text.replace(/\{,\}|,|\$/g, "").replace("\u2212", "-");
  return Math.fround(Number(plain));
}

export function hasNumber(s: string): boolean {
  return NUMBER.test(s);
}

/** The last number in s, or NaN. */
export function finalNumber(s: string): number {
  NUMBERS.lastIndex = 0;
  let last: string | null = null;
  for (let m = NUMBERS.exec(s); m !== null; m = NUMBERS.exec(s)) last = m[0];
  return last === null ? NaN : valueOf(last);
}

/** Every number in s, in order (their values): what final_number picks the last of. */
export function numbersIn(s: string): number[] {
  NUMBERS.lastIndex = 0;
  const out: number[] = [];
  for (let m = NUMBERS.exec(s); m !== null; m = NUMBERS.exec(s)) out.push(valueOf(m[0]));
  return out;
}

/** s, trimmed, as one number (optional sign and `$`), or NaN. */
export function parseNumber(s: string): number {
  const t = s.trim();
  return WHOLE_NUMBER.test(t) ? valueOf(t) : NaN;
}

// ---------------------------------------------------------------------------------------------------------
// \boxed{...}

const BOX_OPENERS = ["\\boxed{", "\\fbox{"];

/** The content of the last `\boxed{...}` or `\fbox{...}` (braces balanced, `\` escaping), or "". */
export function boxed(s: string): string {
  let start = -1;
  let open = "";
  for (const opener of BOX_OPENERS) {
    const at = s.lastIndexOf(opener);
    if (at > start) {
      start = at;
      open = opener;
    }
  }
  if (start < 0) return "";
  const from = start + open.length;
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x7b /* { */) depth++;
    else if (c === 0x7d /* } */ && --depth === 0) return s.slice(from, i);
  }
  return "";
}
