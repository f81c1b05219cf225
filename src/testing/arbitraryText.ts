/**
 * Strings for the `string` inputs of a spec, built so its text features see both matches and non-matches: pieces
 * drawn from the spec's own literals (a sample of each regex and its literal runs, needles, `==` literals), small
 * numbers (bare, negative, decimal, with thousands separators, in `\boxed{}`), words, whitespace and newlines, and
 * a little random text; now and then one repeated many times, for rewards on length. Single pieces are weighted
 * in, and everything shrinks towards fewer, simpler pieces, so a counterexample's strings come out short.
 */
import fc from "fast-check";
import type { IrModule, TextExpr, TextFeature } from "../compiler/ir.js";

/** The literals of `module`'s text features, and a sample string of each regex with its literal runs. */
export function specLiterals(module: IrModule): string[] {
  const found: string[] = [];
  const visitExpr = (e: TextExpr): void => {
    if (e.kind === "literal") found.push(e.value);
    else if (e.kind === "call") visitExpr(e.arg);
  };
  const visit = (f: TextFeature): void => {
    if (f.fn === "equals") {
      visitExpr(f.left);
      visitExpr(f.right);
      return;
    }
    visitExpr(f.arg);
    if (f.fn === "matches" || f.fn === "count_matches") {
      const { sample, fragments } = patternSample(f.pattern);
      found.push(sample, ...fragments);
    } else if (f.fn === "count") found.push(f.needle);
  };
  for (const input of module.inputs) if (input.feature) visit(input.feature);
  // Shortest first: a constant shrinks towards the front of its list.
  return [...new Set(found)].filter((s) => s.length > 0).sort((x, y) => x.length - y.length || (x < y ? -1 : x > y ? 1 : 0));
}

/** At most this many repetitions of the atom before `{n}`, `{n,}` or `{n,m}` are spelled out in a sample. */
const MAX_REPEAT = 8;

/**
 * A string a regex pattern probably matches, and the runs of literal characters in it: `^<a>.*</a>\s*$` gives
 * "<a>x</a> " and ["<a>", "</a>"]. Classes give one member, `.` gives "x", `{n}` repeats the atom before it,
 * alternatives are all spelled out one after the other (so the sample holds each of them), and lookarounds are
 * read as plain groups: a sample, not a proof. Patterns are valid with the `u` flag, so a brace or bracket that
 * means itself is escaped.
 */
export function patternSample(pattern: string): { sample: string; fragments: string[] } {
  let sample = "";
  let run = "";
  let lastAtom = "";
  const fragments: string[] = [];
  const flush = (): void => {
    if (run.length > 0) fragments.push(run);
    run = "";
  };
  const literal = (s: string): void => {
    sample += s;
    run += s;
    lastAtom = s;
  };
  const other = (s: string): void => {
    flush();
    sample += s;
    lastAtom = s;
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "\\") {
      const { text, isLiteral, length } = readEscape(pattern, i);
      if (isLiteral) literal(text);
      else other(text);
      i += length;
    } else if (c === "[") {
      const end = classEnd(pattern, i);
      other(classMember(pattern.slice(i + 1, end)));
      i = end + 1;
    } else if (c === "(") {
      flush();
      lastAtom = "";
      i++;
      if (pattern[i] === "?") {
        // (?: (?= (?! (?<= (?<! (?<name>
        i++;
        if (pattern[i] === "<" && pattern[i + 1] !== "=" && pattern[i + 1] !== "!") i = pattern.indexOf(">", i) + 1;
        else i += pattern[i] === "<" ? 2 : 1;
      }
    } else if (c === "{") {
      const close = pattern.indexOf("}", i);
      const min = Math.min(MAX_REPEAT, Number.parseInt(pattern.slice(i + 1, close), 10) || 0);
      flush();
      sample += lastAtom.repeat(Math.max(0, min - 1));
      i = close + 1;
    } else if (c === ".") {
      other("x");
      i++;
    } else if (c === ")" || c === "|" || c === "^" || c === "$" || c === "*" || c === "+" || c === "?") {
      flush();
      if (c === ")" || c === "|") lastAtom = "";
      i++;
    } else {
      const cp = pattern.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      literal(ch);
      i += ch.length;
    }
  }
  flush();
  return { sample, fragments: [...new Set(fragments)] };
}

const CLASS_ESCAPES: Record<string, string> = { d: "7", D: "x", w: "a", W: " ", s: " ", S: "x" };
const CONTROL_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v", "0": "\0" };

/** The escape at `pattern[at] === "\\"`: what it stands for in a sample, whether that is a fixed literal, its length. */
function readEscape(pattern: string, at: number): { text: string; isLiteral: boolean; length: number } {
  const next = pattern[at + 1] ?? "";
  if (next in CLASS_ESCAPES) return { text: CLASS_ESCAPES[next]!, isLiteral: false, length: 2 };
  if (next in CONTROL_ESCAPES) return { text: CONTROL_ESCAPES[next]!, isLiteral: true, length: 2 };
  if (next === "b" || next === "B") return { text: "", isLiteral: false, length: 2 };
  if (next === "p" || next === "P" || next === "k") {
    const close = pattern.indexOf(next === "k" ? ">" : "}", at);
    return { text: next === "p" ? "a" : next === "P" ? "1" : "", isLiteral: false, length: close - at + 1 };
  }
  if (next >= "1" && next <= "9") {
    let end = at + 2;
    while (pattern[end]! >= "0" && pattern[end]! <= "9") end++;
    return { text: "", isLiteral: false, length: end - at };
  }
  if (next === "u" && pattern[at + 2] === "{") {
    const close = pattern.indexOf("}", at);
    return { text: String.fromCodePoint(Number.parseInt(pattern.slice(at + 3, close), 16)), isLiteral: true, length: close - at + 1 };
  }
  if (next === "u") return { text: String.fromCharCode(Number.parseInt(pattern.slice(at + 2, at + 6), 16)), isLiteral: true, length: 6 };
  if (next === "x") return { text: String.fromCharCode(Number.parseInt(pattern.slice(at + 2, at + 4), 16)), isLiteral: true, length: 4 };
  if (next === "c") return { text: String.fromCharCode(pattern.charCodeAt(at + 2) % 32), isLiteral: true, length: 3 };
  const cp = pattern.codePointAt(at + 1);
  const ch = cp === undefined ? "\\" : String.fromCodePoint(cp);
  return { text: ch, isLiteral: true, length: 1 + ch.length };
}

/** The index of the `]` closing the class that opens at `open`. */
function classEnd(pattern: string, open: number): number {
  let i = open + 1;
  while (i < pattern.length && pattern[i] !== "]") i += pattern[i] === "\\" ? 2 : 1;
  return i;
}

/** One character the class `[body]` matches (a guess for a negated class: a character it does not name). */
function classMember(body: string): string {
  if (body.startsWith("^")) return ["x", "a", "0", " ", "~", "\n"].find((c) => !body.includes(c)) ?? "";
  if (body.length === 0) return "";
  if (body[0] === "\\") return readEscape(body, 0).text;
  return String.fromCodePoint(body.codePointAt(0)!);
}

const WORDS = ["the", "answer", "is", "Yes", "no", "Step", "so", "Final"];
const SPACES = [" ", "\n", "\t", "  ", "\n\n"];

/** Number texts: mostly small (so strings of different inputs agree now and then), with the grammar's shapes weighted in. */
const numberText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 3 }).map(String) },
  { weight: 2, arbitrary: fc.integer({ min: -1000, max: 1000 }).map(String) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => `${a}.${b}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 9999999 }).map((n) => n.toLocaleString("en-US")) },
  { weight: 1, arbitrary: fc.constantFrom(".5", "2.", "1e-3", "-0") },
);

/**
 * A string before its rollout's shared values are filled in: text, or the index of one of the rollout's `SLOTS`
 * shared values. The strings of one rollout draw on the same shared values, so a completion's `\boxed{}` and the
 * reference answer agree often enough for `==` and number comparisons to be true as well as false.
 */
type Token = string | number;
const SLOTS = 2;

/** The strings of `count` string inputs of one rollout of `module`, drawing on shared values. */
export function arbitraryTexts(module: IrModule, count: number): fc.Arbitrary<string[]> {
  if (count === 0) return fc.constant([]);
  const literals = specLiterals(module);
  // An index rather than constantFrom, which shrinks straight to the first constant or not at all.
  const literal = fc.integer({ min: 0, max: Math.max(0, literals.length - 1) }).map((i) => literals[i]!);
  const withLiterals = (weight: number): fc.WeightedArbitrary<string>[] => (literals.length > 0 ? [{ weight, arbitrary: literal }] : []);
  const shared = fc.oneof({ weight: 3, arbitrary: numberText }, ...withLiterals(2), { weight: 1, arbitrary: fc.constantFrom(...WORDS) });
  const slot = fc.integer({ min: 0, max: SLOTS - 1 });
  const pieces: fc.WeightedArbitrary<Token[]>[] = [
    { weight: 3, arbitrary: slot.map((i) => [i]) },
    { weight: 3, arbitrary: slot.map((i) => ["\\boxed{", i, "}"]) },
    ...withLiterals(4).map((w) => ({ weight: w.weight, arbitrary: w.arbitrary.map((t) => [t]) })),
    { weight: 2, arbitrary: numberText.map((t) => [t]) },
    { weight: 1, arbitrary: numberText.map((n) => [`\\boxed{${n}}`]) },
    { weight: 2, arbitrary: fc.constantFrom(...WORDS).map((t) => [t]) },
    { weight: 2, arbitrary: fc.constantFrom(...SPACES).map((t) => [t]) },
    { weight: 1, arbitrary: fc.string({ maxLength: 3 }).map((t) => [t]) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 2 }).map((t) => [t]) },
  ];
  const piece = fc.oneof(...pieces);
  // Pieces joined with nothing, a space or a newline, so word counts vary as much as the pieces.
  const joined = fc.tuple(fc.array(piece, { maxLength: 8 }), fc.constantFrom("", " ", "\n")).map(([parts, separator]) => parts.flatMap((p, i) => (i === 0 ? p : [separator, ...p])));
  const template: fc.Arbitrary<Token[]> = fc.oneof(
    { withCrossShrink: true },
    { weight: 2, arbitrary: piece },
    // Exactly one of the shared values, as a reference answer is.
    { weight: 1, arbitrary: slot.map((i) => [i]) },
    { weight: 3, arbitrary: joined },
    // Long strings now and then, for rewards on length (overlong penalties, word budgets).
    { weight: 1, arbitrary: fc.tuple(joined, fc.integer({ min: 1, max: 40 })).map(([tokens, times]) => Array.from({ length: times }, () => [...tokens, " "]).flat()) },
  );
  return fc.tuple(fc.array(shared, { minLength: SLOTS, maxLength: SLOTS }), fc.array(template, { minLength: count, maxLength: count })).map(([values, templates]) =>
    templates.map((tokens) => tokens.map((t) => (typeof t === "number" ? values[t]! : t)).join("")),
  );
}

/** The strings of one `string` input of `module`. */
export function arbitraryText(module: IrModule): fc.Arbitrary<string> {
  return arbitraryTexts(module, 1).map(([s]) => s!);
}

/**
 * `s` with every ASCII digit d replaced by (d + shift) mod 10: the same text, as long, with other numbers in it
 * (a completion that reasons alike but answers differently). `s` itself when it has no digit or shift is 0 mod 10.
 */
export function shiftDigits(s: string, shift: number): string {
  return s.replace(/[0-9]/g, (d) => String((Number(d) + shift) % 10));
}
