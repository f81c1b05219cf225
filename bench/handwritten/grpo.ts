/**
 * The GRPO normalisation shared by the hand-written loops: per contiguous group, (s - mean) / (std + 1e-6) with
 * the unbiased std; a singleton uses mean 0, std 1 (verl). Sums run in float64 (JavaScript's native number):
 * the mean of equal float32 values is then exact, so a flat group gets advantage 0 exactly, as rewardc gives.
 */
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
