/**
 * `distinct_ngrams(x, n)` and `count_distinct(x)` on the CPU backend: defined cases, and a property against
 * the plain definition (a Set of the windows, joined as text).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { distinctWindows } from "../../src/compiler/reducers.js";
import { compileOk, scoreRows } from "../support.js";

function reference(xs: number[], n: number): number {
  const seen = new Set<string>();
  for (let i = 0; i + n <= xs.length; i++) seen.add(xs.slice(i, i + n).join(","));
  return seen.size;
}

const spec = compileOk(`reward d
input ids : int[tokens]
input flags : bool[marks]
input vec : int[3]
param n : int = 3 in 1..64
reward = float(distinct_ngrams(ids, n))
advantage = float(distinct_ngrams(flags, 2))
weight = float(count_distinct(ids))
metric vector_pairs = batch.mean(distinct_ngrams(vec, 2))
`);

function score(rows: Record<string, unknown>[], params: Record<string, number> = {}): { reward: number[]; advantage: number[]; weight: number[]; vectorPairs: number } {
  const filled = rows.map((r) => ({ flags: [], vec: [0, 0, 0], ...r }));
  const { outputs, metrics } = scoreRows(spec, filled, params);
  return { reward: outputs.reward!, advantage: outputs.advantage!, weight: outputs.weight!, vectorPairs: metrics.vector_pairs! };
}

describe("distinct_ngrams on the CPU backend", () => {
  it("gives 0 for empty and shorter-than-n arrays, 1 when every window is equal, all windows when all differ", () => {
    const { reward, weight } = score([{ ids: [] }, { ids: [7, 7] }, { ids: [4, 4, 4, 4, 4, 4] }, { ids: [1, 2, 3, 4, 5, 6] }, { ids: [1, 2, 3, 1, 2, 3, 1, 2, 3] }]);
    expect(reward).toEqual([0, 0, 1, 4, 3]);
    expect(weight).toEqual([0, 1, 1, 6, 3]);
  });

  it("takes n from a param, and n = 1 counts distinct values", () => {
    const ids = [5, -1, 5, 2147483647, -2147483648, -1];
    expect(score([{ ids }], { n: 1 }).reward).toEqual([4]);
    expect(score([{ ids }], { n: 2 }).reward).toEqual([5]);
    expect(score([{ ids }], { n: 6 }).reward).toEqual([1]);
    expect(score([{ ids }], { n: 7 }).reward).toEqual([0]);
  });

  it("counts bool windows and windows of a fixed-width vector", () => {
    const { advantage, vectorPairs } = score([
      { ids: [], flags: [true, false, true, false, true], vec: [1, 1, 1] },
      { ids: [], flags: [true, true, true], vec: [1, 2, 1] },
    ]);
    expect(advantage).toEqual([2, 1]);
    expect(vectorPairs).toBe(1.5);
  });

  it("agrees with a Set of the joined windows on random arrays of small alphabets", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (xs, n) => {
        expect(distinctWindows(Int32Array.from(xs), 0, xs.length, n)).toBe(reference(xs, n));
      }),
      { numRuns: 500 },
    );
  });

  it("agrees with the reference through the whole pipeline, rollout by rollout", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 40 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 5 }), (arrays, n) => {
        const { reward } = score(arrays.map((ids) => ({ ids })), { n });
        expect(reward).toEqual(arrays.map((ids) => reference(ids, n)));
      }),
      { numRuns: 100 },
    );
  });

  it("reads only its own window of a larger array (offsets into a shared column)", () => {
    const values = Int32Array.from([9, 9, 1, 2, 1, 2, 9]);
    expect(distinctWindows(values, 2, 4, 2)).toBe(2);
    expect(distinctWindows(values, 2, 4, 1)).toBe(2);
  });
});
