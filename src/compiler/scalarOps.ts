/**
 * Scalar semantics of the IR's unary, binary and cast operators, defined once for constant folding and
 * the CPU backend. Values are JS numbers holding float32, int32 or bool (0/1) values.
 */
import type { BinaryFn, Scalar, UnaryFn } from "./ir.js";

const f32 = Math.fround;

export function evalUnary(fn: UnaryFn, type: Scalar, a: number): number {
  if (fn === "not") return a === 0 ? 1 : 0;
  return type === "i32" ? -a | 0 : f32(-a);
}

/** `type` is the type of the operands (both already converted to it by the checker). */
export function evalBinary(fn: BinaryFn, type: Scalar, a: number, b: number): number {
  switch (fn) {
    case "add":
      return type === "i32" ? (a + b) | 0 : f32(a + b);
    case "sub":
      return type === "i32" ? (a - b) | 0 : f32(a - b);
    case "mul":
      return type === "i32" ? Math.imul(a, b) : f32(a * b);
    case "div":
      return f32(a / b);
    case "mod":
      // Truncated remainder, as WGSL's `%`; an int remainder by zero is 0 rather than a trap.
      if (type === "i32") return b === 0 ? 0 : a % b | 0;
      return f32(a % b);
    case "pow":
      return f32(Math.pow(a, b));
    case "eq":
      return a === b ? 1 : 0;
    case "ne":
      return a !== b ? 1 : 0;
    case "lt":
      return a < b ? 1 : 0;
    case "le":
      return a <= b ? 1 : 0;
    case "gt":
      return a > b ? 1 : 0;
    case "ge":
      return a >= b ? 1 : 0;
    case "and":
      return a !== 0 && b !== 0 ? 1 : 0;
    case "or":
      return a !== 0 || b !== 0 ? 1 : 0;
  }
}

/** float -> int truncates toward zero and saturates; NaN becomes 0. Anything -> bool is `!= 0` (so NaN is true, as in WGSL). */
export function evalCast(to: Scalar, a: number): number {
  switch (to) {
    case "f32":
      return f32(a);
    case "bool":
      return a !== 0 ? 1 : 0;
    case "i32":
      if (Number.isNaN(a)) return 0;
      if (a >= 2147483647) return 2147483647;
      if (a <= -2147483648) return -2147483648;
      return Math.trunc(a) | 0;
  }
}
