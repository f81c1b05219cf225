/**
 * The abstract syntax tree of a `.reward` file. Every node carries the span it was parsed from;
 * the printer (`printer.ts`) turns a tree back into source, and `parse(print(t))` equals `t` up to spans.
 */
import type { Span } from "../diagnostics/diagnostic.js";

export interface Ident {
  kind: "Ident";
  name: string;
  span: Span;
}

/** `string` is accepted by the grammar everywhere a type is; the checker allows it only for scalar inputs. */
export type ScalarTypeName = "bool" | "int" | "float" | "string";

/** `float`, `float[tokens]` (ragged along the named axis) or `float[3]` (fixed width). */
export interface TypeExpr {
  kind: "TypeExpr";
  scalar: ScalarTypeName;
  shape: { kind: "ragged"; axis: Ident } | { kind: "fixed"; width: number; span: Span } | null;
  span: Span;
}

/** `in lo..hi`, inclusive at both ends. */
export interface RangeExpr {
  kind: "Range";
  lo: number;
  hi: number;
  /** Source spelling of the bounds, kept so the printer reproduces `0.5` rather than `0.5000`. */
  loRaw: string;
  hiRaw: string;
  span: Span;
}

export interface Program {
  kind: "Program";
  file: string;
  /** `reward NAME` at the top of a spec; absent in a library file of functions. */
  header: Ident | null;
  items: Item[];
  span: Span;
}

export type Item = ImportItem | GroupByItem | InputItem | ParamItem | LetItem | FnItem | OutputItem | MetricItem | StateItem | UpdateItem | PropertyItem;

/** `import "shaping.reward" as shaping` */
export interface ImportItem {
  kind: "Import";
  path: string;
  pathSpan: Span;
  alias: Ident;
  span: Span;
}

/** `group by prompt`: the input column whose value identifies a rollout's group. */
export interface GroupByItem {
  kind: "GroupBy";
  key: Ident;
  span: Span;
}

/** `input length : int in 0..32768` */
export interface InputItem {
  kind: "Input";
  name: Ident;
  type: TypeExpr;
  range: RangeExpr | null;
  span: Span;
}

/** `param threshold : float = 0.5 in 0..1` */
export interface ParamItem {
  kind: "Param";
  name: Ident;
  type: TypeExpr;
  value: Expr;
  range: RangeExpr | null;
  span: Span;
}

/** `let span = group.max(length) - group.min(length)` */
export interface LetItem {
  kind: "Let";
  name: Ident;
  value: Expr;
  span: Span;
}

export interface FnParam {
  kind: "FnParam";
  name: Ident;
  type: TypeExpr | null;
  span: Span;
}

/** `fn kimi(len: float, lo: float, hi: float) = ...` */
export interface FnItem {
  kind: "Fn";
  name: Ident;
  params: FnParam[];
  body: Expr;
  span: Span;
}

export const OUTPUT_NAMES = ["reward", "advantage", "keep", "weight"] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];

/** `reward = ...`, `advantage = ...`, `keep = ...`, `weight = ...` */
export interface OutputItem {
  kind: "Output";
  target: Ident & { name: OutputName };
  value: Expr;
  span: Span;
}

/** `metric accuracy = batch.mean(correct)` */
export interface MetricItem {
  kind: "Metric";
  name: Ident;
  value: Expr;
  span: Span;
}

/** `state mu : float = 0.0` */
export interface StateItem {
  kind: "State";
  name: Ident;
  type: TypeExpr;
  value: Expr;
  span: Span;
}

/** `update mu = max(0.0, mu + eta * (theta - batch.mean(cost)))`: applied after each batch. */
export interface UpdateItem {
  kind: "Update";
  name: Ident;
  value: Expr;
  span: Span;
}

/**
 * `property NAME: LAW [with SETTING, ...]`: a law `rewardc test` checks on generated batches.
 * - `expect E`: E (a bool) holds for every item of its level (every rollout, group, or the batch);
 * - `pair a, b differ in x, y given G expect E`: for two rollouts of a group equal in every input but x, y;
 * - `transform x = T ... expect E`: after rewriting inputs of every rollout, `NAME'` names values of the new run.
 */
export interface PropertyItem {
  kind: "Property";
  name: Ident;
  law: PropertyLaw;
  settings: PropertySetting[];
  span: Span;
}

export type PropertyLaw =
  | { kind: "Expect"; expect: Expr }
  | { kind: "Pair"; a: Ident; b: Ident; differ: Ident[]; given: Expr | null; expect: Expr }
  | { kind: "Transform"; transforms: TransformClause[]; expect: Expr };

/** `transform reward_in = reward_in * 3.0 + 2.0` */
export interface TransformClause {
  kind: "Transform";
  input: Ident;
  value: Expr;
  span: Span;
}

/** `lo..hi` of a generator setting (inclusive), with the bounds' spellings. */
export interface Bounds {
  lo: number;
  hi: number;
  loRaw: string;
  hiRaw: string;
}

/**
 * Generator settings: `groups 1..4`, `group size 1..8`, `length 0..20` (every ragged axis) or `tokens 0..20`
 * (one axis), `x in 0..1` (the values of input x), `correct = true` (input fixed to a constant).
 */
export type PropertySetting =
  | { kind: "Shape"; group: boolean; name: Ident; bounds: Bounds; span: Span }
  | { kind: "InputRange"; input: Ident; bounds: Bounds; span: Span }
  | { kind: "Fixed"; input: Ident; value: Expr; span: Span };

export type Expr = NumberLit | StringLit | BoolLit | NameExpr | CallExpr | UnaryExpr | BinaryExpr | IfExpr | MatchExpr | IndexExpr;

export interface NumberLit {
  kind: "Number";
  value: number;
  /** True for `3`, false for `3.0` or `3e2`: the literal's type is int or float accordingly. */
  isInt: boolean;
  raw: string;
  span: Span;
}

/**
 * `"..."`: `raw` is the source text between the quotes, escapes and all. The checker reads it, because the
 * reading depends on the use: a regex pattern passes escapes to the engine, any other string decodes them.
 */
export interface StringLit {
  kind: "String";
  raw: string;
  span: Span;
}

export interface BoolLit {
  kind: "Bool";
  value: boolean;
  span: Span;
}

/**
 * `x`, or a qualified name `group.mean`, `std.grpo`, `shaping.kimi`; in properties also `a.reward` (a rollout
 * of a pair) and `advantage'` (primed: the value in the transformed run).
 */
export interface NameExpr {
  kind: "Name";
  namespace: Ident | null;
  name: Ident;
  /** Present (and true) only for a primed name. */
  primed?: true;
  span: Span;
}

export interface NamedArg {
  kind: "NamedArg";
  name: Ident;
  value: Expr;
  span: Span;
}

/** `f(a, b, where: mask)`: positional arguments first, then named ones. */
export interface CallExpr {
  kind: "Call";
  callee: NameExpr;
  args: Expr[];
  named: NamedArg[];
  span: Span;
}

export type UnaryOp = "-" | "not";

export interface UnaryExpr {
  kind: "Unary";
  op: UnaryOp;
  operand: Expr;
  span: Span;
}

export type BinaryOp = "or" | "and" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%" | "**";

export interface BinaryExpr {
  kind: "Binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
  span: Span;
}

export interface IfExpr {
  kind: "If";
  cond: Expr;
  then: Expr;
  else: Expr;
  span: Span;
}

export type Pattern =
  | { kind: "PWild"; span: Span }
  | { kind: "PBool"; value: boolean; span: Span }
  | { kind: "PInt"; value: number; span: Span };

export interface MatchArm {
  kind: "MatchArm";
  patterns: Pattern[];
  body: Expr;
  span: Span;
}

/**
 * A case table: `match (a, b) { | true, true => 1.0 | true, _ => 0.5 | _, _ => 0.0 }`.
 * Arms are tried top to bottom; the checker requires the table to be exhaustive.
 */
export interface MatchExpr {
  kind: "Match";
  scrutinees: Expr[];
  arms: MatchArm[];
  span: Span;
}

/** `scores[0]`: one element of a fixed-width vector, or of a ragged array (0 when out of range). */
export interface IndexExpr {
  kind: "Index";
  target: Expr;
  index: Expr;
  span: Span;
}

/** Binding strength of binary operators, loosest first; `**` is right-associative, comparisons do not chain. */
export const BINARY_PRECEDENCE: Record<BinaryOp, number> = {
  or: 1,
  and: 2,
  "==": 4,
  "!=": 4,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
  "**": 8,
};
/** `not` binds looser than comparisons (`not a == b` is `not (a == b)`); unary minus tighter than `*`, looser than `**`. */
export const NOT_PRECEDENCE = 3;
export const NEG_PRECEDENCE = 7;
