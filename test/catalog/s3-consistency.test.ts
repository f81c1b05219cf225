/**
 * Catalog §3, consistency. Each example is held to a reference written from the catalog formula (plain
 * TypeScript over the rows, nothing from src/), on random batches and on every backend, and to the catalog's
 * vectors where it gives them.
 *
 * Not covered, because the language cannot express it: the historical form of outcome-based exploration,
 * bonus c / sqrt(N(prompt, answer)) with N counted across training steps: state is scalar, and this needs a
 * count per (prompt, answer) kept from batch to batch (see docs/coverage/s1-s3.md).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkMechanism, groupsOf, scoreEverywhere, type Row } from "./harness.js";

const NUM_RUNS = 40;

/**
 * Random batches: groups of 1..24 rollouts (singletons and all-equal groups weighted in), fields of a group
 * shared through `common`, group keys mixing ints and strings, rollouts scattered through the batch.
 */
function groupedRows(member: fc.Arbitrary<Row>, key = "prompt", common: fc.Arbitrary<Row> = fc.constant({}), maxSize = 24): fc.Arbitrary<Row[]> {
  const size = fc.oneof({ weight: 2, arbitrary: fc.constant(1) }, { weight: 4, arbitrary: fc.integer({ min: 2, max: Math.min(8, maxSize) }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: maxSize }) });
  const group = size.chain((n) =>
    fc.record({ allEqual: fc.boolean(), common, seed: member, members: fc.array(member, { minLength: n, maxLength: n }) }).map(({ allEqual, common: shared, seed, members }) =>
      (allEqual ? members.map(() => seed) : members).map((m) => ({ ...m, ...shared })),
    ),
  );
  return fc.tuple(fc.array(group, { minLength: 1, maxLength: 6 }), fc.infiniteStream(fc.nat())).map(([groups, noise]) => {
    const rows = groups.flatMap((members, g) => members.map((m) => ({ [key]: g % 2 === 0 ? g : `q${g}`, ...m })));
    const it = noise[Symbol.iterator]();
    for (let i = rows.length - 1; i > 0; i--) {
      const j = it.next().value! % (i + 1);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    return rows;
  });
}

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const variance = (xs: number[], ddof: 0 | 1): number => {
  if (xs.length - ddof <= 0) return 0;
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - ddof);
};
const logSigmoid = (x: number): number => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));
/** A float32 value (the inputs are stored as float32; the reference reads the same numbers). */
const f32 = (lo: number, hi: number, grid: number): fc.Arbitrary<number> =>
  fc.oneof({ weight: 1, arbitrary: fc.constantFrom(lo, hi, 0) }, { weight: 4, arbitrary: fc.integer({ min: Math.ceil(lo * grid), max: Math.floor(hi * grid) }).map((k) => Math.fround(k / grid)) });

/** verl GRPO: (s - mean) / (std_unbiased + 1e-6); a singleton group uses mean 0, std 1. */
function grpo(rows: Row[], s: number[], key: string): number[] {
  const out = new Array<number>(rows.length);
  for (const members of groupsOf(rows, key)) {
    const xs = members.map((i) => s[i]!);
    const [mu, sd] = members.length === 1 ? [0, 1] : [mean(xs), Math.sqrt(variance(xs, 1))];
    for (const i of members) out[i] = (s[i]! - mu) / (sd + 1e-6);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// ACRE

/** ACRE (catalog §3): both verdicts correct -> high; the first only -> mid; otherwise low. */
function acreReference(rows: Row[], p: Record<string, number>) {
  const before = (r: Row) => r.answer_before === r.gold;
  const after = (r: Row) => r.answer_after === r.gold;
  const reward = rows.map((r) => (before(r) && after(r) ? p.high! : before(r) ? p.mid! : p.low!));
  return {
    outputs: { reward, advantage: grpo(rows, reward, "question") },
    metrics: {
      accuracy: mean(rows.map((r) => (before(r) ? 1 : 0))),
      consistency: mean(rows.map((r) => (r.answer_before === r.answer_after ? 1 : 0))),
      robust: mean(rows.map((r) => (before(r) && after(r) ? 1 : 0))),
    },
  };
}

describe("ACRE consistency-verification reward (examples/acre.reward)", () => {
  const option = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -1, max: 3 }) }, { weight: 1, arbitrary: fc.constant(25) });
  const rows = groupedRows(fc.record({ answer_before: option, answer_after: option }), "question", fc.record({ gold: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(25)) }));
  it("matches the reference on random batches, on every backend (high 1, mid 0.5, low 0)", async () => {
    await checkMechanism({ spec: "examples/acre.reward", rows, reference: acreReference, numRuns: NUM_RUNS });
  });
  it("matches the reference with other case values (high 2, mid -0.25, low -1)", async () => {
    await checkMechanism({ spec: "examples/acre.reward", rows, reference: acreReference, params: { high: 2, mid: -0.25, low: -1 }, numRuns: 20 });
  });
  it("hand-computed from the catalog's case table: (right, right) 1, (right, wrong) 0.5, (wrong, right) 0, (wrong, wrong) 0", async () => {
    const data = [
      { question: 1, gold: 2, answer_before: 2, answer_after: 2 },
      { question: 1, gold: 2, answer_before: 2, answer_after: 1 },
      { question: 1, gold: 2, answer_before: 0, answer_after: 2 },
      { question: 1, gold: 2, answer_before: -1, answer_after: 3 },
    ];
    for (const { backend, outputs } of await scoreEverywhere("examples/acre.reward", data)) expect(outputs.reward, backend).toEqual([1, 0.5, 0, 0]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Self-consistency / majority vote / outcome-based exploration (batch form) / answer entropy

/**
 * Catalog §3: votes_i = #{j: a_j = a_i}; majority = the most frequent id (ties: the smallest, our documented
 * choice); distinct-answer count; entropy -sum p log p. Exploration, batch form:
 * r_i = correct_i - c * #{j != i: a_j = a_i} / (n - 1) (no penalty in a singleton group). The advantage is
 * RLOO: s minus the mean of the others; a singleton keeps s.
 */
function selfConsistencyReference(rows: Row[], p: Record<string, number>) {
  const reward = new Array<number>(rows.length);
  const advantage = new Array<number>(rows.length);
  const weight = new Array<number>(rows.length);
  const entropy: number[] = [];
  const distinct: number[] = [];
  const share: number[] = [];
  const majorityCorrect: number[] = [];
  for (const members of groupsOf(rows)) {
    const n = members.length;
    const counts = new Map<number, number>();
    for (const i of members) counts.set(rows[i]!.answer as number, (counts.get(rows[i]!.answer as number) ?? 0) + 1);
    const top = Math.max(...counts.values());
    const majority = Math.min(...[...counts].filter(([, k]) => k === top).map(([a]) => a));
    for (const i of members) {
      const a = rows[i]!.answer as number;
      const others = counts.get(a)! - 1;
      const correct = rows[i]!.correct ? 1 : 0;
      reward[i] = p.vote ? (a === majority ? 1 : 0) : correct - (n > 1 ? (p.c! * others) / (n - 1) : 0);
      weight[i] = counts.get(a) === top ? 1 : 0.5;
    }
    const total = members.reduce((s, i) => s + reward[i]!, 0);
    for (const i of members) advantage[i] = n === 1 ? reward[i]! : reward[i]! - (total - reward[i]!) / (n - 1);
    entropy.push(-[...counts.values()].reduce((s, k) => s + (k / n) * Math.log(k / n), 0));
    distinct.push(counts.size);
    share.push(top / n);
    majorityCorrect.push(members.some((i) => rows[i]!.answer === majority && rows[i]!.correct) ? 1 : 0);
  }
  return {
    outputs: { reward, advantage, weight },
    metrics: { answer_entropy: mean(entropy), distinct_answers: mean(distinct), majority_share: mean(share), majority_correct: mean(majorityCorrect) },
  };
}

describe("Self-consistency, majority vote and batch exploration (examples/self_consistency.reward)", () => {
  const answer = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(-2147483648, 2147483647, -7) });
  const rows = groupedRows(fc.record({ answer, correct: fc.boolean() }));
  it("exploration (batch form, c = 0.5) matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/self_consistency.reward", rows, reference: selfConsistencyReference, numRuns: NUM_RUNS });
  });
  it("exploration with c = 2 matches the reference", async () => {
    await checkMechanism({ spec: "examples/self_consistency.reward", rows, reference: selfConsistencyReference, params: { c: 2 }, numRuns: 20 });
  });
  it("majority vote reward (vote = true) matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/self_consistency.reward", rows, reference: selfConsistencyReference, params: { vote: true }, numRuns: NUM_RUNS });
  });
  it("hand-computed from the catalog formulas: answers [42, 42, 7, 13] -> majority 42, 3 distinct, entropy 1.0397", async () => {
    const data = [
      { prompt: 1, answer: 42, correct: true },
      { prompt: 1, answer: 42, correct: true },
      { prompt: 1, answer: 7, correct: false },
      { prompt: 1, answer: 13, correct: false },
    ];
    for (const { backend, outputs, metrics } of await scoreEverywhere("examples/self_consistency.reward", data)) {
      [1 - 0.5 / 3, 1 - 0.5 / 3, 0, 0].forEach((w, i) => expect(outputs.reward![i], `${backend} row ${i}`).toBeCloseTo(w, 6));
      expect(metrics.distinct_answers, backend).toBeCloseTo(3, 6);
      expect(metrics.answer_entropy, backend).toBeCloseTo(-(0.5 * Math.log(0.5) + 2 * 0.25 * Math.log(0.25)), 6);
      expect(metrics.majority_share, backend).toBe(0.5);
    }
    const tie = [5, 3, 5, 3].map((answer) => ({ prompt: 1, answer, correct: false }));
    for (const { backend, outputs } of await scoreEverywhere("examples/self_consistency.reward", tie, { vote: true })) expect(outputs.reward, `${backend}: a tie goes to the smallest id`).toEqual([0, 1, 0, 1]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Reward-model ensembles

/** Catalog §3: mean; WCO min_k R_k; UWO mean - lambda * var (population or unbiased). */
function ensembleReference(rows: Row[], p: Record<string, number>) {
  const reward = rows.map((r) => {
    const s = r.scores as number[];
    if (p.aggregate === 0) return mean(s);
    if (p.aggregate === 1) return Math.min(...s);
    return mean(s) - p.lambda! * variance(s, p.unbiased ? 1 : 0);
  });
  return {
    outputs: { reward },
    metrics: {
      disagreement: mean(rows.map((r) => Math.sqrt(variance(r.scores as number[], 0)))),
      first_rm: mean(rows.map((r) => (r.scores as number[])[0]!)),
    },
  };
}

describe("Reward-model ensembles: mean, WCO, UWO (examples/rm_ensemble.reward)", () => {
  const score = f32(-10, 10, 20);
  const scores = fc.oneof({ weight: 4, arbitrary: fc.array(score, { minLength: 3, maxLength: 3 }) }, { weight: 1, arbitrary: score.map((s) => [s, s, s]) });
  const rows = groupedRows(fc.record({ scores }));
  for (const [name, params] of [
    ["UWO, population variance (default)", {}],
    ["UWO, unbiased variance", { unbiased: true }],
    ["UWO, lambda 2", { lambda: 2 }],
    ["mean", { aggregate: 0 }],
    ["WCO", { aggregate: 1 }],
  ] as const) {
    it(`${name}: matches the reference on random batches, on every backend`, async () => {
      await checkMechanism({ spec: "examples/rm_ensemble.reward", rows, reference: ensembleReference, params, numRuns: name.endsWith("(default)") ? NUM_RUNS : 15 });
    });
  }
  it("catalog §3 vector: lambda 0.5, scores (1.0, 1.2, 2.6) -> mean 1.6, pop var 0.50667, UWO 1.34667, WCO 1.0", async () => {
    const data = [{ prompt: 1, scores: [1.0, 1.2, 2.6] }];
    const reward = async (params: Record<string, number | boolean>) => (await scoreEverywhere("examples/rm_ensemble.reward", data, params)).map(({ backend, outputs }) => [backend, outputs.reward![0]!] as const);
    for (const [backend, r] of await reward({ aggregate: 0 })) expect(r, `${backend} mean`).toBeCloseTo(1.6, 5);
    for (const [backend, r] of await reward({})) expect(r, `${backend} UWO`).toBeCloseTo(1.34667, 5);
    for (const [backend, r] of await reward({ lambda: 1 })) expect(1.6 - r, `${backend} pop var = mean - UWO(lambda 1)`).toBeCloseTo(0.50667, 5);
    for (const [backend, r] of await reward({ aggregate: 1 })) expect(r, `${backend} WCO`).toBe(1.0);
    // The same scores with the unbiased variance (0.76, from the vector's inputs): UWO = 1.6 - 0.5 * 0.76.
    for (const [backend, r] of await reward({ unbiased: true })) expect(r, `${backend} UWO unbiased`).toBeCloseTo(1.22, 5);
  });
});

// ---------------------------------------------------------------------------------------------------------
// SCIR

/**
 * SCIR (catalog §3), as modelled in examples/scir.reward: per rollout, K = 3 judge preferences p_k;
 * reward = mean p - lambda * mean |p_k - mean p|; a pair (group) is kept when every judge agrees on every
 * response of it (all p_k > 0.5 or all p_k < 0.5).
 */
function scirReference(rows: Row[], p: Record<string, number>) {
  const spread = (r: Row) => {
    const ps = r.prefs as number[];
    return mean(ps.map((x) => Math.abs(x - mean(ps))));
  };
  const agree = (r: Row) => (r.prefs as number[]).every((x) => x > 0.5) || (r.prefs as number[]).every((x) => x < 0.5);
  const keep = new Array<boolean>(rows.length);
  const kept: number[] = [];
  for (const members of groupsOf(rows, "pair")) {
    const all = members.every((i) => agree(rows[i]!));
    for (const i of members) keep[i] = all;
    kept.push(all ? 1 : 0);
  }
  return {
    outputs: { reward: rows.map((r) => mean(r.prefs as number[]) - p.lambda! * spread(r)), keep },
    metrics: { consistent_pairs: mean(kept), mean_spread: mean(rows.map(spread)) },
  };
}

describe("SCIR: judges' agreement, inconsistency penalty, consistent pairs only (examples/scir.reward)", () => {
  const pref = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(0, 0.5, 1) }, { weight: 4, arbitrary: f32(0, 1, 40) }, { weight: 1, arbitrary: fc.float({ min: 0, max: 1, noNaN: true }) });
  const prefs = fc.oneof({ weight: 3, arbitrary: fc.array(pref, { minLength: 3, maxLength: 3 }) }, { weight: 1, arbitrary: pref.map((x) => [x, x, x]) });
  // Mostly pairs, as SCIR scores them; other group sizes (singletons included) still have defined results.
  const rows = fc.oneof(groupedRows(fc.record({ prefs }), "pair", fc.constant({}), 2), groupedRows(fc.record({ prefs }), "pair"));
  it("matches the reference on random batches, on every backend (lambda 1)", async () => {
    await checkMechanism({ spec: "examples/scir.reward", rows, reference: scirReference, numRuns: NUM_RUNS });
  });
  it("matches the reference with lambda 3", async () => {
    await checkMechanism({ spec: "examples/scir.reward", rows, reference: scirReference, params: { lambda: 3 }, numRuns: 20 });
  });
  it("hand-computed from our modelling: agreeing judges keep the pair; a judge at 0.5 drops it", async () => {
    const data = [
      { pair: 1, prefs: [0.75, 0.875, 0.625] },
      { pair: 1, prefs: [0.25, 0.125, 0.375] },
      { pair: 2, prefs: [0.5, 0.75, 1.0] },
      { pair: 2, prefs: [0.5, 0.25, 0.0] },
      { pair: 3, prefs: [0.5, 0.75, 1.0] }, // a pair with one response scored: 0.5 is still no preference
    ];
    const spread = (0 + 0.125 + 0.125) / 3;
    for (const { backend, outputs } of await scoreEverywhere("examples/scir.reward", data)) {
      [0.75 - spread, 0.25 - spread, 0.75 - 1 / 6, 0.25 - 1 / 6].forEach((w, i) => expect(outputs.reward![i], `${backend} row ${i}`).toBeCloseTo(w, 6));
      expect(outputs.keep, backend).toEqual([1, 1, 0, 0, 0]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Bradley-Terry transform and combine

/** Catalog §3: u = sum over properties of log sigmoid(r_k - r_ref_k). */
function btReference(rows: Row[]) {
  const u = (r: Row, k: number) => logSigmoid((r.rewards as number[])[k]! - (r.ref as number[])[k]!);
  return {
    outputs: { reward: rows.map((r) => u(r, 0) + u(r, 1)) },
    metrics: {
      helpful_u: mean(rows.map((r) => u(r, 0))),
      harmless_u: mean(rows.map((r) => u(r, 1))),
      all_good: mean(rows.map((r) => Math.exp(u(r, 0) + u(r, 1)))),
    },
  };
}

describe("Bradley-Terry transform and combine (examples/bt_transform.reward)", () => {
  const value = fc.oneof({ weight: 6, arbitrary: f32(-10, 10, 4) }, { weight: 1, arbitrary: fc.constantFrom(-1000, 1000) });
  const pair = fc.array(value, { minLength: 2, maxLength: 2 });
  // r_ref is per prompt: shared by the group. Some rollouts score exactly r_ref (the vector's case).
  const rows = groupedRows(fc.record({ rewards: pair }), "prompt", fc.record({ ref: pair })).chain((rs) =>
    fc.array(fc.boolean(), { minLength: rs.length, maxLength: rs.length }).map((atRef) => rs.map((r, i) => (atRef[i] ? { ...r, rewards: r.ref } : r))),
  );
  it("matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/bt_transform.reward", rows, reference: btReference, numRuns: NUM_RUNS });
  });
  it("catalog §3 vector: r = r_ref -> u = -0.693147 per property (so -1.386294 for two)", async () => {
    const data = [
      { prompt: 1, rewards: [1.2, 0.9], ref: [1.2, 0.9] },
      { prompt: 1, rewards: [1.2, 40.9], ref: [1.2, 0.9] }, // the second property's term is log sigmoid(40) ~ -4e-18
    ];
    for (const { backend, outputs } of await scoreEverywhere("examples/bt_transform.reward", data)) {
      expect(outputs.reward![0], backend).toBeCloseTo(-1.386294, 5);
      expect(outputs.reward![1], backend).toBeCloseTo(-0.693147, 5);
    }
    for (const { backend, metrics } of await scoreEverywhere("examples/bt_transform.reward", data.slice(0, 1))) expect(metrics.helpful_u, backend).toBeCloseTo(-0.693147, 5);
  });
});
