/** The testing library API: generators, per-property checks, and the laws' semantics on small specs. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileFile } from "../../src/compiler/compile.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { arbitraryBatch, arbitraryPairBatch, assertProperty, checkProperties, counterexampleTable } from "../../src/index.js";
import { compileOk } from "../support.js";

const SPEC = `
reward t
group by prompt
input correct : bool
input length  : int in 0..100
input logp    : float[tokens] in -5..0
input scores  : float[3] in 0..1
reward    = float(correct) - float(length) / 1000.0 + 0.0 * mean(logp) + 0.0 * scores[0]
advantage = std.grpo(reward)
property bounded: expect reward >= -0.1 and reward <= 1.0
property centred: expect approx(group.sum(advantage), 0.0, 1e-3) with group size 2..6
property right_wins:
  pair a, b differ in correct
  given a.correct
  expect a.reward > b.reward
property shift: transform length = length + 0 expect advantage' == advantage
property fixed: expect correct and length >= 10 and length <= 20 and len(logp) <= 3
  with correct = true, length in 10..20, length 0..3, groups 2..2, group size 3..3
`;

describe("arbitraryBatch", () => {
  const module = compileOk(SPEC);

  it("generates rows `rewardc run` accepts, groups scattered, arrays as declared", () => {
    fc.assert(
      fc.property(arbitraryBatch(module), (rows) => {
        const built = batchFromRows(module, rows);
        expect("errors" in built ? built.errors : []).toEqual([]);
        for (const row of rows) expect((row.scores as number[]).length).toBe(3);
      }),
      { numRuns: 200 },
    );
  });

  it("respects generator settings", () => {
    fc.assert(
      fc.property(arbitraryBatch(module, { groups: [2, 2], groupSize: [3, 3], fixed: { correct: true }, ranges: { length: [10, 20] }, lengths: { "*": [0, 3] } }), (rows) => {
        expect(rows).toHaveLength(6);
        expect(new Set(rows.map((r) => r.prompt)).size).toBe(2);
        for (const r of rows) {
          expect(r.correct).toBe(true);
          expect(r.length).toBeGreaterThanOrEqual(10);
          expect(r.length).toBeLessThanOrEqual(20);
          expect((r.logp as number[]).length).toBeLessThanOrEqual(3);
        }
      }),
    );
  });

  it("pair batches hold two rollouts of one group equal but for the listed inputs", () => {
    fc.assert(
      fc.property(arbitraryPairBatch(module, ["correct"]), ({ rows, a, b }) => {
        const [x, y] = [rows[a]!, rows[b]!];
        expect(x.prompt).toBe(y.prompt);
        expect(x.correct).toBe(!y.correct);
        expect({ ...x, correct: null }).toEqual({ ...y, correct: null });
      }),
    );
  });
});

describe("checkProperties", () => {
  it("declared and built-in properties hold on a sound spec", async () => {
    const results = await checkProperties(compileOk(SPEC), { seed: 1, runs: 50 });
    expect(results.filter((r) => r.status === "failed")).toEqual([]);
    expect(results.map((r) => r.name)).toEqual(["bounded", "centred", "right_wins", "shift", "fixed", "determinism", "finite_outputs", "permutation_invariance", "group_order", "cpu_webgpu_agreement"]);
    expect(results.find((r) => r.name === "cpu_webgpu_agreement")!.status).toBe("skipped");
  });

  it("assertProperty passes on a law that holds and throws with the counterexample on one that fails", async () => {
    const { module } = compileFile("examples/hackable/constant_answer.reward");
    await expect(assertProperty(module!, "determinism", { seed: 3 })).resolves.toBeUndefined();
    await expect(assertProperty(module!, "wrong_never_full_reward", { seed: 3 })).rejects.toThrow(/property `wrong_never_full_reward` fails \(seed 3\)/);
    await expect(assertProperty(module!, "nope")).rejects.toThrow(/no property named `nope`/);
  });

  it("a transform law sees the rescored batch: a scale that is not invariant fails", async () => {
    const module = compileOk(`
reward s
group by prompt
input r : float in 0..1
reward = r
advantage = reward - group.mean(reward)
property scale_invariant: transform r = r * 2.0 expect approx(advantage', advantage, 1e-4)
`);
    const [result] = await checkProperties(module, { seed: 2, runs: 100, only: ["scale_invariant"] });
    expect(result!.status).toBe("failed");
    expect(result!.counterexample!.rows.length).toBeLessThanOrEqual(2);
  });

  it("finds a dependence on member order that the permutation law exists for", async () => {
    const module = compileOk(`
reward o
group by prompt
input r : float in 0..1
reward = r
advantage = float(group.rank(r) == 0) * r + group.loo_mean(r)
weight = float(group.count_eq(r))
`);
    const results = await checkProperties(module, { seed: 4, runs: 50 });
    expect(results.filter((r) => r.status === "failed")).toEqual([]);
  });

  it("prints a counterexample as a table with the property's lets", async () => {
    const module = compileOk(`
reward k
group by prompt
input correct : bool
input length : int in 0..4096
let penalty = float(length) / 1000.0
reward = if correct then 1.0 - penalty else 0.0
property wins:
  pair a, b differ in correct
  given a.correct
  expect a.reward >= b.reward and a.penalty >= 0.0
`);
    const [result] = await checkProperties(module, { seed: 9, only: ["wins"] });
    expect(result!.status).toBe("failed");
    const table = counterexampleTable(module, result!);
    expect(table.split("\n")[0]).toMatch(/row\s+prompt\s+correct\s+length\s+penalty\s+reward/);
    expect(table).toContain("a, b: the rollouts of the pair");
  });
});
