/**
 * fast-check generators of well-formed ASTs: every item kind and every expression kind, nested, shaped the way the
 * parser builds them (literals are non-negative, `-3` is a unary minus, int patterns may be negative).
 * Spans are dummies; compare trees with `stripSpans`.
 */
import fc from "fast-check";
import { KEYWORDS } from "../../grammar/tokens.js";
import type { Span } from "../../src/diagnostics/diagnostic.js";
import {
  BINARY_PRECEDENCE,
  OUTPUT_NAMES,
  type BinaryOp,
  type Expr,
  type Ident,
  type Item,
  type NameExpr,
  type NumberLit,
  type OutputName,
  type Pattern,
  type Bounds,
  type Program,
  type PropertyLaw,
  type PropertySetting,
  type RangeExpr,
  type TypeExpr,
} from "../../src/parser/ast.js";

export const FILE = "generated.reward";
const span: Span = { file: FILE, start: 0, end: 0 };

/** Keywords the lexer files under Identifier (so they are names wherever a name may go). */
const IDENTIFIER_KEYWORDS = ["bool", "int", "float", "_", "property", "expect", "pair", "differ", "given", "transform", "with"];
/** Keywords the EBNF's `nameWord` also accepts as the first part of a name in an expression. */
const NAME_WORD_KEYWORDS = ["group", "batch", "reward", "advantage", "keep", "weight"];

const identifierText: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/).filter((s) => !KEYWORDS.includes(s)),
  // Names that start like keywords must stay names.
  fc.constantFrom("rewards", "index_of", "input2", "in_range", "iff", "notx", "grouped", "x", "len", ...IDENTIFIER_KEYWORDS),
);

const ident = (name: fc.Arbitrary<string>): fc.Arbitrary<Ident> => name.map((n) => ({ kind: "Ident", name: n, span }));
export const identifier = ident(identifierText);
const nameWord = ident(fc.oneof({ weight: 4, arbitrary: identifierText }, { weight: 1, arbitrary: fc.constantFrom(...NAME_WORD_KEYWORDS) }));

const digits = (max: number) => fc.stringMatching(new RegExp(`^[0-9]{1,${max}}$`));
const intRaw = fc.oneof(fc.nat({ max: 100_000 }).map(String), digits(3));
const floatRaw = fc
  .oneof(
    fc.tuple(digits(4), digits(4)).map(([i, f]) => `${i}.${f}`),
    fc.tuple(digits(2), digits(2), fc.constantFrom("e", "E", "e-", "e+", "E-"), digits(2)).map(([i, f, e, x]) => `${i}.${f}${e}${x}`),
    fc.tuple(digits(3), fc.constantFrom("e", "e-", "E+"), digits(2)).map(([i, e, x]) => `${i}${e}${x}`),
  )
  // Floats are float32: a literal that overflows it is an error (R0003), not a well-formed tree.
  .filter((raw) => Number.isFinite(Math.fround(Number(raw))));

export const numberLit: fc.Arbitrary<NumberLit> = fc.oneof(
  intRaw.map((raw): NumberLit => ({ kind: "Number", value: Number(raw), isInt: true, raw, span })),
  floatRaw.map((raw): NumberLit => ({ kind: "Number", value: Number(raw), isInt: false, raw, span })),
);

const primed = fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.constant({ primed: true as const }) });
const nameExpr: fc.Arbitrary<NameExpr> = fc.oneof(
  fc.tuple(nameWord, primed).map(([name, p]): NameExpr => ({ kind: "Name", namespace: null, name, ...p, span })),
  // `a.reward`: the part after the dot may be any name word too (the rollouts of a pair property).
  fc.tuple(nameWord, nameWord, primed).map(([namespace, name, p]): NameExpr => ({ kind: "Name", namespace, name, ...p, span })),
);

/** A string literal's source text: plain characters, and backslash escapes of any character but a newline. */
const stringRaw: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom("a", " ", "<", "{", "}", "$", "^", ".", "*", "é", "😀", "\t"),
      fc.constantFrom("n", "t", "\\", '"', "d", "s", "{", "u").map((c) => `\\${c}`),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(""));

const pattern: fc.Arbitrary<Pattern> = fc.oneof(
  fc.constant<Pattern>({ kind: "PWild", span }),
  fc.boolean().map((value): Pattern => ({ kind: "PBool", value, span })),
  fc.integer({ min: -1000, max: 1000 }).map((value): Pattern => ({ kind: "PInt", value: value === 0 ? 0 : value, span })),
);

const binaryOp = fc.constantFrom(...(Object.keys(BINARY_PRECEDENCE) as BinaryOp[]));

export const { expr } = fc.letrec<{ expr: Expr }>((tie) => {
  const sub = tie("expr");
  return {
    expr: fc.oneof(
      { depthSize: "small", maxDepth: 5 },
      numberLit,
      stringRaw.map((raw): Expr => ({ kind: "String", raw, span })),
      fc.boolean().map((value): Expr => ({ kind: "Bool", value, span })),
      nameExpr,
      fc
        .tuple(nameExpr, fc.array(sub, { maxLength: 3 }), fc.uniqueArray(fc.tuple(nameWord, sub), { maxLength: 2, selector: ([name]) => name.name }))
        .map(([callee, args, named]): Expr => ({
          kind: "Call",
          callee,
          args,
          named: named.map(([name, value]) => ({ kind: "NamedArg", name, value, span })),
          span,
        })),
      fc.tuple(fc.constantFrom("-", "not") as fc.Arbitrary<"-" | "not">, sub).map(([op, operand]): Expr => ({ kind: "Unary", op, operand, span })),
      fc.tuple(binaryOp, sub, sub).map(([op, left, right]): Expr => ({ kind: "Binary", op, left, right, span })),
      fc.tuple(sub, sub, sub).map(([cond, then, otherwise]): Expr => ({ kind: "If", cond, then, else: otherwise, span })),
      fc
        .tuple(
          fc.array(sub, { minLength: 1, maxLength: 3 }),
          fc.array(fc.tuple(fc.array(pattern, { minLength: 1, maxLength: 3 }), sub), { minLength: 1, maxLength: 3 }),
        )
        .map(([scrutinees, arms]): Expr => ({
          kind: "Match",
          scrutinees,
          arms: arms.map(([patterns, body]) => ({ kind: "MatchArm", patterns, body, span })),
          span,
        })),
      fc.tuple(sub, sub).map(([target, index]): Expr => ({ kind: "Index", target, index, span })),
    ),
  };
});

export const typeExpr: fc.Arbitrary<TypeExpr> = fc
  .tuple(
    fc.constantFrom("bool", "int", "float", "string") as fc.Arbitrary<TypeExpr["scalar"]>,
    fc.oneof(
      fc.constant<TypeExpr["shape"]>(null),
      identifier.map((axis): TypeExpr["shape"] => ({ kind: "ragged", axis })),
      fc.nat({ max: 4096 }).map((width): TypeExpr["shape"] => ({ kind: "fixed", width, span })),
    ),
  )
  .map(([scalar, shape]) => ({ kind: "TypeExpr", scalar, shape, span }));

const signedRaw = fc.tuple(fc.boolean(), fc.oneof(intRaw, floatRaw)).map(([negative, raw]) => (negative ? `-${raw}` : raw));
export const range: fc.Arbitrary<RangeExpr> = fc
  .tuple(signedRaw, signedRaw)
  .map(([loRaw, hiRaw]) => ({ kind: "Range", lo: Number(loRaw), hi: Number(hiRaw), loRaw, hiRaw, span }));

const optionalRange = fc.option(range, { nil: null });
const importPath = fc.stringMatching(/^[a-z0-9/._ -]{0,16}$/);

export const item: fc.Arbitrary<Item> = fc.oneof(
  fc.tuple(importPath, identifier).map(([path, alias]): Item => ({ kind: "Import", path, pathSpan: span, alias, span })),
  identifier.map((key): Item => ({ kind: "GroupBy", key, span })),
  fc.tuple(identifier, typeExpr, optionalRange).map(([name, type, r]): Item => ({ kind: "Input", name, type, range: r, span })),
  fc
    .tuple(identifier, typeExpr, expr, optionalRange)
    .map(([name, type, value, r]): Item => ({ kind: "Param", name, type, value, range: r, span })),
  fc.tuple(identifier, expr).map(([name, value]): Item => ({ kind: "Let", name, value, span })),
  fc
    .tuple(identifier, fc.array(fc.tuple(identifier, fc.option(typeExpr, { nil: null })), { maxLength: 4 }), expr)
    .map(([name, params, body]): Item => ({
      kind: "Fn",
      name,
      params: params.map(([paramName, type]) => ({ kind: "FnParam", name: paramName, type, span })),
      body,
      span,
    })),
  fc
    .tuple(fc.constantFrom(...OUTPUT_NAMES), expr)
    .map(([target, value]): Item => ({ kind: "Output", target: { kind: "Ident", name: target as OutputName, span }, value, span })),
  fc.tuple(identifier, expr).map(([name, value]): Item => ({ kind: "Metric", name, value, span })),
  fc.tuple(identifier, typeExpr, expr).map(([name, type, value]): Item => ({ kind: "State", name, type, value, span })),
  fc.tuple(identifier, expr).map(([name, value]): Item => ({ kind: "Update", name, value, span })),
);

const bounds: fc.Arbitrary<Bounds> = fc.tuple(signedRaw, signedRaw).map(([loRaw, hiRaw]) => ({ lo: Number(loRaw), hi: Number(hiRaw), loRaw, hiRaw }));

const setting: fc.Arbitrary<PropertySetting> = fc.oneof(
  fc.tuple(fc.boolean(), identifier, bounds).map(([group, name, b]): PropertySetting => ({ kind: "Shape", group, name, bounds: b, span })),
  fc.tuple(identifier, bounds).map(([input, b]): PropertySetting => ({ kind: "InputRange", input, bounds: b, span })),
  fc.tuple(identifier, expr).map(([input, value]): PropertySetting => ({ kind: "Fixed", input, value, span })),
);

const law: fc.Arbitrary<PropertyLaw> = fc.oneof(
  expr.map((expect): PropertyLaw => ({ kind: "Expect", expect })),
  fc
    .tuple(identifier, identifier, fc.array(identifier, { maxLength: 3 }), fc.option(expr, { nil: null }), expr)
    .map(([a, b, differ, given, expect]): PropertyLaw => ({ kind: "Pair", a, b, differ, given, expect })),
  fc
    .tuple(fc.array(fc.tuple(identifier, expr), { minLength: 1, maxLength: 3 }), expr)
    .map(([transforms, expect]): PropertyLaw => ({ kind: "Transform", transforms: transforms.map(([input, value]) => ({ kind: "Transform", input, value, span })), expect })),
);

export const propertyItem: fc.Arbitrary<Item> = fc
  .tuple(identifier, law, fc.array(setting, { maxLength: 3 }))
  .map(([name, l, settings]): Item => ({ kind: "Property", name, law: l, settings, span }));

export const program: fc.Arbitrary<Program> = fc
  .tuple(fc.option(identifier, { nil: null }), fc.array(fc.oneof({ weight: 5, arbitrary: item }, { weight: 1, arbitrary: propertyItem }), { maxLength: 8 }))
  .map(([header, items]) => ({ kind: "Program", file: FILE, header, items, span }));

/** A copy of an AST (or any value) without its spans, for comparing trees parsed from different texts. */
export function stripSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSpans);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== "span" && key !== "pathSpan").map(([key, v]) => [key, stripSpans(v)]));
}
