/** GRPO-λ with the Kimi length penalty, by hand: one pass per group for min/max length and accuracy, one to score. */
import type { BenchData, Scored } from "../data.js";
import { grpoInto, type GrpoNormaliser } from "./grpo.js";

const f32 = Math.fround;

export function grpoLambda(data: BenchData, starts: Int32Array, grpo: GrpoNormaliser = grpoInto): Scored {
  const correct = data.columns.correct as Uint8Array;
  const length = data.columns.length as Int32Array;
  const threshold = f32(data.params.threshold!);
  const reward = new Float32Array(data.size);
  const groups = starts.length - 1;
  for (let g = 0; g < groups; g++) {
    const begin = starts[g]!;
    const end = starts[g + 1]!;
    let shortest = length[begin]!;
    let longest = shortest;
    let solved = 0;
    for (let i = begin; i < end; i++) {
      const l = length[i]!;
      if (l < shortest) shortest = l;
      if (l > longest) longest = l;
      solved += correct[i]!;
    }
    const span = longest - shortest;
    const gated = f32(solved / (end - begin)) >= threshold;
    for (let i = begin; i < end; i++) {
      if (!gated) reward[i] = correct[i]!;
      else {
        // float32 as rewardc: the ratio, then 0.5 minus it, each rounded once.
        const kimi = span === 0 ? 0 : f32(0.5 - f32((length[i]! - shortest) / span));
        reward[i] = correct[i] ? 1 + kimi : Math.min(0, kimi);
      }
    }
  }
  const advantage = new Float32Array(data.size);
  grpo(reward, starts, advantage);
  return { outputs: new Map([["reward", reward], ["advantage", advantage]]) };
}
