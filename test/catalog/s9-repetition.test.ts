/**
 * Catalog §9, open-r1's repetition penalty over token ids (examples/repetition_penalty.reward), held to a
 * reference written from the formula in float64 (a Set of the joined windows, nothing from src/), on random
 * batches and on every backend, plus open-r1's own vectors.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkMechanism, groupsOf, scoreEverywhere, type Row } from "./harness.js";

const SPEC = "examples/repetition_penalty.reward";

/** open-r1: total = number of n-grams, unique = distinct ones; (1 - unique / total) * max_penalty, 0 below n tokens. */
function penalty(tokens: number[], n: number, maxPenalty: number): number {
  const total = tokens.length - n + 1;
  if (total <= 0) return 0;
  const unique = new Set<string>();
  for (let i = 0; i < total; i++) unique.add(tokens.slice(i, i + n).join(" "));
  return (1 - unique.size / total) * maxPenalty;
}

function reference(rows: Row[], p: Record<string, number>) {
  const penalties = rows.map((r) => penalty(r.tokens as number[], p.n!, p.max_penalty!));
  const reward = rows.map((r, i) => (r.correct ? 1 : 0) + penalties[i]!);
  // verl GRPO: (s - mean) / (unbiased std + 1e-6); a singleton group uses mean 0, std 1.
  const advantage = new Array<number>(rows.length);
  for (const members of groupsOf(rows)) {
    const xs = members.map((i) => reward[i]!);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = xs.length < 2 ? 1 : Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
    for (const i of members) advantage[i] = (reward[i]! - (xs.length < 2 ? 0 : mean)) / (std + 1e-6);
  }
  const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    outputs: { reward, advantage },
    metrics: {
      accuracy: mean(rows.map((r) => (r.correct ? 1 : 0))),
      mean_penalty: mean(penalties),
      repetitive_share: mean(penalties.map((x) => (x < 0 ? 1 : 0))),
    },
  };
}

/** Completions of 0..48 tokens: small vocabularies (many repeats), large ones, and repeated spans. */
const completion: fc.Arbitrary<number[]> = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 48 }),
  fc.array(fc.integer({ min: -2147483648, max: 2147483647 }), { maxLength: 24 }),
  fc.tuple(fc.array(fc.integer({ min: 0, max: 31999 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 8 })).map(([span, times]) => Array.from({ length: times }, () => span).flat()),
);

const rows: fc.Arbitrary<Row[]> = fc
  .array(fc.array(fc.record({ correct: fc.boolean(), tokens: completion }), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 })
  .map((groups) => groups.flatMap((members, g) => members.map((m) => ({ prompt: `q${g}`, ...m }))));

describe("catalog §9: open-r1 repetition penalty over token ids", () => {
  it.each([
    { n: 3, max_penalty: -1 },
    { n: 1, max_penalty: -0.5 },
    { n: 2, max_penalty: -1 },
    { n: 5, max_penalty: -2 },
  ])("matches the formula on random batches with %o", async (params) => {
    await checkMechanism({ spec: SPEC, rows, reference, params, numRuns: 40, tolerance: 2e-4 });
  });

  it("gives open-r1's vectors: 'A B C A B C' with n = 3 -> -0.25; fewer than n tokens and empty -> 0", async () => {
    const vectors = [
      { prompt: 1, correct: false, tokens: [1, 2, 3, 1, 2, 3] },
      { prompt: 2, correct: false, tokens: [1, 2] },
      { prompt: 3, correct: false, tokens: [] },
      { prompt: 4, correct: false, tokens: [1, 2, 3, 4, 5] },
      { prompt: 5, correct: false, tokens: [9, 9, 9, 9, 9, 9] },
    ];
    for (const { backend, outputs } of await scoreEverywhere(SPEC, vectors)) {
      expect(outputs.reward![0], backend).toBeCloseTo(-0.25, 6);
      expect(outputs.reward!.slice(1, 4), backend).toEqual([0, 0, 0]);
      expect(outputs.reward![4], backend).toBeCloseTo(-0.75, 6);
    }
  });
});
