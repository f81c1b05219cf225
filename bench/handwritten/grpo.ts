/**
 * The GRPO normalisation shared by the hand-written loops: per contiguous group, (s - mean) / (std + 1e-6) with
 * the unbiased std; a singleton uses mean 0, std 1 (verl).
 *
 * Two numerics. `grpoInto` is what a performance-minded engineer writes: sums in float64 (JavaScript's native
 * number), so the mean of equal float32 values is exact and a flat group gets advantage 0 exactly, as rewardc
 * gives. `grpoFloat32Into` computes rewardc's own definition (`std.grpo`): float32 canonical tree sums of the
 * shifted values (`compiler/reducers.ts`), every operation rounded to float32. It gives rewardc's bits, and
 * timing it beside `grpoInto` shows what those numerics cost by hand (bench section "numerics").
 */
import { rangeCentre, rangeCentres, reduceCentred } from "../../src/compiler/reducers.js";

export type GrpoNormaliser = (scores: Float32Array, starts: Int32Array, out: Float32Array) => void;

export function grpoInto(scores: Float32Array, starts: Int32Array, out: Float32Array): void {
  const groups = starts.length - 1;
  for (let g = 0; g < groups; g++) {
    const begin = starts[g]!;
    const end = starts[g + 1]!;
    const n = end - begin;
    if (n === 1) {
      out[begin] = scores[begin]! / (1 + 1e-6);
      continue;
    }
    let sum = 0;
    for (let i = begin; i < end; i++) sum += scores[i]!;
    const mean = sum / n;
    let squares = 0;
    for (let i = begin; i < end; i++) {
      const d = scores[i]! - mean;
      squares += d * d;
    }
    const scale = 1 / (Math.sqrt(squares / (n - 1)) + 1e-6);
    for (let i = begin; i < end; i++) out[i] = (scores[i]! - mean) * scale;
  }
}

const f32 = Math.fround;
const EPS = f32(1e-6);
const SINGLETON_SCALE = f32(1 + EPS);
const centre = rangeCentres(1);

export function grpoFloat32Into(scores: Float32Array, starts: Int32Array, out: Float32Array): void {
  const groups = starts.length - 1;
  for (let g = 0; g < groups; g++) {
    const begin = starts[g]!;
    const end = starts[g + 1]!;
    const n = end - begin;
    if (n === 1) {
      out[begin] = scores[begin]! / SINGLETON_SCALE;
      continue;
    }
    rangeCentre(scores, begin, n, null, centre, 0);
    const mean = reduceCentred("mean", scores, begin, n, 0, null, centre, 0);
    const den = f32(reduceCentred("std", scores, begin, n, 1, null, centre, 0) + EPS);
    for (let i = begin; i < end; i++) out[i] = f32(scores[i]! - mean) / den;
  }
}
