/**
 * Seeded generators of each workload's batches, shaped like real rollouts so that every branch of the formula
 * is taken: groups of all-correct and all-wrong answers (zero-variance groups), overlong responses, ragged step
 * and turn counts, token streams with repeated spans. The same (workload, size, group size, seed) gives the
 * same bytes.
 */
import { randomInt, seededRandom } from "../src/cli/benchTiming.js";
import type { BenchData } from "./data.js";

export type Generator = (size: number, groupSize: number, seed: number) => Omit<BenchData, "workload" | "params">;

function contiguousGroups(size: number, groupSize: number): Int32Array {
  if (groupSize < 1 || size % groupSize !== 0) throw new Error(`size ${size} is not a multiple of the group size ${groupSize}`);
  const ids = new Int32Array(size);
  for (let i = 0; i < size; i++) ids[i] = Math.floor(i / groupSize);
  return ids;
}

/** Per group, a probability of success: a quarter of the groups all-wrong, a quarter all-correct. */
function groupSuccess(random: () => number): number {
  const u = random();
  return u < 0.25 ? 0 : u < 0.5 ? 1 : random();
}

/** Ragged offsets with lengths drawn uniformly from [lo, hi]. */
function raggedOffsets(size: number, random: () => number, lo: number, hi: number): Int32Array {
  const offsets = new Int32Array(size + 1);
  for (let i = 0; i < size; i++) offsets[i + 1] = offsets[i]! + randomInt(random, lo, hi);
  return offsets;
}

const verlGrpo: Generator = (size, groupSize, seed) => {
  const random = seededRandom(seed);
  const groupIds = contiguousGroups(size, groupSize);
  const score = new Float32Array(size);
  // Half the groups have 0/1 outcome scores (some all equal), half reward-model scores in [-2, 2] on a grid of
  // 1/1024. On a continuous draw, the odd pair of scores closer than ~1e-5 (a few per 1e5 rollouts in groups of
  // 2) has a z-score that hangs on the last bit of the float32 mean, which float64 peers compute differently:
  // an ill-conditioned output, not a wrong one, that would keep honest peers from being timed. On the grid,
  // distinct scores differ by at least 2^-10 and every mean of a group of 2 is exact in float32.
  for (let g = 0; g * groupSize < size; g++) {
    const binary = random() < 0.5;
    const p = groupSuccess(random);
    for (let i = g * groupSize; i < (g + 1) * groupSize; i++) score[i] = binary ? (random() < p ? 1 : 0) : Math.round((random() * 4 - 2) * 1024) / 1024;
  }
  return { size, groupSize, groupIds, columns: { score }, offsets: {} };
};

function correctAndLength(size: number, groupSize: number, seed: number, lengthLo: number, lengthHi: number): Omit<BenchData, "workload" | "params"> {
  const random = seededRandom(seed);
  const groupIds = contiguousGroups(size, groupSize);
  const correct = new Uint8Array(size);
  const length = new Int32Array(size);
  for (let g = 0; g * groupSize < size; g++) {
    const p = groupSuccess(random);
    for (let i = g * groupSize; i < (g + 1) * groupSize; i++) {
      correct[i] = random() < p ? 1 : 0;
      length[i] = randomInt(random, lengthLo, lengthHi);
    }
  }
  return { size, groupSize, groupIds, columns: { correct, length }, offsets: {} };
}

const grpoLambda: Generator = (size, groupSize, seed) => correctAndLength(size, groupSize, seed, 50, 8050);

/** Lengths around the overlong buffer (16384..20480 with the defaults): some penalised, some past max_len. */
const dapo: Generator = (size, groupSize, seed) => correctAndLength(size, groupSize, seed, 2000, 22000);

/**
 * ~20 process-reward steps per rollout (5..35). Each rollout has a quality q in [-0.5, 1] and its steps score
 * q +- 0.3 (clamped to [-1, 1]), so the soft-min rewards of a group spread out as real ones do. (Steps uniform
 * in [-1, 1] would give every rollout a soft min near -1: groups of nearly equal rewards whose z-scores
 * magnify the last bit.)
 */
const pureMinform: Generator = (size, groupSize, seed) => {
  const random = seededRandom(seed);
  const steps = raggedOffsets(size, random, 5, 35);
  const pr = new Float32Array(steps[size]!);
  for (let i = 0; i < size; i++) {
    const q = random() * 1.5 - 0.5;
    for (let j = steps[i]!; j < steps[i + 1]!; j++) pr[j] = Math.min(1, Math.max(-1, q + random() * 0.6 - 0.3));
  }
  return { size, groupSize, groupIds: contiguousGroups(size, groupSize), columns: { pr }, offsets: { steps } };
};

/**
 * ~1000 token ids per rollout (500..1500, vocabulary 32000). Each rollout has its own repetitiveness in
 * [0, 0.9): at each position, with that probability, a span of 8..64 earlier tokens is copied (a model stuck in
 * a loop), so the penalty ranges from ~0 to strongly negative.
 */
const ngramRepetition: Generator = (size, groupSize, seed) => {
  const random = seededRandom(seed);
  const offsets = raggedOffsets(size, random, 500, 1500);
  const tokens = new Int32Array(offsets[size]!);
  for (let i = 0; i < size; i++) {
    const begin = offsets[i]!;
    const end = offsets[i + 1]!;
    const repetitive = random() * 0.9;
    let t = begin;
    while (t < end) {
      if (t - begin >= 64 && random() < repetitive / 8) {
        const span = randomInt(random, 8, 64);
        const from = begin + randomInt(random, 0, t - begin - span);
        for (let k = 0; k < span && t < end; k++) tokens[t++] = tokens[from + k]!;
      } else tokens[t++] = randomInt(random, 0, 31999);
    }
  }
  return { size, groupSize, groupIds: contiguousGroups(size, groupSize), columns: { tokens }, offsets: { tokens: offsets } };
};

/**
 * IGPO: 0..8 turns per rollout (a few rollouts without turns), probabilities of the gold answer drifting
 * upwards, an F1 outcome in [0, 1], and 4..12 tokens per turn whose `token_turn` is the turn's index.
 */
const igpo: Generator = (size, groupSize, seed) => {
  const random = seededRandom(seed);
  const turns = new Int32Array(size + 1);
  const tokenOffsets = new Int32Array(size + 1);
  const turnCount = new Int32Array(size);
  const tokensPerTurn: number[] = [];
  for (let i = 0; i < size; i++) {
    turnCount[i] = random() < 0.05 ? 0 : randomInt(random, 1, 8);
    turns[i + 1] = turns[i]! + turnCount[i]!;
    let tokens = 0;
    for (let t = 0; t < turnCount[i]!; t++) {
      const k = randomInt(random, 4, 12);
      tokensPerTurn.push(k);
      tokens += k;
    }
    tokenOffsets[i + 1] = tokenOffsets[i]! + tokens;
  }
  const prob0 = new Float32Array(size);
  const outcome = new Float32Array(size);
  const prob = new Float32Array(turns[size]!);
  const tokenTurn = new Int32Array(tokenOffsets[size]!);
  let turnIndex = 0;
  for (let i = 0; i < size; i++) {
    let p = random() * 0.5;
    prob0[i] = p;
    outcome[i] = random() < 0.3 ? 0 : random();
    let at = tokenOffsets[i]!;
    for (let t = 0; t < turnCount[i]!; t++) {
      p = Math.min(1, Math.max(0, p + random() * 0.4 - 0.15));
      prob[turns[i]! + t] = p;
      const k = tokensPerTurn[turnIndex++]!;
      for (let j = 0; j < k; j++) tokenTurn[at++] = t;
    }
  }
  return { size, groupSize, groupIds: contiguousGroups(size, groupSize), columns: { prob0, prob, outcome, token_turn: tokenTurn }, offsets: { turns, tokens: tokenOffsets } };
};

export const GENERATORS: Record<string, Generator> = {
  verl_grpo: verlGrpo,
  grpo_lambda: grpoLambda,
  dapo,
  pure_minform: pureMinform,
  ngram_repetition: ngramRepetition,
  igpo,
};
