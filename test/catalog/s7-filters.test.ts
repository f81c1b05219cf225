/**
 * Catalog §7, filters, weights and selection. Each example is held to a reference written from the catalog
 * (plain TypeScript, float64, no code shared with src/) on random batches with singleton groups, all-equal
 * groups and groups of up to 64, on the CPU and, when an adapter exists, on WebGPU.
 * DAPO dynamic sampling (keep groups whose rewards are not all equal) is checked in s2-length.test.ts
 * (examples/dapo_overlong.reward).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkMechanism, groupsOf, scoreEverywhere, type Row } from "./harness.js";

const NUM_RUNS = 40;

/** Groups of 1 to 64 rollouts (singletons and small groups weighted in), some all-equal, shuffled. */
function grouped(member: fc.Arbitrary<Row>): fc.Arbitrary<Row[]> {
  const size = fc.oneof({ weight: 2, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: fc.integer({ min: 2, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 }) });
  const group = fc
    .record({ n: size, allEqual: fc.boolean() })
    .chain(({ n, allEqual }) => (allEqual ? member.map((m) => Array.from({ length: n }, () => ({ ...m }))) : fc.array(member, { minLength: n, maxLength: n })));
  return fc.tuple(fc.array(group, { minLength: 1, maxLength: 6 }), fc.infiniteStream(fc.nat())).map(([groups, noise]) => {
    const rows: Row[] = groups.flatMap((members, g) => members.map((m) => ({ prompt: `p${g}`, ...m })));
    const it = noise[Symbol.iterator]();
    for (let i = rows.length - 1; i > 0; i--) {
      const j = it.next().value! % (i + 1);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    return rows;
  });
}

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

// ---------------------------------------------------------------------------------------------------------
// PF-PPO

/** Gives every row a distinct u in (0, 1), in a random order: (rank + 0.5) / n. */
function withDistinctU(rows: fc.Arbitrary<Row[]>): fc.Arbitrary<Row[]> {
  return fc.tuple(rows, fc.infiniteStream(fc.nat())).map(([rs, noise]) => {
    const it = noise[Symbol.iterator]();
    const keys = rs.map((_, i) => [it.next().value!, i] as const);
    const order = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
    const u = new Array<number>(rs.length);
    order.forEach((i, rank) => (u[i] = (rank + 0.5) / rs.length));
    return rs.map((r, i) => ({ ...r, u: u[i] }));
  });
}

/** Index (into `members`) of the highest `key`, ties to the larger u; -1 when `members` is empty. */
function pick(rows: Row[], members: number[], key: (i: number) => number): number {
  let best = -1;
  for (const i of members) {
    if (best < 0 || key(i) > key(best) || (key(i) === key(best) && (rows[i]!.u as number) > (rows[best]!.u as number))) best = i;
  }
  return best;
}

/** PF-PPO: best only (0), best + random (1), best + worst (2) per group. */
function pfPpo(rows: Row[], p: Record<string, number>): { outputs: Record<string, boolean[]> } {
  const keep = new Array<boolean>(rows.length).fill(false);
  const score = (i: number) => rows[i]!.score as number;
  for (const members of groupsOf(rows)) {
    const best = pick(rows, members, score);
    const others = members.filter((i) => i !== best);
    keep[best] = true;
    const second = p.mode === 1 ? pick(rows, others, () => 0) : p.mode === 2 ? pick(rows, others, (i) => -score(i)) : -1;
    if (second >= 0) keep[second] = true;
  }
  return { outputs: { keep } };
}

describe("PF-PPO (examples/filter_pf_ppo.reward)", () => {
  const rows = withDistinctU(grouped(fc.record({ score: fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: -8, max: 8 }).map((k) => k / 4)) })));
  it.each([0, 1, 2])("mode %s matches the reference on random batches (distinct u)", async (mode) => {
    await checkMechanism({ spec: "examples/filter_pf_ppo.reward", rows, reference: pfPpo, params: { mode }, numRuns: NUM_RUNS });
  });

  it("keeps one rollout per role: 1, 2, 2 per group of two or more, 1 for a singleton", async () => {
    const rows = [
      ...[0.5, 0.5, 0.5, 0.5].map((score, i) => ({ prompt: "flat", score, u: [0.3, 0.9, 0.1, 0.6][i] })),
      ...[1, 0, 1, 0.2].map((score, i) => ({ prompt: "mixed", score, u: [0.2, 0.4, 0.7, 0.5][i] })),
      { prompt: "alone", score: 0.3, u: 0.5 },
    ];
    const expected: Record<number, boolean[]> = {
      0: [false, true, false, false, false, false, true, false, true],
      1: [false, true, false, true, false, false, true, true, true],
      2: [false, true, false, true, false, true, true, false, true],
    };
    for (const mode of [0, 1, 2]) {
      for (const { backend, outputs } of await scoreEverywhere("examples/filter_pf_ppo.reward", rows, { mode })) {
        expect(outputs.keep!.map(Boolean), `${backend} mode ${mode}`).toEqual(expected[mode]);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// PROF

/**
 * PROF: keep m = min(keep_n, n); k_c = clamp(ceil(m/2), m - n_wrong, n_correct) correct rollouts with the
 * highest mean PRM, k_w = m - k_c incorrect ones with the lowest; rollouts tied at the cut are all kept.
 */
function prof(rows: Row[], p: Record<string, number>): { outputs: Record<string, boolean[]> } {
  const keep = new Array<boolean>(rows.length).fill(false);
  const score = rows.map((r) => mean(r.prm as number[]));
  for (const members of groupsOf(rows)) {
    const right = members.filter((i) => rows[i]!.correct);
    const wrong = members.filter((i) => !rows[i]!.correct);
    const m = Math.min(p.keep_n!, members.length);
    const kRight = Math.min(Math.max(Math.ceil(m / 2), m - wrong.length), right.length);
    const kWrong = m - kRight;
    for (const i of right) keep[i] = right.filter((j) => score[j]! > score[i]!).length < kRight;
    for (const i of wrong) keep[i] = wrong.filter((j) => score[j]! < score[i]!).length < kWrong;
    // Without ties at the cut exactly m are kept, k_c of them correct.
    const distinct = (ids: number[]) => new Set(ids.map((i) => score[i])).size === ids.length;
    if (distinct(right) && distinct(wrong)) {
      expect(members.filter((i) => keep[i]).length).toBe(m);
      expect(right.filter((i) => keep[i]).length).toBe(kRight);
    }
  }
  return { outputs: { keep } };
}

describe("PROF (examples/filter_prof.reward)", () => {
  // PRM scores on a grid of 1/8 and 0, 1, 2 or 4 steps, so every mean is exact in float32 and ties are real ties.
  const prm = fc.oneof(fc.constant(0), fc.constant(1), fc.constant(2), fc.constant(4)).chain((n) => fc.array(fc.integer({ min: 0, max: 8 }).map((k) => k / 8), { minLength: n, maxLength: n }));
  const rows = grouped(fc.record({ correct: fc.boolean(), prm }));
  it.each([1, 3, 4, 8])("keep_n = %s matches the reference on random batches", async (keepN) => {
    await checkMechanism({ spec: "examples/filter_prof.reward", rows, reference: prof, params: { keep_n: keepN }, numRuns: NUM_RUNS });
  });

  it("a group of 6 correct and 2 incorrect, m = 4: keeps the 2 best correct and both incorrect", async () => {
    const data: [boolean, number[]][] = [
      [true, [0.9, 0.8]], [true, [0.5]], [true, [1, 1]], [true, [0.25]], [true, [0.75]], [true, [0.125]], [false, [0.9]], [false, [0.1]],
    ];
    const rows = data.map(([correct, prm]) => ({ prompt: 1, correct, prm }));
    for (const { backend, outputs } of await scoreEverywhere("examples/filter_prof.reward", rows, { keep_n: 4 })) {
      expect(outputs.keep!.map(Boolean), backend).toEqual([true, false, true, false, false, false, true, true]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Pass-rate band, PACS, Auto-CEI weights

function passRate(rows: Row[], p: Record<string, number>): { outputs: Record<string, (number | boolean)[]>; metrics: Record<string, number> } {
  const keep = new Array<boolean>(rows.length);
  const groups = groupsOf(rows);
  let kept = 0;
  for (const members of groups) {
    const rate = members.filter((i) => rows[i]!.correct).length / members.length;
    const k = rate > p.lo! && rate < p.hi!;
    kept += k ? 1 : 0;
    for (const i of members) keep[i] = k;
  }
  return { outputs: { reward: rows.map((r) => (r.correct ? 1 : 0)), keep }, metrics: { kept_groups: kept / groups.length } };
}

describe("pass-rate band (examples/filter_pass_rate.reward)", () => {
  const rows = grouped(fc.record({ correct: fc.boolean() }));
  it("0 < p < 0.25 (default) matches the reference on random batches", async () => {
    await checkMechanism({ spec: "examples/filter_pass_rate.reward", rows, reference: passRate, numRuns: NUM_RUNS });
  });
  it("other bands too: [0.25, 1) and (0.1, 0.9)", async () => {
    await checkMechanism({ spec: "examples/filter_pass_rate.reward", rows, reference: passRate, params: { lo: 0.25, hi: 1 }, numRuns: NUM_RUNS });
    await checkMechanism({ spec: "examples/filter_pass_rate.reward", rows, reference: passRate, params: { lo: 0.1, hi: 0.9 }, numRuns: NUM_RUNS });
  });
  it("the band's edges: 1/4 is out, 1/8 and 15/64 are in, 0 is out", async () => {
    const groups: [string, number, number][] = [["quarter", 1, 4], ["eighth", 1, 8], ["fifteen", 15, 64], ["none", 0, 5]];
    const rows = groups.flatMap(([prompt, k, n]) => Array.from({ length: n }, (_, i) => ({ prompt, correct: i < k })));
    for (const { backend, outputs } of await scoreEverywhere("examples/filter_pass_rate.reward", rows)) {
      const keptByGroup = groups.map(([prompt]) => outputs.keep![rows.findIndex((r) => r.prompt === prompt)]);
      expect(keptByGroup, backend).toEqual([0, 1, 1, 0]);
    }
  });
});

function pacs(rows: Row[]): { outputs: Record<string, number[]> } {
  const weight = new Array<number>(rows.length);
  for (const members of groupsOf(rows)) {
    const nRight = members.filter((i) => rows[i]!.correct).length;
    const nWrong = members.length - nRight;
    for (const i of members) weight[i] = nRight > 0 && nWrong > 0 ? members.length / (2 * (rows[i]!.correct ? nRight : nWrong)) : 1;
  }
  return { outputs: { weight } };
}

describe("PACS class-balanced weights (examples/weight_pacs.reward)", () => {
  it("w = G / (2 n_class) with both classes present, else 1: matches the reference on random batches", async () => {
    await checkMechanism({ spec: "examples/weight_pacs.reward", rows: grouped(fc.record({ correct: fc.boolean() })), reference: pacs, numRuns: NUM_RUNS });
  });
});

/** Auto-CEI at the initial state (c1 = 13): refusal reward, and p_i = exp(R_i / tau) / sum over the group. */
function autoCeiWeights(rows: Row[], p: Record<string, number>): { outputs: Record<string, number[]> } {
  const c1 = 13;
  const reward = rows.map((r) => (r.correct ? 1 : r.refused ? 2 / (1 + Math.exp(-p.c2! * ((r.steps as number) - c1))) - 1 : -1));
  const weight = new Array<number>(rows.length);
  for (const members of groupsOf(rows)) {
    const z = members.reduce((s, i) => s + Math.exp(reward[i]! / p.tau!), 0);
    for (const i of members) weight[i] = Math.exp(reward[i]! / p.tau!) / z;
  }
  return { outputs: { reward, weight } };
}

describe("Auto-CEI softmax resampling weights (examples/auto_cei_curriculum.reward)", () => {
  const rows = grouped(fc.record({ correct: fc.boolean(), refused: fc.boolean(), steps: fc.integer({ min: 0, max: 40 }) }));
  it("p_i ∝ exp(R_i / tau) within the group, tau 0.6 (and 0.1): matches the reference on random batches", async () => {
    await checkMechanism({ spec: "examples/auto_cei_curriculum.reward", rows, reference: autoCeiWeights, numRuns: NUM_RUNS });
    await checkMechanism({ spec: "examples/auto_cei_curriculum.reward", rows, reference: autoCeiWeights, params: { tau: 0.1 }, numRuns: NUM_RUNS });
  });
});
