/**
 * Catalog §6 vectors (advantage estimators and their conventions, known numeric traps), reproduced by the
 * standard library on the CPU backend to 1e-4. Each test names the vector's source in catalog.md.
 */
import { describe, expect, it } from "vitest";
import { scoreRows } from "../support.js";
import { rewards, vectorBatch } from "./vectors.js";

function advantages(call: string, groups = rewards, extraInputs = ""): number[] {
  const { module, rows } = vectorBatch(call, groups, extraInputs);
  return scoreRows(module, rows).outputs.advantage!;
}

function expectClose(actual: number[], expected: number[], tolerance = 1e-4): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!), `index ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance));
}

describe("catalog §6 vector: rewards [1,0,0,1 | 0,0,0,0 | 0.5,1,0,0], lengths [10,20,30,40]", () => {
  it("verl GRPO (std.grpo)", () => {
    expectClose(advantages("std.grpo(reward)"), [0.866, -0.866, -0.866, 0.866, 0, 0, 0, 0, 0.2611, 1.3056, -0.7833, -0.7833]);
  });
  it("Dr.GRPO (std.dr_grpo)", () => {
    expectClose(advantages("std.dr_grpo(reward)"), [0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0, 0.125, 0.625, -0.375, -0.375]);
  });
  it("TRL scale_rewards=group (std.trl_group)", () => {
    expectClose(advantages("std.trl_group(reward)"), [0.8659, -0.8659, -0.8659, 0.8659, 0, 0, 0, 0, 0.2611, 1.3053, -0.7832, -0.7832]);
  });
  it("TRL scale_rewards=batch (std.trl_batch)", () => {
    expectClose(advantages("std.trl_batch(reward)"), [1.1104, -1.1104, -1.1104, 1.1104, 0, 0, 0, 0, 0.2776, 1.3881, -0.8328, -0.8328]);
  });
  it("RLOO (std.rloo)", () => {
    expectClose(advantages("std.rloo(reward)"), [0.6667, -0.6667, -0.6667, 0.6667, 0, 0, 0, 0, 0.1667, 0.8333, -0.5, -0.5]);
  });
  it("OPO, length-weighted baseline (std.opo)", () => {
    expectClose(advantages("std.opo(reward, length)", rewards, "input length : int"), [0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0, 0.25, 0.75, -0.25, -0.25]);
  });
  it("NeMo-RL leave-one-out (std.nemo_loo)", () => {
    expectClose(advantages("std.nemo_loo(reward)"), [1.1547, -1.1547, -1.1547, 1.1547, 0, 0, 0, 0, 0.2887, 2.8867, -1, -1]);
  });
});

describe("catalog §6 vector: NGRPO, G = 8 binary rewards", () => {
  it("all wrong: every A = -1/3", () => {
    expectClose(advantages("std.ngrpo(reward)", [[0, 0, 0, 0, 0, 0, 0, 0]]), new Array(8).fill(-1 / 3));
  });
  it("one correct: A_correct 1.764, A_wrong -0.504", () => {
    const a = advantages("std.ngrpo(reward)", [[1, 0, 0, 0, 0, 0, 0, 0]]);
    expectClose(a, [1.764, ...new Array(7).fill(-0.504)], 1e-3);
  });
});

describe("catalog §6 vector: rare-event amplification (population std)", () => {
  it("p = 1/8: success +2.6458, failure -0.3780", () => {
    const a = advantages("std.zscore_population(reward, 0.0)", [[1, 0, 0, 0, 0, 0, 0, 0]]);
    expectClose(a, [2.6458, ...new Array(7).fill(-0.378)]);
  });
});

describe("catalog §6 known numeric traps", () => {
  it("rewards [1.0, 1.00001] in one group give ∓0.6196 under verl GRPO (no variance floor)", () => {
    expectClose(advantages("std.grpo(reward)", [[1.0, 1.00001]]), [-0.6196, 0.6196]);
  });
  it("leave-one-out std of equal others is exactly 0, so NeMo LOO does not divide by residue (NeMo-RL #1518)", () => {
    // Three equal rewards of a large magnitude and one outlier: E[x^2]-E[x]^2 would leave float32 residue here.
    const a = advantages("std.nemo_loo(reward)", [[1000.1, 1000.1, 1000.1, 0.3]]);
    // For the outlier the others are all equal: std 0, so A = r - mean(others) exactly.
    expect(a[3]).toBeCloseTo(0.3 - 1000.1, 2);
    for (const x of a) expect(Number.isFinite(x)).toBe(true);
  });
});

describe("singleton groups follow each framework's convention", () => {
  it("verl GRPO: mean 0, std 1 -> s / (1 + 1e-6)", () => {
    expectClose(advantages("std.grpo(reward)", [[0.7]]), [0.7 / (1 + 1e-6)], 1e-6);
  });
  it("NeMo-RL leave-one-out: the baseline is the reward itself -> 0", () => {
    expectClose(advantages("std.nemo_loo(reward)", [[0.7]]), [0], 1e-6);
  });
  it("verl OPO keeps s; verl GPG uses mean 0 -> alpha * s (B = 2, one non-zero -> alpha 2)", () => {
    expectClose(advantages("std.opo(reward, length)", [[0.7]], "input length : int"), [0.7], 1e-6);
    expectClose(advantages("std.gpg(reward)", [[0.7], [0]]), [1.4, 0], 1e-6);
  });
  it("Dr.GRPO and RLOO keep s", () => {
    expectClose(advantages("std.dr_grpo(reward)", [[0.7]]), [0.7], 1e-6);
    expectClose(advantages("std.rloo(reward)", [[0.7]]), [0.7], 1e-6);
  });
});

describe("the remaining presets against their formulas", () => {
  it("GPG: alpha = B / max(count_nonzero, 1), A = alpha * (s - mean_g)", () => {
    const a = advantages("std.gpg(reward)");
    // B = 12 rollouts, 4 non-zero rewards (1, 1, 0.5, 1) -> alpha = 12 / 4 = 3.
    const expected = rewards.flatMap((g) => g.map((s) => (12 / 4) * (s - g.reduce((x, y) => x + y, 0) / g.length)));
    expectClose(a, expected);
  });
  it("REINFORCE++-baseline: group-mean baseline, then batch whitening with the unbiased variance", () => {
    const a = advantages("std.reinforce_pp_baseline(reward)");
    const x = rewards.flatMap((g) => g.map((s) => s - g.reduce((p, q) => p + q, 0) / g.length));
    const mean = x.reduce((p, q) => p + q, 0) / x.length;
    const variance = x.reduce((p, q) => p + (q - mean) ** 2, 0) / (x.length - 1);
    expectClose(a, x.map((v) => (v - mean) / Math.sqrt(variance + 1e-8)));
  });
  it("OpenRLHF group_norm clips rewards to [-10, 10] before normalising with epsilon 1e-9", () => {
    const a = advantages("std.openrlhf_group_norm(reward)", [[20, -20, 0]]);
    const clipped = [10, -10, 0];
    const std = Math.sqrt((100 + 100 + 0) / 2);
    expectClose(a, clipped.map((c) => c / (std + 1e-9)));
  });
});
