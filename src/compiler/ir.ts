/**
 * The IR: a typed dataflow graph over columnar batches. Backends read only this.
 *
 * Invariants (checked by `validateIr`, run after every pass in tests):
 *  1. `nodes[i].id === i`, and every argument id of node i is < i: the array is a topological order.
 *  2. Every node has a scalar type (f32, i32, bool) and a level. A node's level is never coarser than
 *     any argument it consumes element-wise: consumers broadcast coarser values (a group value read by a
 *     rollout, a rollout value read by an element), never the other way round. Only reductions go down.
 *  3. Element levels name an axis of `module.axes`; element-wise ops never mix two different axes.
 *  4. Reductions and scans state their convention in attributes (ddof, gamma, default): backends never
 *     guess one.
 *  5. `spans[i]` is the source span of node i (undefined for nodes the compiler made up); spans never
 *     affect semantics, so passes may drop them.
 *  6. Outputs, metrics, state updates and property checks reference nodes; nothing else is a root. Checks
 *     (`module.checks`) never feed an output: a backend that scores batches may drop them (`withoutChecks`).
 *
 * Numeric semantics are float32 (`f32`) and 32-bit signed ints; bools are 0/1.
 */
import type { Span } from "../diagnostics/diagnostic.js";

export type Scalar = "f32" | "i32" | "bool";

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

export type Level =
  | { kind: "const" }
  | { kind: "param" }
  | { kind: "batch" }
  | { kind: "group" }
  | { kind: "rollout" }
  | { kind: "element"; axis: string };

export const LEVEL_RANK: Record<Level["kind"], number> = { const: 0, param: 1, batch: 2, group: 3, rollout: 4, element: 5 };

export function levelName(level: Level): string {
  return level.kind === "element" ? `element of \`${level.axis}\`` : level.kind;
}

export function sameLevel(a: Level, b: Level): boolean {
  return a.kind === b.kind && (a.kind !== "element" || a.axis === (b as { axis: string }).axis);
}

/** Whether a value is the same for every rollout of a batch (can be evaluated once, on the host). */
export function isUniform(level: Level): boolean {
  return LEVEL_RANK[level.kind] <= LEVEL_RANK.batch;
}

export interface Axis {
  name: string;
  /** Ragged axes have per-rollout lengths (CSR offsets); fixed axes have the same width for every rollout. */
  kind: "ragged" | "fixed";
  width?: number;
}

export type UnaryFn = "neg" | "not";
export type BinaryFn = "add" | "sub" | "mul" | "div" | "mod" | "pow" | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "and" | "or";

/** Reductions shared by the three scopes (ragged axis, group, batch). */
export type ReduceFn = "sum" | "mean" | "min" | "max" | "count" | "any" | "all" | "var" | "std";
/** Reductions that only make sense along an ordered ragged axis. */
export type AxisOnlyReduceFn = "first" | "last" | "argmax" | "argmin" | "first_index" | "len";
export type ScanFn = "prefix_sum" | "suffix_sum" | "prefix_min" | "suffix_min" | "prefix_max" | "suffix_max" | "softmax";
/** Per-rollout values computed from the rollout's group (rollout -> rollout). */
export type GroupMapFn = "rank" | "count_eq" | "loo_mean" | "loo_std" | "softmax";

export type Op =
  | { op: "const"; value: number }
  | { op: "input"; name: string }
  | { op: "param"; name: string }
  | { op: "state"; name: string }
  | { op: "unary"; fn: UnaryFn }
  | { op: "binary"; fn: BinaryFn }
  /** An element-wise built-in from `builtins.ts` (abs, exp, clamp, ...). */
  | { op: "math"; fn: string }
  | { op: "cast" }
  /** args: [cond, then, else] */
  | { op: "select" }
  /** element -> rollout. args: [x] or [x, where]; ddof for var/std. */
  | { op: "axis_reduce"; fn: ReduceFn | AxisOnlyReduceFn; axis: string; ddof: number; masked: boolean }
  /** element -> element along the axis. args: [x] or [x, gamma] (gamma: discount, for prefix/suffix sums). */
  | { op: "axis_scan"; fn: ScanFn; axis: string }
  /** element -> element: the previous/next element of the same rollout, or `fallback` at the edge. args: [x, fallback] */
  | { op: "axis_shift"; dir: "prev" | "next"; axis: string }
  /** element, i32: position within the rollout's array (0-based). */
  | { op: "axis_index"; axis: string }
  /**
   * args: [x, i]: element i of the rollout's array along `axis`, or 0 when out of range. With i per
   * rollout the result is per rollout; with i per element of some axis (a gather) it is per element there.
   */
  | { op: "axis_at"; axis: string }
  /**
   * element -> rollout, i32. args: [x, n]: the number of distinct windows x[i..i+n) of the rollout's array
   * (compared by value, exactly), 0 when the array is shorter than n. x is int or bool; n is a uniform int
   * (a constant or a param) that the checker has proven >= 1.
   */
  | { op: "axis_distinct"; axis: string }
  /** rollout -> group. args: [x] or [x, where]. */
  | { op: "group_reduce"; fn: ReduceFn; ddof: number; masked: boolean }
  /** rollout -> rollout within the group. args: [x] */
  | { op: "group_map"; fn: GroupMapFn; ddof: number }
  /** group -> rollout count of the group (the group's size), i32. args: [] */
  | { op: "group_size" }
  /** batch: the number of rollouts in the batch, i32. args: [] */
  | { op: "batch_size" }
  /** any level -> batch: reduces over every item of the argument's own level. args: [x] or [x, where]. */
  | { op: "batch_reduce"; fn: ReduceFn; ddof: number; masked: boolean };

export type Node = Op & {
  id: number;
  type: Scalar;
  level: Level;
  args: number[];
};

export interface InputDecl {
  name: string;
  type: Scalar;
  /** null for one value per rollout; otherwise the axis of the array. */
  axis: string | null;
  range: [number, number] | null;
  /**
   * Set on a derived input: a per-rollout scalar the host computes from `string` inputs before the kernels
   * run (`text.matches(completion, "...")`). Batches are given the strings, never this column; backends read
   * it like any other input.
   */
  feature?: TextFeature;
}

/** A `string` input: one string per rollout, read only by the host to compute derived inputs. */
export interface TextInputDecl {
  name: string;
}

/** A string-valued expression, evaluated on the host per rollout. */
export type TextExpr =
  | { kind: "input"; name: string }
  | { kind: "literal"; value: string }
  | { kind: "call"; fn: "boxed" | "trim" | "lower"; arg: TextExpr };

/**
 * A scalar computed on the host from strings (see `src/runtime/text.ts` for the exact semantics):
 *   matches        bool  the ECMAScript regex `pattern` (flags from i, m, s) matches somewhere in `arg`
 *   count_matches  i32   non-overlapping matches of `pattern` in `arg`
 *   count          i32   non-overlapping occurrences of `needle` (Python's str.count)
 *   chars          i32   length in Unicode code points;  words  i32  whitespace-separated words
 *   has_number     bool  `arg` contains a number;  final_number  f32  the last number in `arg` (NaN when none)
 *   number         f32   `arg` as a whole, trimmed, read as a number (NaN when it is not one)
 *   equals         bool  the two strings are equal
 */
export type TextFeature =
  | { fn: "matches" | "count_matches"; arg: TextExpr; pattern: string; flags: string }
  | { fn: "count"; arg: TextExpr; needle: string }
  | { fn: "chars" | "words" | "has_number" | "final_number" | "number"; arg: TextExpr }
  | { fn: "equals"; left: TextExpr; right: TextExpr };

export interface ParamDecl {
  name: string;
  type: Scalar;
  default: number;
  range: [number, number] | null;
}

export interface StateDecl {
  name: string;
  type: Scalar;
  initial: number;
  /** Node computing the next value (batch level or coarser); null when the spec never updates it. */
  update: number | null;
}

export interface OutputDecl {
  name: string;
  node: number;
}

/**
 * A root kept for `rewardc test`: a property's law at its own level (`expect`), the new value of an input
 * under a `transform`, or a value a property reads (`probe`: a pair or transform law's operand, or a `let`
 * shown in a counterexample).
 */
export interface CheckDecl {
  property: string;
  role: "expect" | "transform" | "probe";
  /** The value's name in the spec (the input a transform rewrites; the name a probe reads). */
  name: string;
  node: number;
}

/** Generator settings of a property (`with groups 1..4, group size 1..8, ...`); null where the default applies. */
export interface PropertySettings {
  groups: [number, number] | null;
  groupSize: [number, number] | null;
  /** Lengths of ragged arrays, per axis; `*` for every axis. */
  lengths: Record<string, [number, number]>;
  /** Value ranges of inputs, within their declared ranges. */
  ranges: Record<string, [number, number]>;
  /** Inputs fixed to one value (bools as 0/1; every element of an array). */
  fixed: Record<string, number>;
}

/** An input of a law module: the value of `probe` (an index into `checks`) in run `run`, at rollout `side` of a pair. */
export interface LawInput {
  name: string;
  probe: number;
  /** 0: the generated batch; 1: the batch after the property's transforms. */
  run: 0 | 1;
  side: "a" | "b" | null;
}

export interface PropertyDecl {
  name: string;
  kind: "expect" | "pair" | "transform";
  settings: PropertySettings;
  pair: { a: string; b: string; differ: string[] } | null;
  /**
   * Pair and transform laws are evaluated on the values of scored batches: `module` is a small module whose inputs
   * are those values (`inputs`) and whose checks are the `given` (optional) and the `expect` of the law.
   */
  law: { module: IrModule; inputs: LawInput[] } | null;
  /** Names of spec values the property mentions (shown in a counterexample). */
  mentions: string[];
  /** The law's `expect` as written (canonically printed), for messages. */
  text: string;
}

export interface IrModule {
  name: string;
  groupKey: string | null;
  axes: Axis[];
  inputs: InputDecl[];
  /** `string` inputs (absent: none). Inputs with a `feature` are computed from these. */
  texts?: TextInputDecl[];
  params: ParamDecl[];
  states: StateDecl[];
  nodes: Node[];
  spans: (Span | undefined)[];
  outputs: OutputDecl[];
  metrics: OutputDecl[];
  /** Roots of `property` items (absent in modules without properties). */
  checks?: CheckDecl[];
  properties?: PropertyDecl[];
}

/** Every node id the module's roots use. */
export function roots(module: IrModule): number[] {
  const ids = [...module.outputs.map((o) => o.node), ...module.metrics.map((m) => m.node)];
  for (const s of module.states) if (s.update !== null) ids.push(s.update);
  for (const c of module.checks ?? []) ids.push(c.node);
  return ids;
}
