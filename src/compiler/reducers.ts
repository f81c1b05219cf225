/**
 * The numerics of every reduction, scan and group map, in float32 semantics, shared by constant folding
 * and the CPU backend (the reference backend). The WGSL backend implements the same definitions.
 *
 * Sums use one fixed tree: pad to the next power of two P with zeros, then `a[i] += a[i + s]` for
 * s = P/2, P/4, ..., 1. It is the tree a GPU workgroup computes naturally, it gives identical bits on
 * every run, and its error grows with log n rather than n. Variance is two-pass (mean first, then the sum
 * of squared deviations): E[x^2] - E[x]^2 leaves float32 residue that explodes downstream divisions.
 * Means and variances work on the data shifted by its first value, so equal values give exact results
 * (an all-equal group has mean exactly its value and std exactly 0).
 *
 * Defined results on empty sets (documented in docs/language.md): sum, mean, var, std, min, max, first,
 * last = 0; count = 0; any = false; all = true; argmax, argmin, first_index = -1. With fewer than
 * ddof + 1 values var and std are 0.
 */
import type { AxisOnlyReduceFn, ReduceFn } from "./ir.js";

const f32 = Math.fround;

let tree = new Float32Array(1024);

/** Sum of `values[0..n)` by the fixed pairwise tree, in float32. */
export function treeSum(values: ArrayLike<number>, n: number): number {
  if (n === 0) return 0;
  if (n === 1) return f32(values[0]!);
  let p = 1;
  while (p < n) p <<= 1;
  if (tree.length < p) tree = new Float32Array(p);
  const t = tree;
  for (let i = 0; i < n; i++) t[i] = values[i]!;
  for (let i = n; i < p; i++) t[i] = 0;
  for (let s = p >> 1; s >= 1; s >>= 1) {
    for (let i = 0; i < s; i++) t[i] = t[i]! + t[i + s]!;
  }
  return t[0]!;
}

/**
 * Mean shifted by the first value: x0 + mean(x - x0). A group of equal values gets exactly that value
 * back (a plain sum / n need not), so `s - group.mean(s)` is exactly 0 for an all-equal group.
 */
export function mean(values: ArrayLike<number>, n: number): number {
  if (n === 0) return 0;
  const shift = values[0]!;
  if (shifted.length < n) shifted = new Float32Array(Math.max(n, shifted.length * 2));
  for (let i = 0; i < n; i++) shifted[i] = values[i]! - shift;
  return f32(shift + f32(treeSum(shifted, n) / n));
}

let shifted = new Float32Array(1024);
let deviations = new Float32Array(1024);

/**
 * Two-pass variance of the data shifted by its first value, divisor n - ddof; 0 when n - ddof <= 0.
 * Equal values give exactly 0 (their shifted data are all 0), which callers that divide by a std or
 * test `std == 0` rely on.
 */
export function variance(values: ArrayLike<number>, n: number, ddof: number): number {
  if (n - ddof <= 0) return 0;
  const shift = values[0]!;
  if (deviations.length < n) deviations = new Float32Array(Math.max(n, deviations.length * 2));
  const d = deviations;
  for (let i = 0; i < n; i++) d[i] = values[i]! - shift;
  const m = f32(treeSum(d, n) / n);
  for (let i = 0; i < n; i++) {
    const x = f32(d[i]! - m);
    d[i] = f32(x * x);
  }
  return f32(treeSum(d, n) / (n - ddof));
}

/** Reduces `values[0..n)`. Bools arrive as 0/1. */
export function reduce(fn: ReduceFn | AxisOnlyReduceFn, values: ArrayLike<number>, n: number, ddof: number): number {
  switch (fn) {
    case "sum":
      return treeSum(values, n);
    case "mean":
      return mean(values, n);
    case "var":
      return variance(values, n, ddof);
    case "std":
      return f32(Math.sqrt(variance(values, n, ddof)));
    case "count": {
      let c = 0;
      for (let i = 0; i < n; i++) if (values[i] !== 0) c++;
      return c;
    }
    case "len":
      return n;
    case "any":
      for (let i = 0; i < n; i++) if (values[i] !== 0) return 1;
      return 0;
    case "all":
      for (let i = 0; i < n; i++) if (values[i] === 0) return 0;
      return 1;
    case "min":
    case "max": {
      if (n === 0) return 0;
      let best = values[0]!;
      for (let i = 1; i < n; i++) {
        const v = values[i]!;
        // NaN wins, so a NaN input is never hidden by a reduction.
        if (Number.isNaN(v) || (fn === "min" ? v < best : v > best)) best = v;
        if (Number.isNaN(best)) break;
      }
      return best;
    }
    case "first":
      return n === 0 ? 0 : values[0]!;
    case "last":
      return n === 0 ? 0 : values[n - 1]!;
    case "argmax":
    case "argmin": {
      if (n === 0) return -1;
      let at = 0;
      for (let i = 1; i < n; i++) if (fn === "argmax" ? values[i]! > values[at]! : values[i]! < values[at]!) at = i;
      return at;
    }
    case "first_index":
      for (let i = 0; i < n; i++) if (values[i] !== 0) return i;
      return -1;
  }
}

/** `y_t = x_t + gamma * y_{t-1}` (prefix) or `y_t = x_t + gamma * y_{t+1}` (suffix), sequentially in float32. */
export function discountedScan(values: ArrayLike<number>, out: Float32Array, n: number, gamma: number, suffix: boolean): void {
  let carry = 0;
  for (let k = 0; k < n; k++) {
    const i = suffix ? n - 1 - k : k;
    carry = f32(values[i]! + f32(gamma * carry));
    out[i] = carry;
  }
}

export function extremumScan(values: ArrayLike<number>, out: Float32Array | Int32Array, n: number, isMin: boolean, suffix: boolean): void {
  let best = NaN;
  for (let k = 0; k < n; k++) {
    const i = suffix ? n - 1 - k : k;
    const v = values[i]!;
    best = k === 0 || (isMin ? v < best : v > best) || Number.isNaN(v) ? v : best;
    out[i] = best;
  }
}

let exps = new Float32Array(1024);

/** Softmax of `values[0..n)` into `out`, shifted by the maximum so exp never overflows. */
export function softmax(values: ArrayLike<number>, out: Float32Array, n: number): void {
  if (n === 0) return;
  const top = reduce("max", values, n, 0);
  if (exps.length < n) exps = new Float32Array(Math.max(n, exps.length * 2));
  for (let i = 0; i < n; i++) exps[i] = Math.exp(values[i]! - top);
  const total = treeSum(exps, n);
  for (let i = 0; i < n; i++) out[i] = f32(exps[i]! / total);
}

let others = new Float32Array(1024);

/** Mean of every value but `values[skip]`: mean + (mean - x) / (n - 1), free of the cancellation in (S - x). */
export function leaveOneOutMean(groupMean: number, x: number, n: number): number {
  if (n < 2) return 0;
  return f32(groupMean + f32(f32(groupMean - x) / (n - 1)));
}

/**
 * Std of every value but `values[skip]`, two-pass over the others. Downdating M2 would be O(1) but leaves
 * residue exactly when the others are all equal, the case where a caller divides by this std (NeMo-RL #1518).
 */
export function leaveOneOutStd(values: ArrayLike<number>, n: number, skip: number, ddof: number): number {
  if (others.length < n) others = new Float32Array(Math.max(n, others.length * 2));
  let k = 0;
  for (let i = 0; i < n; i++) if (i !== skip) others[k++] = values[i]!;
  return f32(Math.sqrt(variance(others, k, ddof)));
}
