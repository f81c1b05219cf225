/**
 * Catalog §10, Tier 2: the mechanisms the language can express today, held to references; the others are
 * listed with the reason in docs/coverage.md.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { checkMechanism, groupsOf, type Row } from "./harness.js";

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Per group: (r - mean) / (unbiased std + 1e-6); a singleton gets r / (1 + 1e-6) (verl GRPO). */
function verlGrpo(rows: Row[], reward: number[], key: string): number[] {
  const out = new Array<number>(rows.length);
  for (const members of groupsOf(rows, key)) {
    const n = members.length;
    const values = members.map((i) => reward[i]!);
    if (n === 1) {
      out[members[0]!] = values[0]! / (1 + 1e-6);
      continue;
    }
    const mean = values.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    members.forEach((i, k) => (out[i] = (values[k]! - mean) / (std + 1e-6)));
  }
  return out;
}

describe("catalog §10 Tier 2", () => {
  it("GTAlign Nash welfare in a logistic length band, minus a chi-squared occupancy penalty", async () => {
    await checkMechanism({
      spec: "examples/gtalign_welfare.reward",
      params: { chi2_weight: 0.5 },
      rows: fc.array(
        fc.record({ prompt: fc.integer({ min: 0, max: 3 }), u_user: fc.double({ min: 0, max: 1, noNaN: true }), u_llm: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 0, max: 4000 }), d: fc.double({ min: 0, max: 2, noNaN: true }) }),
        { minLength: 1, maxLength: 24 },
      ),
      reference: (rows, p) => ({
        outputs: {
          reward: rows.map((r) => Math.sqrt((r.u_user as number) * (r.u_llm as number)) * sigmoid(p.k! * ((r.length as number) - p.a!)) * sigmoid(p.k! * (p.b! - (r.length as number))) - p.chi2_weight! * (Math.exp(r.d as number) - 1)),
        },
      }),
    });
  });

  it("pairwise win rates: the mean of a rollout's row of the preference matrix, then Dr.GRPO", async () => {
    await checkMechanism({
      spec: "examples/pairwise_winrate.reward",
      rows: fc.array(fc.record({ prompt: fc.integer({ min: 0, max: 3 }), wins: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }) }), { minLength: 1, maxLength: 20 }),
      reference: (rows) => {
        const reward = rows.map((r) => (r.wins as number[]).reduce((a, b) => a + b, 0) / 3);
        const advantage = new Array<number>(rows.length);
        for (const members of groupsOf(rows)) {
          const mean = members.reduce((a, i) => a + reward[i]!, 0) / members.length;
          for (const i of members) advantage[i] = members.length === 1 ? reward[i]! : reward[i]! - mean;
        }
        return { outputs: { reward, advantage } };
      },
    });
  });

  it("V-STAR sibling GRPO: GRPO with the parent node as the group key", async () => {
    await checkMechanism({
      spec: "examples/sibling_grpo.reward",
      // Values on a grid of eighths: exact in float32, so near-equal siblings (where a z-score is ill-conditioned
      // and float32 and float64 rightly disagree) do not arise.
      rows: fc.array(fc.record({ parent: fc.constantFrom("n0", "n1", "n2", "n3"), value: fc.integer({ min: -8, max: 8 }).map((k) => k / 8) }), { minLength: 1, maxLength: 24 }),
      reference: (rows) => ({ outputs: { advantage: verlGrpo(rows, rows.map((r) => r.value as number), "parent") } }),
    });
  });
});
