/** verl GRPO advantages, by hand: see grpo.ts. */
import type { BenchData, Scored } from "../data.js";
import { grpoInto, type GrpoNormaliser } from "./grpo.js";

export function verlGrpo(data: BenchData, starts: Int32Array, grpo: GrpoNormaliser = grpoInto): Scored {
  const score = data.columns.score as Float32Array;
  const advantage = new Float32Array(data.size);
  grpo(score, starts, advantage);
  return { outputs: new Map([["reward", score], ["advantage", advantage]]) };
}
