/**
 * The IR's scalar operators (unary, binary, cast) as column kernels over typed arrays: the one definition
 * of their semantics. The CPU backend runs them over whole columns; constant folding runs them over
 * one-element columns, so a folded constant is exactly what the backend would have computed.
 * Stores into Float32Array / Int32Array / Uint8Array do the rounding: float32 rounding, int32 wrapping.
 */
import type { BinaryFn, Scalar, UnaryFn } from "./ir.js";

export type Column = Float32Array | Int32Array | Uint8Array;

export function allocColumn(type: Scalar, n: number): Column {
  return type === "f32" ? new Float32Array(n) : type === "i32" ? new Int32Array(n) : new Uint8Array(n);
}

export function unaryColumns(fn: UnaryFn, a: Column, out: Column, n: number): void {
  if (fn === "not") for (let i = 0; i < n; i++) out[i] = a[i] === 0 ? 1 : 0;
  else for (let i = 0; i < n; i++) out[i] = -a[i]!;
}

/** f32 -> i32: truncate toward zero, saturate, NaN -> 0. */
export function toI32(v: number): number {
  if (v !== v) return 0;
  if (v >= 2147483647) return 2147483647;
  if (v <= -2147483648) return -2147483648;
  return Math.trunc(v) | 0;
}

/** Converts one value to `to` with the semantics of the IR's `cast`. */
export function castScalar(v: number, to: Scalar): number {
  return to === "f32" ? Math.fround(v) : to === "i32" ? toI32(v) : v !== 0 ? 1 : 0;
}

/** A column converted to another scalar type with the semantics of the IR's `cast` (shared when types match). */
export function convertColumn(src: Column, from: Scalar, to: Scalar): Column {
  if (from === to) return src;
  const n = src.length;
  if (to === "f32") return new Float32Array(src);
  if (to === "i32") {
    if (from === "bool") return new Int32Array(src);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = toI32(src[i]!);
    return out;
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = src[i] !== 0 ? 1 : 0;
  return out;
}

export function promote(a: Scalar, b: Scalar): Scalar {
  return a === "f32" || b === "f32" ? "f32" : a === "i32" || b === "i32" ? "i32" : "bool";
}

/** out = a (fn) b element-wise, both operands already of `opType`; stores round to the column type. */
export function binaryColumns(fn: BinaryFn, opType: Scalar, a: Column, b: Column, out: Column, n: number): void {
  switch (fn) {
    case "add":
      for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
      return;
    case "sub":
      for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
      return;
    case "mul":
      if (opType === "i32") for (let i = 0; i < n; i++) out[i] = Math.imul(a[i]!, b[i]!);
      else for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
      return;
    case "div":
      if (opType === "i32") {
        // The Int32Array store truncates toward zero and wraps INT_MIN / -1 back to INT_MIN.
        for (let i = 0; i < n; i++) {
          const y = b[i]!;
          out[i] = y === 0 ? a[i]! : a[i]! / y;
        }
      } else for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
      return;
    case "mod":
      // i32: x % 0 is NaN and INT_MIN % -1 is -0; the Int32Array store makes both 0, as WGSL does.
      for (let i = 0; i < n; i++) out[i] = a[i]! % b[i]!;
      return;
    case "pow":
      for (let i = 0; i < n; i++) out[i] = Math.pow(a[i]!, b[i]!);
      return;
    case "eq":
      for (let i = 0; i < n; i++) out[i] = a[i] === b[i] ? 1 : 0;
      return;
    case "ne":
      for (let i = 0; i < n; i++) out[i] = a[i] !== b[i] ? 1 : 0;
      return;
    case "lt":
      for (let i = 0; i < n; i++) out[i] = a[i]! < b[i]! ? 1 : 0;
      return;
    case "le":
      for (let i = 0; i < n; i++) out[i] = a[i]! <= b[i]! ? 1 : 0;
      return;
    case "gt":
      for (let i = 0; i < n; i++) out[i] = a[i]! > b[i]! ? 1 : 0;
      return;
    case "ge":
      for (let i = 0; i < n; i++) out[i] = a[i]! >= b[i]! ? 1 : 0;
      return;
    case "and":
      for (let i = 0; i < n; i++) out[i] = a[i]! & b[i]!;
      return;
    case "or":
      for (let i = 0; i < n; i++) out[i] = a[i]! | b[i]!;
      return;
  }
}

/** The type binary operands are computed in: comparisons in the wider argument type, logic on bools, the rest in the result type. */
export function binaryOperandType(fn: BinaryFn, resultType: Scalar, argTypes: Scalar[]): Scalar {
  switch (fn) {
    case "eq":
    case "ne":
    case "lt":
    case "le":
    case "gt":
    case "ge":
      return promote(argTypes[0]!, argTypes[1]!);
    case "and":
    case "or":
      return "bool";
    default:
      return resultType;
  }
}

