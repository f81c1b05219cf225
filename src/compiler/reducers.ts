/**
 * The numerics of every reduction, scan and group map, in float32 semantics, shared by constant folding
 * and the CPU backend (the reference backend). The WGSL backend implements the same definitions, so the
 * two agree to the bit wherever the hardware's float32 add, subtract and multiply are correctly rounded.
 *
 * The canonical sum is the adjacent-pair tree over the items in order, padded with zeros to a power of two:
 * ((x0 + x1) + (x2 + x3)) + ((x4 + 0) + ...). It is computed by a binary counter (push each item, merge
 * the top two partial sums while the count is even, fold what is left from the smallest partial up), which
 * needs O(log n) memory in one thread, and by a workgroup as a shared-memory tree over aligned blocks of a
 * power-of-two size whose partials then enter the same counter: both give this tree. Its error grows with
 * log n rather than n, and it gives identical bits on every run.
 *
 * Masks never reshape the tree: an item that is not selected contributes 0 to a sum. Means and variances
 * work on the data shifted by the first selected value (x0 + sum(x - x0) / k), in two passes (mean first,
 * then squared deviations): E[x^2] - E[x]^2 leaves float32 residue that explodes downstream divisions, and
 * the shift makes equal values give exact results (an all-equal group has its value as mean, std 0).
 *
 * Defined results on empty sets (documented in docs/language.md): sum, mean, var, std, min, max, first,
 * last = 0; count = 0; any = false; all = true; argmax, argmin, first_index = -1. With fewer than
 * ddof + 1 values var and std are 0.
 */
import type { AxisOnlyReduceFn, ReduceFn } from "./ir.js";
import { InternalError } from "../diagnostics/diagnostic.js";

const f32 = Math.fround;

/** The binary counter's partial sums: stack[d] covers 2^(heights[d]) items. */
const stack = new Float32Array(64);
let depth = 0;
let pushed = 0;

function begin(): void {
  depth = 0;
  pushed = 0;
}

function push(v: number): void {
  pushed++;
  let x = f32(v);
  for (let c = pushed; (c & 1) === 0; c >>= 1) x = f32(stack[--depth]! + x);
  stack[depth++] = x;
}

function finish(): number {
  return foldPartials(stack, depth);
}

/** The counter's last step: the partial sums left on the stack, folded from the smallest up (0 when none). */
function foldPartials(st: Float32Array, depth: number): number {
  if (depth === 0) return 0;
  let acc = st[depth - 1]!;
  for (let d = depth - 2; d >= 0; d--) acc = f32(st[d]! + acc);
  return acc;
}

type Mask = ArrayLike<number> | null;
const selected = (mask: Mask, i: number): boolean => mask === null || mask[i] !== 0;

/** Sum of `values[0..n)` (unselected items count as 0) by the canonical tree. */
export function treeSum(values: ArrayLike<number>, n: number, mask: Mask = null): number {
  begin();
  for (let i = 0; i < n; i++) push(selected(mask, i) ? values[i]! : 0);
  return finish();
}

function countSelected(n: number, mask: Mask): number {
  if (mask === null) return n;
  let k = 0;
  for (let i = 0; i < n; i++) if (mask[i] !== 0) k++;
  return k;
}

/** The shift of means and variances: the first selected value, or 0 when that is not finite (inf - inf is NaN). */
function shiftOf(values: ArrayLike<number>, n: number, mask: Mask): number {
  for (let i = 0; i < n; i++) {
    if (selected(mask, i)) {
      const v = f32(values[i]!);
      return Number.isFinite(v) ? v : 0;
    }
  }
  return 0;
}

/** Mean of the selected values, shifted by the first: x0 + sum(x - x0) / k. */
export function mean(values: ArrayLike<number>, n: number, mask: Mask = null): number {
  const k = countSelected(n, mask);
  if (k === 0) return 0;
  const shift = shiftOf(values, n, mask);
  begin();
  for (let i = 0; i < n; i++) push(selected(mask, i) ? f32(values[i]! - shift) : 0);
  return f32(shift + f32(finish() / k));
}

/** Two-pass variance of the selected values shifted by the first one, divisor k - ddof; 0 when k - ddof <= 0. */
export function variance(values: ArrayLike<number>, n: number, ddof: number, mask: Mask = null): number {
  const k = countSelected(n, mask);
  if (k - ddof <= 0) return 0;
  const shift = shiftOf(values, n, mask);
  begin();
  for (let i = 0; i < n; i++) push(selected(mask, i) ? f32(values[i]! - shift) : 0);
  const m = f32(finish() / k);
  begin();
  for (let i = 0; i < n; i++) {
    if (!selected(mask, i)) push(0);
    else {
      const d = f32(f32(values[i]! - shift) - m);
      push(f32(d * d));
    }
  }
  return f32(finish() / (k - ddof));
}

/** Exact sum of int32 values, wrapping like int32 arithmetic: associative, so every order gives it. */
export function intSum(values: ArrayLike<number>, n: number, mask: Mask = null): number {
  let acc = 0;
  for (let i = 0; i < n; i++) if (selected(mask, i)) acc = (acc + values[i]!) | 0;
  return acc;
}

/** Reduces the selected items of `values[0..n)`. Bools arrive as 0/1. Positions are into the full range. */
export function reduce(fn: ReduceFn | AxisOnlyReduceFn, values: ArrayLike<number>, n: number, ddof: number, mask: Mask = null): number {
  switch (fn) {
    case "sum":
      return treeSum(values, n, mask);
    case "mean":
      return mean(values, n, mask);
    case "var":
      return variance(values, n, ddof, mask);
    case "std":
      return f32(Math.sqrt(variance(values, n, ddof, mask)));
    case "count": {
      let c = 0;
      for (let i = 0; i < n; i++) if (values[i] !== 0 && selected(mask, i)) c++;
      return c;
    }
    case "len":
      return countSelected(n, mask);
    case "any":
      for (let i = 0; i < n; i++) if (values[i] !== 0 && selected(mask, i)) return 1;
      return 0;
    case "all":
      for (let i = 0; i < n; i++) if (values[i] === 0 && selected(mask, i)) return 0;
      return 1;
    case "min":
    case "max": {
      let best = NaN;
      let any = false;
      for (let i = 0; i < n; i++) {
        if (!selected(mask, i)) continue;
        const v = values[i]!;
        // NaN wins, so a NaN input is never hidden by a reduction.
        if (!any || Number.isNaN(v) || (fn === "min" ? v < best : v > best)) best = v;
        any = true;
        if (Number.isNaN(best)) break;
      }
      return any ? best : 0;
    }
    case "first":
      for (let i = 0; i < n; i++) if (selected(mask, i)) return values[i]!;
      return 0;
    case "last":
      for (let i = n - 1; i >= 0; i--) if (selected(mask, i)) return values[i]!;
      return 0;
    case "argmax":
    case "argmin": {
      let at = -1;
      for (let i = 0; i < n; i++) {
        if (!selected(mask, i)) continue;
        if (at < 0 || (fn === "argmax" ? values[i]! > values[at]! : values[i]! < values[at]!)) at = i;
      }
      return at;
    }
    case "first_index":
      for (let i = 0; i < n; i++) if (values[i] !== 0 && selected(mask, i)) return i;
      return -1;
  }
}

/**
 * `y_t = x_t + gamma_t * y_{t-1}` (prefix) or `y_t = x_t + gamma_t * y_{t+1}` (suffix), sequentially in
 * float32. The discount is per element, so gamma_t = 0 resets the return at an episode end.
 */
export function discountedScan(values: ArrayLike<number>, out: Float32Array, n: number, gammas: ArrayLike<number>, suffix: boolean): void {
  let carry = 0;
  for (let k = 0; k < n; k++) {
    const i = suffix ? n - 1 - k : k;
    carry = f32(values[i]! + f32(gammas[i]! * carry));
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
  const top = reduce("max", values, n, 0, null);
  if (exps.length < n) exps = new Float32Array(Math.max(n, exps.length * 2));
  for (let i = 0; i < n; i++) exps[i] = Math.exp(values[i]! - top);
  const total = treeSum(exps, n);
  for (let i = 0; i < n; i++) out[i] = f32(exps[i]! / total);
}

let others = new Float32Array(1024);

/** Mean of every value of a group but x, as the frameworks write it: (sum - x) / (n - 1); 0 for a singleton. */
export function leaveOneOutMean(sum: number, x: number, n: number): number {
  if (n < 2) return 0;
  return f32(f32(sum - x) / (n - 1));
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

let windowTable = new Int32Array(1024);

/**
 * The number of distinct windows `values[start + i .. start + i + n)` for i in [0, len - n], compared
 * exactly by value; 0 when len < n. Each window's hash picks a slot of an open-addressing table of window
 * starts, and probing compares the stored windows value by value: a hash collision costs time, never
 * correctness. O(len * n) time; the table (at least twice the window count) is reused across calls.
 */
export function distinctWindows(values: ArrayLike<number>, start: number, len: number, n: number): number {
  const windows = len - n + 1;
  if (n < 1 || windows <= 0) return 0;
  let size = 16;
  while (size < 2 * windows) size <<= 1;
  if (windowTable.length < size) windowTable = new Int32Array(size);
  const table = windowTable;
  table.fill(-1, 0, size);
  const mask = size - 1;
  let distinct = 0;
  for (let i = 0; i < windows; i++) {
    const at = start + i;
    let h = 0x811c9dc5 | 0;
    for (let k = 0; k < n; k++) h = Math.imul(h ^ (values[at + k]! | 0), 0x01000193);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    let slot = (h ^ (h >>> 13)) & mask;
    for (;;) {
      const other = table[slot]!;
      if (other < 0) {
        table[slot] = at;
        distinct++;
        break;
      }
      let same = true;
      for (let k = 0; k < n; k++) {
        if (values[other + k] !== values[at + k]) {
          same = false;
          break;
        }
      }
      if (same) break;
      slot = (slot + 1) & mask;
    }
  }
  return distinct;
}

/*
 * Range reducers: the same definitions as `reduce` and `softmax` for float32 values at
 * values[start .. start + n) (and mask[start .. start + n) when masked), which the CPU backend hits once per
 * group or rollout. They run the binary counter of `treeSum` with its state in locals (two items at a time:
 * the second push of a pair always merges with the first), so they give `reduce`'s bits without a copy or a
 * call per item.
 */

const rangeStack = new Float32Array(64);

/** The canonical tree sum of f32(values[i] - shift) over the selected items (shift 0: the values themselves). */
function shiftedSum(values: Float32Array, start: number, n: number, shift: number, mask: Uint8Array | null): number {
  const st = rangeStack;
  let depth = 0;
  let pairs = 0;
  let i = start;
  const end = start + n;
  for (; i + 1 < end; i += 2) {
    const a = mask === null || mask[i] !== 0 ? f32(values[i]! - shift) : 0;
    const b = mask === null || mask[i + 1] !== 0 ? f32(values[i + 1]! - shift) : 0;
    let x = f32(a + b);
    pairs++;
    for (let c = pairs; (c & 1) === 0; c >>= 1) x = f32(st[--depth]! + x);
    st[depth++] = x;
  }
  if (i < end) st[depth++] = mask === null || mask[i] !== 0 ? f32(values[i]! - shift) : 0;
  return foldPartials(st, depth);
}

/** The canonical tree sum of the squared deviations f32(f32(values[i] - shift) - m)^2 over the selected items. */
function squaredDeviationSum(values: Float32Array, start: number, n: number, shift: number, m: number, mask: Uint8Array | null): number {
  const st = rangeStack;
  let depth = 0;
  let pairs = 0;
  let i = start;
  const end = start + n;
  for (; i + 1 < end; i += 2) {
    const d0 = f32(f32(values[i]! - shift) - m);
    const d1 = f32(f32(values[i + 1]! - shift) - m);
    const a = mask === null || mask[i] !== 0 ? f32(d0 * d0) : 0;
    const b = mask === null || mask[i + 1] !== 0 ? f32(d1 * d1) : 0;
    let x = f32(a + b);
    pairs++;
    for (let c = pairs; (c & 1) === 0; c >>= 1) x = f32(st[--depth]! + x);
    st[depth++] = x;
  }
  if (i < end) {
    const d = f32(f32(values[i]! - shift) - m);
    st[depth++] = mask === null || mask[i] !== 0 ? f32(d * d) : 0;
  }
  return foldPartials(st, depth);
}

function rangeSelected(start: number, n: number, mask: Uint8Array | null): number {
  if (mask === null) return n;
  let k = 0;
  for (let i = start, end = start + n; i < end; i++) if (mask[i] !== 0) k++;
  return k;
}

/** As `shiftOf`: the first selected value, or 0 when there is none or it is not finite. */
function rangeShift(values: Float32Array, start: number, n: number, mask: Uint8Array | null): number {
  for (let i = start, end = start + n; i < end; i++) {
    if (mask === null || mask[i] !== 0) {
      const v = values[i]!;
      return Number.isFinite(v) ? v : 0;
    }
  }
  return 0;
}

/**
 * What mean, var and std of one range share, per range: the number of selected items, the shift (first
 * selected value) and the centred mean f32(sum(f32(x - shift)) / count), 0 when nothing is selected. A backend
 * that reduces the same values to several of the three computes them once (`rangeCentre`) and finishes each
 * with `reduceCentred`: the bits of `reduceRange`, which is itself those two steps.
 */
export interface RangeCentres {
  count: Int32Array;
  shift: Float32Array;
  centred: Float32Array;
}

export function rangeCentres(ranges: number): RangeCentres {
  return { count: new Int32Array(ranges), shift: new Float32Array(ranges), centred: new Float32Array(ranges) };
}

/** Fills slot `at` of `out` with the centre of values[start .. start + n). */
export function rangeCentre(values: Float32Array, start: number, n: number, mask: Uint8Array | null, out: RangeCentres, at: number): void {
  const k = rangeSelected(start, n, mask);
  out.count[at] = k;
  const shift = k === 0 ? 0 : rangeShift(values, start, n, mask);
  out.shift[at] = shift;
  out.centred[at] = k === 0 ? 0 : f32(shiftedSum(values, start, n, shift, mask) / k);
}

/** Integers up to this magnitude are exact in float32. */
const EXACT_INTEGERS = 2 ** 24;

/**
 * `rangeCentre` of integer values (int32, or bools as 0/1) reduced as float32, in one pass in float64, when
 * that is exact: every value and the sum of |x - shift| at most 2^24. Then every item x - shift and every
 * partial sum of the canonical tree is an integer float32 holds exactly, so the tree sum is the exact sum and
 * this gives `rangeCentre`'s bits (no -0 arises: x - x is +0). Returns false, leaving `out` alone, otherwise.
 */
export function integerRangeCentre(values: Int32Array | Uint8Array, start: number, n: number, mask: Uint8Array | null, out: RangeCentres, at: number): boolean {
  let k = 0;
  let shift = 0;
  let sum = 0;
  let spread = 0;
  for (let i = start, end = start + n; i < end; i++) {
    if (mask !== null && mask[i] === 0) continue;
    const v = values[i]!;
    if (v > EXACT_INTEGERS || v < -EXACT_INTEGERS) return false;
    if (k === 0) shift = v;
    const d = v - shift;
    sum += d;
    spread += Math.abs(d);
    k++;
  }
  if (spread > EXACT_INTEGERS) return false;
  out.count[at] = k;
  out.shift[at] = shift;
  out.centred[at] = k === 0 ? 0 : f32(sum / k);
  return true;
}

/** The reductions `reduceCentred` finishes from a range's centre. */
export const CENTRED_REDUCERS: ReadonlySet<string> = new Set(["mean", "var", "std"]);

/** mean, var or std of values[start .. start + n) from its centre in slot `at` of `c` (see `rangeCentre`). */
export function reduceCentred(fn: ReduceFn | AxisOnlyReduceFn, values: Float32Array, start: number, n: number, ddof: number, mask: Uint8Array | null, c: RangeCentres, at: number): number {
  const k = c.count[at]!;
  if (fn === "mean") return k === 0 ? 0 : f32(c.shift[at]! + c.centred[at]!);
  if (fn !== "var" && fn !== "std") throw new InternalError(`reduceCentred does not compute \`${fn}\``);
  const variance = k - ddof <= 0 ? 0 : f32(squaredDeviationSum(values, start, n, c.shift[at]!, c.centred[at]!, mask) / (k - ddof));
  return fn === "std" ? f32(Math.sqrt(variance)) : variance;
}

const oneCentre = rangeCentres(1);

function rangeExtremum(values: Float32Array, start: number, n: number, isMin: boolean, mask: Uint8Array | null): number {
  let best = NaN;
  let any = false;
  for (let i = start, end = start + n; i < end; i++) {
    if (mask !== null && mask[i] === 0) continue;
    const v = values[i]!;
    // NaN wins, as in `reduce`.
    if (!any || v !== v || (isMin ? v < best : v > best)) best = v;
    any = true;
    if (best !== best) break;
  }
  return any ? best : 0;
}

/** The reductions `reduceRange` computes (the others go through `reduce`). */
export const RANGE_REDUCERS: ReadonlySet<string> = new Set(["sum", "mean", "var", "std", "min", "max"]);

/**
 * `reduce(fn, values[start .. start + n), n, ddof, mask[start .. start + n))` for fn in RANGE_REDUCERS,
 * without copying the range.
 */
export function reduceRange(fn: ReduceFn | AxisOnlyReduceFn, values: Float32Array, start: number, n: number, ddof: number, mask: Uint8Array | null = null): number {
  switch (fn) {
    case "sum":
      return shiftedSum(values, start, n, 0, mask);
    case "mean":
    case "var":
    case "std":
      rangeCentre(values, start, n, mask, oneCentre, 0);
      return reduceCentred(fn, values, start, n, ddof, mask, oneCentre, 0);
    case "min":
    case "max":
      return rangeExtremum(values, start, n, fn === "min", mask);
    default:
      throw new InternalError(`reduceRange does not compute \`${fn}\``);
  }
}

/** `softmax` of values[start .. start + n) into out[outStart ..]: the same maximum, exps, tree sum and divisions. */
export function softmaxRange(values: Float32Array, start: number, out: Float32Array, outStart: number, n: number): void {
  if (n === 0) return;
  const top = rangeExtremum(values, start, n, false, null);
  if (exps.length < n) exps = new Float32Array(Math.max(n, exps.length * 2));
  for (let i = 0; i < n; i++) exps[i] = Math.exp(values[start + i]! - top);
  const total = shiftedSum(exps, 0, n, 0, null);
  for (let i = 0; i < n; i++) out[outStart + i] = f32(exps[i]! / total);
}

/**
 * `discountedScan` of values[start .. start + n) into out[start ..], with the discount gammas[start + i], or
 * `gamma` for every element when gammas is null (a uniform or per-rollout discount): the same float32 steps.
 */
export function discountedScanRange(values: Float32Array, out: Float32Array, start: number, n: number, gammas: Float32Array | null, gamma: number, suffix: boolean): void {
  let carry = 0;
  if (suffix) {
    for (let i = start + n - 1; i >= start; i--) {
      carry = f32(values[i]! + f32((gammas === null ? gamma : gammas[i]!) * carry));
      out[i] = carry;
    }
  } else {
    for (let i = start, end = start + n; i < end; i++) {
      carry = f32(values[i]! + f32((gammas === null ? gamma : gammas[i]!) * carry));
      out[i] = carry;
    }
  }
}

/** The reductions `reduceIntRange` computes over int32 values seen exactly. */
export const INT_RANGE_REDUCERS: ReadonlySet<string> = new Set(["sum", "min", "max"]);

/** `intSum` (sum) or `reduce` (min, max) of int32 values[start .. start + n) with an optional mask, in place. */
export function reduceIntRange(fn: ReduceFn | AxisOnlyReduceFn, values: Int32Array, start: number, n: number, mask: Uint8Array | null = null): number {
  const end = start + n;
  if (fn === "sum") {
    let acc = 0;
    for (let i = start; i < end; i++) if (mask === null || mask[i] !== 0) acc = (acc + values[i]!) | 0;
    return acc;
  }
  if (fn !== "min" && fn !== "max") throw new InternalError(`reduceIntRange does not compute \`${fn}\``);
  const isMin = fn === "min";
  let best = 0;
  let any = false;
  for (let i = start; i < end; i++) {
    if (mask !== null && mask[i] === 0) continue;
    const v = values[i]!;
    if (!any || (isMin ? v < best : v > best)) best = v;
    any = true;
  }
  return best;
}
