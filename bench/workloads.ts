/**
 * The benchmark's workloads: each a spec in bench/workloads/, a generator of its batches, a hand-written
 * TypeScript loop for the same formula, and how far its sizes go (data, not patience, sets the caps).
 */
import { join } from "node:path";
import { packageRoot } from "../src/paths.js";
import type { BenchData, Scored } from "./data.js";
import { GENERATORS, type Generator } from "./generators.js";
import { dapo } from "./handwritten/dapo.js";
import type { GrpoNormaliser } from "./handwritten/grpo.js";
import { grpoLambda } from "./handwritten/grpo_lambda.js";
import { igpo } from "./handwritten/igpo.js";
import { ngramRepetition } from "./handwritten/ngram_repetition.js";
import { pureMinform } from "./handwritten/pure_minform.js";
import { verlGrpo } from "./handwritten/verl_grpo.js";

export interface Workload {
  name: string;
  title: string;
  generate: Generator;
  /** The hand-written loop; those that end in GRPO advantages take the normalisation to use (default float64). */
  handwritten: (data: BenchData, starts: Int32Array, grpo?: GrpoNormaliser) => Scored;
  /** The loop's advantages are `std.grpo` of its rewards, computed by its `grpo` argument. */
  grpoAdvantages?: true;
  /** Largest N benchmarked, and why (shown in the report). */
  maxSize?: number;
  capReason?: string;
}

export const WORKLOADS: readonly Workload[] = [
  { name: "verl_grpo", title: "verl GRPO advantages", generate: GENERATORS.verl_grpo!, handwritten: verlGrpo, grpoAdvantages: true },
  { name: "grpo_lambda", title: "GRPO-λ with the Kimi length penalty", generate: GENERATORS.grpo_lambda!, handwritten: grpoLambda, grpoAdvantages: true },
  { name: "dapo", title: "DAPO overlong buffer + dynamic sampling", generate: GENERATORS.dapo!, handwritten: dapo, grpoAdvantages: true },
  { name: "pure_minform", title: "PURE soft min-form over ~20 ragged steps", generate: GENERATORS.pure_minform!, handwritten: pureMinform, grpoAdvantages: true },
  {
    name: "ngram_repetition",
    title: "n-gram repetition penalty over ~1000 tokens",
    generate: GENERATORS.ngram_repetition!,
    handwritten: ngramRepetition,
    maxSize: 100_000,
    capReason: "capped at N = 1e5: 1e6 rollouts of ~1000 tokens are 4 GB of token ids",
  },
  { name: "igpo", title: "IGPO turn-level advantages (~4.5 turns, ~36 tokens)", generate: GENERATORS.igpo!, handwritten: igpo },
];

export function specPath(workload: string): string {
  return join(packageRoot(), "bench", "workloads", `${workload}.reward`);
}

export function findWorkload(name: string): Workload {
  const w = WORKLOADS.find((x) => x.name === name);
  if (!w) throw new Error(`unknown workload \`${name}\`; known: ${WORKLOADS.map((x) => x.name).join(", ")}`);
  return w;
}
