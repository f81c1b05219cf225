/** PURE soft min-form by hand: per rollout a max-shifted softmax of -pr / T weighting pr, then GRPO advantages. */
import type { BenchData, Scored } from "../data.js";
import { grpoInto, type GrpoNormaliser } from "./grpo.js";

export function pureMinform(data: BenchData, starts: Int32Array, grpo: GrpoNormaliser = grpoInto): Scored {
  const pr = data.columns.pr as Float32Array;
  const steps = data.offsets.steps!;
  const scale = -1 / Math.fround(data.params.T!);
  const n = data.size;
  const reward = new Float32Array(n);
  let minSum = 0;
  let withSteps = 0;
  for (let i = 0; i < n; i++) {
    const begin = steps[i]!;
    const end = steps[i + 1]!;
    if (end === begin) continue;
    // The largest -pr / T is the smallest pr.
    let lo = pr[begin]!;
    for (let j = begin + 1; j < end; j++) if (pr[j]! < lo) lo = pr[j]!;
    let total = 0;
    let weighted = 0;
    for (let j = begin; j < end; j++) {
      const e = Math.exp((pr[j]! - lo) * scale);
      total += e;
      weighted += e * pr[j]!;
    }
    reward[i] = weighted / total;
    minSum += lo;
    withSteps++;
  }
  const advantage = new Float32Array(n);
  grpo(reward, starts, advantage);
  return {
    outputs: new Map([["reward", reward], ["advantage", advantage]]),
    metrics: new Map([["hard_min", withSteps === 0 ? 0 : minSum / withSteps]]),
  };
}
