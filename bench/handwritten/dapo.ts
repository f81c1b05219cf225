/** DAPO by hand: outcome + overlong penalty per rollout, GRPO advantages, and keep = the group's rewards differ. */
import type { BenchData, Scored } from "../data.js";
import { grpoInto, type GrpoNormaliser } from "./grpo.js";

const f32 = Math.fround;

export function dapo(data: BenchData, starts: Int32Array, grpo: GrpoNormaliser = grpoInto): Scored {
  const correct = data.columns.correct as Uint8Array;
  const length = data.columns.length as Int32Array;
  const buffer = f32(data.params.buffer!);
  const expected = f32(f32(data.params.max_len!) - buffer);
  const factor = f32(data.params.factor!);
  const n = data.size;
  const reward = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const exceed = f32(length[i]! - expected);
    const overlong = Math.min(f32(f32(-exceed / buffer) * factor), 0);
    reward[i] = (correct[i] ? 1 : -1) + overlong;
  }
  const advantage = new Float32Array(n);
  grpo(reward, starts, advantage);
  const keep = new Uint8Array(n);
  const groups = starts.length - 1;
  for (let g = 0; g < groups; g++) {
    const begin = starts[g]!;
    const end = starts[g + 1]!;
    let lo = reward[begin]!;
    let hi = lo;
    for (let i = begin + 1; i < end; i++) {
      const r = reward[i]!;
      if (r < lo) lo = r;
      if (r > hi) hi = r;
    }
    keep.fill(hi > lo ? 1 : 0, begin, end);
  }
  return { outputs: new Map<string, Float32Array | Uint8Array>([["reward", reward], ["advantage", advantage], ["keep", keep]]) };
}
