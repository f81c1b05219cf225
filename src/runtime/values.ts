/**
 * Checks of single input values, shared by the JSON row loader and the typed-column entry point so both
 * say the same thing about the same value. Nothing is ever coerced: `1` is not a bool, `"2"` is not an int.
 */
import { INT32_MAX, INT32_MIN, type Scalar } from "../compiler/ir.js";
import { describeValue } from "./errors.js";

export { INT32_MAX, INT32_MIN } from "../compiler/ir.js";

/** The spelling users write in `.reward` files. */
export function typeName(type: Scalar): string {
  return type === "f32" ? "float" : type === "i32" ? "int" : "bool";
}

/**
 * Why `v` is not a value of `type`, as `expected float, found "x"`, or null when it is one. Floats must be
 * finite and representable in float32; ints must be integers within int32; bools must be true/false.
 */
export function checkJsonValue(type: Scalar, v: unknown): string | null {
  switch (type) {
    case "f32":
      if (typeof v !== "number" || !Number.isFinite(v)) return `expected float, found ${describeValue(v)}`;
      if (!Number.isFinite(Math.fround(v))) return `expected float, found ${describeValue(v)} (out of float32 range)`;
      return null;
    case "i32":
      if (typeof v !== "number" || !Number.isInteger(v)) return `expected int, found ${describeValue(v)}`;
      if (v < INT32_MIN || v > INT32_MAX) return `expected int, found ${describeValue(v)} (out of int32 range)`;
      return null;
    case "bool":
      return typeof v === "boolean" ? null : `expected bool, found ${describeValue(v)}`;
  }
}

/** `value 1.5 is outside the declared range 0..1`, or null. Ranges are inclusive at both ends. */
export function checkRange(range: [number, number] | null, v: number): string | null {
  if (range === null || (v >= range[0] && v <= range[1])) return null;
  return `value ${v} is outside the declared range ${range[0]}..${range[1]}`;
}

/**
 * Why `k` is not a group key (`expected a string or a finite number (group key), found null`), or null when it
 * is one. A number beyond 2^53 is refused: two different keys there can be the same double, merging their groups.
 */
export function checkGroupKey(k: unknown): string | null {
  const what = "expected a string or a finite number (group key)";
  if (typeof k === "string") return null;
  if (typeof k === "number" && Number.isFinite(k)) return Math.abs(k) > Number.MAX_SAFE_INTEGER ? `${what}, found ${describeValue(k)} (beyond 2^53)` : null;
  if (typeof k === "bigint") return k >= BigInt(Number.MIN_SAFE_INTEGER) && k <= BigInt(Number.MAX_SAFE_INTEGER) ? null : `${what}, found ${describeValue(k)} (beyond 2^53)`;
  return `${what}, found ${describeValue(k)}`;
}
