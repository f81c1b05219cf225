/**
 * The `text.*` functions as the compiler sees them: their signatures, the reading of string literals, the
 * checks on regex patterns and flags, and the derived inputs that carry their results to the kernels.
 * The host computes the values (`src/runtime/text.ts`); nothing here runs on strings per rollout.
 */
import type { InputDecl, Scalar, TextExpr, TextFeature } from "./ir.js";

/** How an argument of a `text.*` function is read. */
export type TextParam =
  /** any string-valued expression */
  | "string"
  /** a string literal read as an ECMAScript regex (escapes go to the engine) */
  | "pattern"
  /** a string literal, escapes decoded */
  | "needle";

export interface TextFunction {
  params: TextParam[];
  /** Whether `flags:` is accepted. */
  flags: boolean;
  /** The result: a scalar the host computes, or a string (usable only inside other text functions and `==`). */
  result: Scalar | "string";
}

export const TEXT_NAMESPACE = "text";

export const TEXT_FUNCTIONS: ReadonlyMap<string, TextFunction> = new Map<string, TextFunction>([
  ["matches", { params: ["string", "pattern"], flags: true, result: "bool" }],
  ["count_matches", { params: ["string", "pattern"], flags: true, result: "i32" }],
  ["count", { params: ["string", "needle"], flags: false, result: "i32" }],
  ["chars", { params: ["string"], flags: false, result: "i32" }],
  ["words", { params: ["string"], flags: false, result: "i32" }],
  ["has_number", { params: ["string"], flags: false, result: "bool" }],
  ["final_number", { params: ["string"], flags: false, result: "f32" }],
  ["number", { params: ["string"], flags: false, result: "f32" }],
  ["boxed", { params: ["string"], flags: false, result: "string" }],
  ["trim", { params: ["string"], flags: false, result: "string" }],
  ["lower", { params: ["string"], flags: false, result: "string" }],
]);

/** The scalar type of each feature's derived input. */
export const FEATURE_TYPES: Record<TextFeature["fn"], Scalar> = {
  matches: "bool",
  count_matches: "i32",
  count: "i32",
  chars: "i32",
  words: "i32",
  has_number: "bool",
  final_number: "f32",
  number: "f32",
  equals: "bool",
};

/** Regex flags a pattern may use; `u` is always on, `g` is the host's business. */
export const REGEX_FLAGS = "ims";

/**
 * A regex pattern's source between the quotes as the engine gets it: only `\"` is turned into `"` (a quote
 * cannot otherwise be written). Every other escape reaches the engine as written, which reads `\n`, `\t` and
 * `\\` the way a decoded string would, so both readings agree.
 */
export function patternSource(raw: string): string {
  return raw.replace(/\\(.)/gsu, (whole, escaped: string) => (escaped === '"' ? '"' : whole));
}

/** A plain string literal's value: `\n`, `\t`, `\\` and `\"` decoded; any other escape is an error (its offset in `raw`). */
export function decodeString(raw: string): { value: string } | { badEscape: string; offset: number } {
  let value = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== "\\") {
      value += c;
      continue;
    }
    const next = raw.codePointAt(i + 1);
    const escaped = next === undefined ? "" : String.fromCodePoint(next);
    const decoded = ESCAPES[escaped];
    if (decoded === undefined) return { badEscape: `\\${escaped}`, offset: i };
    value += decoded;
    i += escaped.length;
  }
  return { value };
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", "\\": "\\", '"': '"' };

/**
 * The RegExp of a `matches`/`count_matches` pattern, the one definition the checker and the host share: flags as
 * written (any of i, m, s) plus `u`, and `g` for counting. Throws a SyntaxError for a pattern ECMAScript rejects.
 */
export function textRegExp(pattern: string, flags: string, global = false): RegExp {
  const bad = flagsError(flags);
  if (bad) throw new SyntaxError(bad);
  return new RegExp(pattern, `${flags}u${global ? "g" : ""}`);
}

/** The regex engine's complaint about a pattern, or null when it compiles as the host will compile it. */
export function regexError(pattern: string, flags: string): string | null {
  const bad = flagsError(flags);
  if (bad) return bad;
  try {
    textRegExp(pattern, flags);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** What is wrong with a flags string, or null. */
export function flagsError(flags: string): string | null {
  for (const [i, f] of [...flags].entries()) {
    if (!REGEX_FLAGS.includes(f)) return `unknown flag \`${f}\`: flags are \`i\` (ignore case), \`m\` (multiline ^ and $) and \`s\` (. matches newlines)`;
    if (flags.indexOf(f) !== i) return `flag \`${f}\` is given twice`;
  }
  return null;
}

/** Equal features have equal keys: the identity under which derived inputs are shared. */
export function featureKey(feature: TextFeature): string {
  return JSON.stringify(feature);
}

/**
 * The derived input's name: `text.<fn>#<k>`. The `.` and `#` keep it apart from every name a spec can
 * declare; the WGSL namer turns it into `text_<fn>_<k>` (deduplicated against user names like any other).
 */
export function derivedInputName(feature: TextFeature, k: number): string {
  return `${TEXT_NAMESPACE}.${feature.fn}#${k}`;
}

export function derivedInput(feature: TextFeature, k: number): InputDecl {
  return { name: derivedInputName(feature, k), type: FEATURE_TYPES[feature.fn], axis: null, range: null, feature };
}

/** The string inputs a feature reads. */
export function featureTexts(feature: TextFeature): string[] {
  const names: string[] = [];
  const walk = (e: TextExpr): void => {
    if (e.kind === "input") names.push(e.name);
    else if (e.kind === "call") walk(e.arg);
  };
  if (feature.fn === "equals") {
    walk(feature.left);
    walk(feature.right);
  } else walk(feature.arg);
  return names;
}

/** A feature as source-like text, for `printIr` and messages: `text.matches(completion, "^<think>", "s")`. */
export function printFeature(feature: TextFeature): string {
  if (feature.fn === "equals") return `${printTextExpr(feature.left)} == ${printTextExpr(feature.right)}`;
  const args = [printTextExpr(feature.arg)];
  if (feature.fn === "matches" || feature.fn === "count_matches") {
    args.push(patternLiteral(feature.pattern));
    if (feature.flags) args.push(`flags: ${JSON.stringify(feature.flags)}`);
  }
  if (feature.fn === "count") args.push(JSON.stringify(feature.needle));
  return `text.${feature.fn}(${args.join(", ")})`;
}

/** A pattern as it could be written in a spec: quotes escaped, everything else as the engine reads it. */
function patternLiteral(pattern: string): string {
  return `"${pattern.replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r")}"`;
}

export function printTextExpr(e: TextExpr): string {
  switch (e.kind) {
    case "input":
      return e.name;
    case "literal":
      return JSON.stringify(e.value);
    case "call":
      return `text.${e.fn}(${printTextExpr(e.arg)})`;
  }
}
