/**
 * Every built-in function, defined once: its signature (read by the checker), its CPU implementation
 * (used by constant folding and the CPU backend) and its WGSL template (used by the WGSL backend), so the
 * three cannot drift apart.
 *
 * Element-wise built-ins map scalars to a scalar. Structured built-ins (reductions along a ragged axis,
 * over a group or over the batch; scans; shifts) are described by `STRUCTURED_BUILTINS`; their numerics
 * live in `reducers.ts`, again shared by folding and the CPU backend.
 */
import type { AxisOnlyReduceFn, GroupMapFn, ReduceFn, Scalar, ScanFn } from "./ir.js";

/** `num` accepts int or float and the result follows the promoted argument type. */
export type ParamKind = "float" | "num" | "bool";
export type ResultKind = "float" | "num" | "bool";

export interface ElementwiseBuiltin {
  name: string;
  params: ParamKind[];
  result: ResultKind;
  /** Computes in float64; the backend rounds to the result type (float32 or int32). */
  cpu: (...args: number[]) => number;
  /** `$0`, `$1`, ... stand for the arguments, already converted to the parameter type. */
  wgsl: string;
  doc: string;
}

const logSigmoid = (x: number): number => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export const ELEMENTWISE_BUILTINS: readonly ElementwiseBuiltin[] = [
  { name: "abs", params: ["num"], result: "num", cpu: Math.abs, wgsl: "abs($0)", doc: "absolute value" },
  { name: "min", params: ["num", "num"], result: "num", cpu: Math.min, wgsl: "min($0, $1)", doc: "smaller of two values (one argument: reduce a ragged array)" },
  { name: "max", params: ["num", "num"], result: "num", cpu: Math.max, wgsl: "max($0, $1)", doc: "larger of two values (one argument: reduce a ragged array)" },
  { name: "clamp", params: ["num", "num", "num"], result: "num", cpu: (x, lo, hi) => Math.min(Math.max(x, lo), hi), wgsl: "min(max($0, $1), $2)", doc: "`clamp(x, lo, hi)`" },
  { name: "sign", params: ["num"], result: "num", cpu: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), wgsl: "sign($0)", doc: "-1, 0 or 1" },
  { name: "exp", params: ["float"], result: "float", cpu: Math.exp, wgsl: "exp($0)", doc: "e^x" },
  { name: "log", params: ["float"], result: "float", cpu: Math.log, wgsl: "log($0)", doc: "natural logarithm" },
  { name: "log1p", params: ["float"], result: "float", cpu: Math.log1p, wgsl: "log(1.0 + $0)", doc: "log(1 + x)" },
  { name: "sqrt", params: ["float"], result: "float", cpu: Math.sqrt, wgsl: "sqrt($0)", doc: "square root" },
  { name: "pow", params: ["float", "float"], result: "float", cpu: Math.pow, wgsl: "pow($0, $1)", doc: "x^y (also written `x ** y`)" },
  { name: "sigmoid", params: ["float"], result: "float", cpu: sigmoid, wgsl: "(1.0 / (1.0 + exp(-$0)))", doc: "1 / (1 + e^-x)" },
  { name: "log_sigmoid", params: ["float"], result: "float", cpu: logSigmoid, wgsl: "(min($0, 0.0) - rc_log1p(exp(-abs($0))))", doc: "log(sigmoid(x)), computed without overflow" },
  { name: "tanh", params: ["float"], result: "float", cpu: Math.tanh, wgsl: "tanh($0)", doc: "hyperbolic tangent" },
  { name: "sin", params: ["float"], result: "float", cpu: Math.sin, wgsl: "sin($0)", doc: "sine (radians)" },
  { name: "cos", params: ["float"], result: "float", cpu: Math.cos, wgsl: "cos($0)", doc: "cosine (radians)" },
  { name: "floor", params: ["float"], result: "float", cpu: Math.floor, wgsl: "floor($0)", doc: "round down" },
  { name: "ceil", params: ["float"], result: "float", cpu: Math.ceil, wgsl: "ceil($0)", doc: "round up" },
  { name: "round", params: ["float"], result: "float", cpu: roundHalfEven, wgsl: "round($0)", doc: "round half to even (as WGSL does)" },
  { name: "lgamma", params: ["float"], result: "float", cpu: logGamma, wgsl: "rc_lgamma($0)", doc: "log |Γ(x)| (e.g. Beta densities, BNPO)" },
  { name: "approx", params: ["float", "float", "float"], result: "bool", cpu: (a, b, tol) => (Math.abs(Math.fround(a - b)) <= tol ? 1 : 0), wgsl: "(abs($0 - $1) <= $2)", doc: "`approx(a, b, tol)`: |a - b| <= tol (false when either is NaN)" },
  { name: "is_finite", params: ["float"], result: "bool", cpu: (x) => (Number.isFinite(x) ? 1 : 0), wgsl: "(abs($0) <= 0x1.fffffep+127f)", doc: "false for NaN and infinities" },
];

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** log |Γ(x)| by the Lanczos approximation (g = 7), with the reflection formula below 1/2; +inf at poles, 0 at 1 and 2. */
function logGamma(x: number): number {
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x === 1 || x === 2) return 0;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const ELEMENTWISE_BY_NAME: ReadonlyMap<string, ElementwiseBuiltin> = new Map(ELEMENTWISE_BUILTINS.map((b) => [b.name, b]));

/** Named constants usable anywhere. */
export const CONSTANTS: ReadonlyMap<string, number> = new Map([
  ["pi", Math.PI],
  ["e", Math.E],
  ["inf", Infinity],
]);

/** Conventions for var/std: which divisor, spelled as an argument so no one has to remember a default. */
export const STD_CONVENTIONS: Readonly<Record<string, number>> = { unbiased: 1, population: 0 };

export type StructuredBuiltin =
  | { kind: "axis_reduce"; fn: ReduceFn | AxisOnlyReduceFn; convention: boolean; where: boolean }
  | { kind: "axis_scan"; fn: ScanFn; discount: boolean }
  | { kind: "axis_shift"; dir: "prev" | "next" }
  | { kind: "axis_index" }
  | { kind: "axis_at" }
  /** `distinct_ngrams(x, n)`; `count_distinct(x)` is the same with n = 1 (`window` fixed). */
  | { kind: "axis_distinct"; window: number | null }
  | { kind: "group_reduce"; fn: ReduceFn; convention: boolean }
  | { kind: "group_map"; fn: GroupMapFn; convention: boolean }
  | { kind: "group_size" }
  | { kind: "batch_reduce"; fn: ReduceFn; convention: boolean }
  | { kind: "batch_size" };

const reduceFns: ReduceFn[] = ["sum", "mean", "min", "max", "count", "any", "all", "var", "std"];
const hasConvention = (fn: string): boolean => fn === "var" || fn === "std" || fn === "loo_std";

function table(): Map<string, StructuredBuiltin> {
  const t = new Map<string, StructuredBuiltin>();
  for (const fn of [...reduceFns, "first", "last", "argmax", "argmin", "first_index", "len"] as const) {
    t.set(fn, { kind: "axis_reduce", fn, convention: hasConvention(fn), where: fn !== "len" && fn !== "first_index" });
  }
  for (const fn of ["prefix_sum", "suffix_sum"] as const) t.set(fn, { kind: "axis_scan", fn, discount: true });
  for (const fn of ["prefix_min", "suffix_min", "prefix_max", "suffix_max", "softmax"] as const) t.set(fn, { kind: "axis_scan", fn, discount: false });
  t.set("prev", { kind: "axis_shift", dir: "prev" });
  t.set("next", { kind: "axis_shift", dir: "next" });
  t.set("index", { kind: "axis_index" });
  t.set("at", { kind: "axis_at" });
  t.set("distinct_ngrams", { kind: "axis_distinct", window: null });
  t.set("count_distinct", { kind: "axis_distinct", window: 1 });
  for (const fn of reduceFns) {
    t.set(`group.${fn}`, { kind: "group_reduce", fn, convention: hasConvention(fn) });
    t.set(`batch.${fn}`, { kind: "batch_reduce", fn, convention: hasConvention(fn) });
  }
  for (const fn of ["rank", "count_eq", "loo_mean", "loo_std", "softmax"] as const) {
    t.set(`group.${fn}`, { kind: "group_map", fn, convention: hasConvention(fn) });
  }
  t.set("group.size", { kind: "group_size" });
  t.set("batch.size", { kind: "batch_size" });
  return t;
}

/** Keyed by the spelling users write: `sum`, `suffix_sum`, `group.mean`, `batch.std`, ... */
export const STRUCTURED_BUILTINS: ReadonlyMap<string, StructuredBuiltin> = table();

/** Conversions `float(x)`, `int(x)` (truncates toward zero), `bool(x)` (x != 0). */
export const CASTS = new Set(["float", "int", "bool"]);

/** The type a reduction gives over values of type `input` (already converted to what the reduction reads). */
export function reductionType(fn: string, input: Scalar): Scalar {
  switch (fn) {
    case "count":
    case "len":
    case "argmax":
    case "argmin":
    case "first_index":
      return "i32";
    case "any":
    case "all":
      return "bool";
    case "sum":
    case "min":
    case "max":
    case "first":
    case "last":
      return input;
    default:
      return "f32";
  }
}
