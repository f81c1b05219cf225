/**
 * IGPO turn-level advantages by hand (formula in bench/workloads/igpo.reward): per contiguous group, one pass
 * over its turns for the mean of the information gains and of the outcomes, one for the population variances,
 * then per rollout the discounted suffix sums of the z-scored turn rewards, copied to the tokens of each turn.
 * Means and variances in float64; a shift by the group's first value keeps equal values exact (std 0).
 */
import type { BenchData, Scored } from "../data.js";

export function igpo(data: BenchData, starts: Int32Array): Scored {
  const prob0 = data.columns.prob0 as Float32Array;
  const prob = data.columns.prob as Float32Array;
  const outcome = data.columns.outcome as Float32Array;
  const tokenTurn = data.columns.token_turn as Int32Array;
  const turns = data.offsets.turns!;
  const tokens = data.offsets.tokens!;
  const gamma = Math.fround(data.params.gamma!);
  const n = data.size;
  const advantage = new Float32Array(tokens[n]!);
  let gainSum = 0;
  let gainCount = 0;
  let longest = 0;
  for (let i = 0; i < n; i++) longest = Math.max(longest, turns[i + 1]! - turns[i]!);
  const turnA = new Float64Array(longest);
  const groups = starts.length - 1;
  for (let g = 0; g < groups; g++) {
    const begin = starts[g]!;
    const end = starts[g + 1]!;
    // Information gains of the non-final turns, and outcomes of the rollouts that have turns.
    let nIg = 0;
    let shiftIg = 0;
    let sumIg = 0;
    let nO = 0;
    let shiftO = 0;
    let sumO = 0;
    for (let i = begin; i < end; i++) {
      const t0 = turns[i]!;
      const t1 = turns[i + 1]!;
      if (t1 === t0) continue;
      if (nO === 0) shiftO = outcome[i]!;
      sumO += outcome[i]! - shiftO;
      nO++;
      for (let t = t0; t < t1 - 1; t++) {
        const gain = Math.fround(prob[t]! - (t === t0 ? prob0[i]! : prob[t - 1]!));
        if (nIg === 0) shiftIg = gain;
        sumIg += gain - shiftIg;
        nIg++;
        gainSum += gain;
      }
    }
    gainCount += nIg;
    const meanIg = nIg === 0 ? 0 : shiftIg + sumIg / nIg;
    const meanO = nO === 0 ? 0 : shiftO + sumO / nO;
    let squaresIg = 0;
    let squaresO = 0;
    for (let i = begin; i < end; i++) {
      const t0 = turns[i]!;
      const t1 = turns[i + 1]!;
      if (t1 === t0) continue;
      const d = outcome[i]! - meanO;
      squaresO += d * d;
      for (let t = t0; t < t1 - 1; t++) {
        const gain = Math.fround(prob[t]! - (t === t0 ? prob0[i]! : prob[t - 1]!));
        squaresIg += (gain - meanIg) * (gain - meanIg);
      }
    }
    const sdIg = nIg <= 1 ? 1 : Math.sqrt(squaresIg / nIg);
    const sdO = nO <= 1 ? 1 : Math.sqrt(squaresO / nO);
    const scaleIg = 1 / (sdIg + 1e-8);
    const scaleO = 1 / (sdO + 1e-8);
    for (let i = begin; i < end; i++) {
      const t0 = turns[i]!;
      const count = turns[i + 1]! - t0;
      if (count > 0) {
        let carry = (outcome[i]! - meanO) * scaleO;
        turnA[count - 1] = carry;
        for (let k = count - 2; k >= 0; k--) {
          const t = t0 + k;
          const gain = Math.fround(prob[t]! - (k === 0 ? prob0[i]! : prob[t - 1]!));
          carry = (gain - meanIg) * scaleIg + gamma * carry;
          turnA[k] = carry;
        }
      }
      for (let k = tokens[i]!; k < tokens[i + 1]!; k++) {
        const t = tokenTurn[k]!;
        advantage[k] = t >= 0 && t < count ? turnA[t]! : 0;
      }
    }
  }
  let turnTotal = 0;
  for (let i = 0; i < n; i++) turnTotal += turns[i + 1]! - turns[i]!;
  return {
    outputs: new Map([["reward", outcome], ["advantage", advantage]]),
    metrics: new Map([
      ["mean_gain", gainCount === 0 ? 0 : gainSum / gainCount],
      ["mean_turns", n === 0 ? 0 : turnTotal / n],
    ]),
  };
}
