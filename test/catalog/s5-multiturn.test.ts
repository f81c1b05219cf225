/**
 * Catalog §5, multi-turn credit. Each example is held to a reference written from the catalog formula
 * (plain TypeScript over the rows, nothing imported from src/), on random batches and on every backend.
 *
 * Random batches: groups of 1..8 rollouts (singletons and all-equal groups included), scattered through the
 * batch; turn/step arrays of length 0..7 (empty and single turns weighted in); range edges included.
 * Values that feed a z-score are drawn from binary grids (k/16, k/8, k/4): they are exact in float32, so a
 * tie in the float64 reference is a tie in the spec too (a z-score of nearly-equal values would otherwise
 * compare rounding noise).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkMechanism, groupsOf, scoreEverywhere, type Row } from "./harness.js";

const RUNS = 40;

// ------------------------------------------------------------------ generators

/** Groups of rollouts under `key`, scattered through the batch (as test/batches.ts does). */
function batchOf(rollout: fc.Arbitrary<Row>, key = "prompt", maxGroups = 5): fc.Arbitrary<Row[]> {
  const size = fc.oneof({ weight: 2, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: fc.integer({ min: 2, max: 8 }) });
  const group = fc.tuple(size, fc.boolean(), rollout).chain(([n, allEqual, seed]) =>
    allEqual ? fc.constant(new Array<Row>(n).fill(seed)) : fc.array(rollout, { minLength: n, maxLength: n }),
  );
  return fc.tuple(fc.array(group, { minLength: 1, maxLength: maxGroups }), fc.infiniteStream(fc.nat())).map(([groups, noise]) => {
    const rows = groups.flatMap((members, g) => members.map((m) => ({ [key]: `g${g}`, ...m })));
    const it = noise[Symbol.iterator]();
    for (let i = rows.length - 1; i > 0; i--) {
      const j = it.next().value! % (i + 1);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    return rows;
  });
}

/** A float32 in [lo, hi], the edges weighted in. */
function f32(lo: number, hi: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(lo, hi) },
    { weight: 5, arbitrary: fc.float({ min: Math.fround(lo), max: Math.fround(hi), noNaN: true, noDefaultInfinity: true }).filter((x) => x >= lo && x <= hi).map((x) => (Object.is(x, -0) ? 0 : x)) },
  );
}

/** k / den for k in [lo * den, hi * den]: exact in float32. */
const grid = (lo: number, hi: number, den: number): fc.Arbitrary<number> => fc.integer({ min: Math.round(lo * den), max: Math.round(hi * den) }).map((k) => k / den);

/** A turn count: 0 and 1 weighted in. */
const count = (max: number): fc.Arbitrary<number> => fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }, { weight: 4, arbitrary: fc.integer({ min: 2, max }) });

/** The turn of every token, nondecreasing; -1 tokens (tool output) mixed in; a turn may have no token. */
function tokenTurns(turns: number): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: turns, maxLength: turns }), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: turns + 1, maxLength: turns + 1 }))
    .map(([perTurn, gaps]) => {
      const out: number[] = [];
      for (let s = 0; s <= turns; s++) {
        for (let g = 0; g < gaps[s]!; g++) out.push(-1);
        if (s < turns) for (let k = 0; k < perTurn[s]!; k++) out.push(s);
      }
      return out;
    });
}

// ------------------------------------------------------------------ small helpers for references

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]): number => (xs.length === 0 ? 0 : sum(xs) / xs.length);
/** Standard deviation with n - ddof in the denominator; 0 when there are not more than ddof values. */
function stdev(xs: number[], ddof: 0 | 1): number {
  if (xs.length <= ddof) return 0;
  const m = mean(xs);
  return Math.sqrt(sum(xs.map((x) => (x - m) ** 2)) / (xs.length - ddof));
}
/** A_t = x_t + gamma * A_{t+1}. */
function returns(xs: number[], gamma: number): number[] {
  const out = new Array<number>(xs.length);
  let acc = 0;
  for (let t = xs.length - 1; t >= 0; t--) out[t] = acc = xs[t]! + gamma * acc;
  return out;
}

// ------------------------------------------------------------------ IGPO (igpo)

/**
 * Catalog §5, IGPO: turn t < T gets r_t = P_t - P_{t-1} (P_0 = prob0), the last turn the outcome. Per group,
 * info-gain rewards and outcome rewards are z-scored separately over every (rollout, turn) of the group:
 * population std + 1e-8, std = 1 when the set has <= 1 element. A_t = r^_t + gamma A_{t+1}, copied to the
 * turn's tokens (a token outside every turn gets 0).
 */
function igpoReference(rows: Row[], p: Record<string, number>) {
  const advantage = new Array<number[]>(rows.length);
  const gainsOf = (r: Row): number[] => {
    const prob = r.prob as number[];
    return prob.map((v, t) => v - (t === 0 ? (r.prob0 as number) : prob[t - 1]!));
  };
  for (const members of groupsOf(rows)) {
    const gains: number[] = [];
    const outcomes: number[] = [];
    for (const i of members) {
      const g = gainsOf(rows[i]!);
      gains.push(...g.slice(0, -1)); // every turn but the last
      if (g.length > 0) outcomes.push(rows[i]!.outcome as number);
    }
    const mg = mean(gains);
    const sg = gains.length <= 1 ? 1 : stdev(gains, 0);
    const mo = mean(outcomes);
    const so = outcomes.length <= 1 ? 1 : stdev(outcomes, 0);
    for (const i of members) {
      const g = gainsOf(rows[i]!);
      const rHat = g.map((v, t) => (t === g.length - 1 ? ((rows[i]!.outcome as number) - mo) / (so + 1e-8) : (v - mg) / (sg + 1e-8)));
      const a = returns(rHat, p.gamma!);
      advantage[i] = (rows[i]!.token_turn as number[]).map((t) => (t >= 0 && t < a.length ? a[t]! : 0));
    }
  }
  const nonFinal = rows.flatMap((r) => gainsOf(r).slice(0, -1));
  return {
    outputs: { reward: rows.map((r) => r.outcome as number), advantage },
    metrics: { mean_gain: mean(nonFinal), mean_turns: mean(rows.map((r) => (r.prob as number[]).length)) },
  };
}

const igpoRows = batchOf(
  count(6).chain((n) =>
    fc.record({
      prob0: grid(0, 1, 16),
      prob: fc.array(grid(0, 1, 16), { minLength: n, maxLength: n }),
      outcome: grid(0, 1, 8),
      token_turn: tokenTurns(n),
    }),
  ),
);

describe("IGPO information-gain turn rewards (examples/igpo.reward)", () => {
  it("equal gains that are not binary fractions z-score to exactly 0 (groups of 7 and 13: a float32 sum / n leaves a residue)", async () => {
    for (const [n, g] of [[7, 0.1], [13, 0.1], [7, 0.7], [9, 0.123]] as const) {
      // one non-final turn per rollout with gain g, all rollouts alike: every z-score is 0
      const rows = Array.from({ length: n }, () => ({ prompt: 1, prob0: 0, prob: [g, 0.9], outcome: 0.7, token_turn: [0, 1] }));
      for (const { backend, outputs } of await scoreEverywhere("examples/igpo.reward", rows)) {
        expect(outputs.advantage, `${backend} n=${n} gain=${g}`).toEqual(new Array(2 * n).fill(0));
      }
    }
  });

  it("matches the reference on random batches, on every backend (gamma 1 and 0.5)", async () => {
    await checkMechanism({ spec: "examples/igpo.reward", rows: igpoRows, reference: igpoReference, numRuns: RUNS });
    await checkMechanism({ spec: "examples/igpo.reward", rows: igpoRows, reference: igpoReference, params: { gamma: 0.5 }, numRuns: RUNS / 2 });
  });

  it("worked example from the catalog formula: two rollouts, gains {0.2, -0.1} and outcomes {1, 0} z-score to ±1", async () => {
    // gains of the non-final turns: 0.4 - 0.2 = 0.2 and 0.1 - 0.2 = -0.1: mean 0.05, population std 0.15 -> ±1;
    // outcomes 1 and 0: mean 0.5, population std 0.5 -> ±1; gamma 1: A = [2, 1] and [-2, -1].
    const rows = [
      { prompt: 1, prob0: 0.2, prob: [0.4, 0.8], outcome: 1, token_turn: [0, -1, 1] },
      { prompt: 1, prob0: 0.2, prob: [0.1, 0.3], outcome: 0, token_turn: [0, 0, 1] },
    ];
    for (const { backend, outputs } of await scoreEverywhere("examples/igpo.reward", rows)) {
      [2, 0, 1, -2, -2, -1].forEach((want, t) => expect(outputs.advantage![t], `${backend} [${t}]`).toBeCloseTo(want, 5));
    }
  });
});

// ------------------------------------------------------------------ MatchTIR (matchtir)

/**
 * Catalog §5, MatchTIR: z_i = (R_i - mean_g) / (std_g + 1e-6); G_ij = sum_{k >= j} gamma^(k-j) r_ik (gamma 0.9)
 * z-scored across the group's rollouts that have a turn j (same epsilon); A_ij = (z_i + z^_ij) / 2. The std is
 * unbiased, and 0 over fewer than two values (the convention the example states).
 */
function matchtirReference(rows: Row[], p: Record<string, number>) {
  const advantage = new Array<number[]>(rows.length);
  for (const members of groupsOf(rows)) {
    const traj = members.map((i) => rows[i]!.traj as number);
    const mt = mean(traj);
    const st = stdev(traj, 1);
    const G = new Map(members.map((i) => [i, returns(rows[i]!.turn_r as number[], p.turn_gamma!)]));
    for (const i of members) {
      const z = ((rows[i]!.traj as number) - mt) / (st + 1e-6);
      advantage[i] = G.get(i)!.map((g, j) => {
        const atJ = members.filter((m) => G.get(m)!.length > j).map((m) => G.get(m)![j]!);
        const zTurn = (g - mean(atJ)) / (stdev(atJ, 1) + 1e-6);
        return (z + zTurn) / 2;
      });
    }
  }
  return {
    outputs: { reward: rows.map((r) => r.traj as number), advantage },
    metrics: { beyond_limit: sum(rows.map((r) => Math.max(0, (r.turn_r as number[]).length - 8))), mean_turns: mean(rows.map((r) => (r.turn_r as number[]).length)) },
  };
}

// gamma 0.5 over a k/4 grid keeps every return exact; gamma 0.9 over {0, 1} keeps distinct returns apart.
const matchRowsExact = batchOf(count(6).chain((n) => fc.record({ traj: grid(0, 1, 8), turn_r: fc.array(grid(-2, 2, 4), { minLength: n, maxLength: n }) })));
const matchRowsBinary = batchOf(count(5).chain((n) => fc.record({ traj: grid(0, 1, 8), turn_r: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }) })));

describe("MatchTIR dual-level advantage (examples/matchtir.reward)", () => {
  it("matches the reference on random batches, on every backend (turn gamma 0.9, binary turn rewards)", async () => {
    await checkMechanism({ spec: "examples/matchtir.reward", rows: matchRowsBinary, reference: matchtirReference, numRuns: RUNS });
  });

  it("matches the reference on random batches, on every backend (turn gamma 0.5, graded turn rewards)", async () => {
    await checkMechanism({ spec: "examples/matchtir.reward", rows: matchRowsExact, reference: matchtirReference, params: { turn_gamma: 0.5 }, numRuns: RUNS });
  });

  it("worked example from the catalog formula: R {1, 0}, turn rewards [1, 1] and [0, 1]", async () => {
    // z = ±1/sqrt(2) (unbiased std of {1, 0}); G = [1.9, 1] and [0.9, 1]: turn 0 z-scores to ±1/sqrt(2),
    // turn 1 is a tie (0). A = [(z + z0)/2, z/2] = ±[0.70711, 0.35355].
    const rows = [
      { prompt: 1, traj: 1, turn_r: [1, 1] },
      { prompt: 1, traj: 0, turn_r: [0, 1] },
    ];
    const s = Math.SQRT1_2;
    for (const { backend, outputs } of await scoreEverywhere("examples/matchtir.reward", rows)) {
      [s, s / 2, -s, -s / 2].forEach((want, k) => expect(outputs.advantage![k], `${backend} [${k}]`).toBeCloseTo(want, 4));
    }
  });
});

// ------------------------------------------------------------------ LOOP (loop_loo)

/** Catalog §5, LOOP: A_i = R_i - sum_{j != i} R_j / (K - 1), no std (K = 1: baseline 0); keep |A| >= 0.01. */
function loopReference(rows: Row[], p: Record<string, number>) {
  const advantage = new Array<number>(rows.length);
  for (const members of groupsOf(rows, "task")) {
    const total = sum(members.map((i) => rows[i]!.success as number));
    for (const i of members) {
      const r = rows[i]!.success as number;
      advantage[i] = members.length === 1 ? r : r - (total - r) / (members.length - 1);
    }
  }
  const keep = advantage.map((a) => Math.abs(a) >= p.min_abs!);
  return { outputs: { reward: rows.map((r) => r.success as number), advantage, keep }, metrics: { kept_fraction: mean(keep.map(Number)) } };
}

// A k/64 grid: no leave-one-out advantage of groups up to 8 comes within 1e-4 of ±0.01, so the threshold
// decides the same way in float32 and in float64.
const loopRows = batchOf(fc.record({ success: grid(0, 1, 64) }), "task", 6);

describe("LOOP leave-one-out advantage and |A| filter (examples/loop_loo.reward)", () => {
  it("matches the reference on random batches, on every backend (threshold 0.01 and 0.1)", async () => {
    await checkMechanism({ spec: "examples/loop_loo.reward", rows: loopRows, reference: loopReference, numRuns: RUNS });
    await checkMechanism({ spec: "examples/loop_loo.reward", rows: loopRows, reference: loopReference, params: { min_abs: 0.1 }, numRuns: RUNS / 2 });
  });

  it("worked example from the catalog formula: R [1, 0, 0.5, 0] -> A [0.8333, -0.5, 0.1667, -0.5]; A = 0.005 is dropped", async () => {
    const rows = [
      { task: "a", success: 1 }, { task: "a", success: 0 }, { task: "a", success: 0.5 }, { task: "a", success: 0 },
      { task: "b", success: 0.3 }, { task: "b", success: 0.305 },
    ];
    for (const { backend, outputs } of await scoreEverywhere("examples/loop_loo.reward", rows)) {
      [5 / 6, -0.5, 1 / 6, -0.5, -0.005, 0.005].forEach((want, i) => expect(outputs.advantage![i], `${backend} [${i}]`).toBeCloseTo(want, 5));
      expect(outputs.keep, backend).toEqual([1, 1, 1, 1, 0, 0]);
    }
  });
});

// ------------------------------------------------------------------ CaRL (carl)

/**
 * Catalog §5, CaRL: step reward = route completion gained x infraction factors; a hard infraction terminates
 * the episode, so the steps after the first hard infraction get nothing. Returns with gamma.
 */
function carlReference(rows: Row[], p: Record<string, number>) {
  const stepR = rows.map((r) => {
    const hard = r.hard as boolean[];
    const firstHard = hard.indexOf(true);
    return (r.progress as number[]).map((g, t) => (firstHard >= 0 && t > firstHard ? 0 : g * (r.factor as number[])[t]!));
  });
  return {
    outputs: { reward: stepR.map(sum), advantage: stepR.map((s) => returns(s, p.gamma!)) },
    metrics: { terminated: mean(rows.map((r) => ((r.hard as boolean[]).includes(true) ? 1 : 0))), completion: mean(stepR.map(sum)) },
  };
}

const carlRows = batchOf(
  count(7).chain((n) =>
    fc.record({
      progress: fc.array(f32(0, 1), { minLength: n, maxLength: n }),
      factor: fc.array(fc.oneof(fc.constant(1), f32(0, 1)), { minLength: n, maxLength: n }),
      // hard infractions are rare: most episodes have none, some have one or more
      hard: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), { minLength: n, maxLength: n }),
    }),
  ),
  "route",
);

describe("CaRL route completion with infractions (examples/carl.reward)", () => {
  it("matches the reference on random batches, on every backend (gamma 1 and 0.9)", async () => {
    await checkMechanism({ spec: "examples/carl.reward", rows: carlRows, reference: carlReference, numRuns: RUNS });
    await checkMechanism({ spec: "examples/carl.reward", rows: carlRows, reference: carlReference, params: { gamma: 0.9 }, numRuns: RUNS / 2 });
  });

  it("worked example from the catalog rule: a hard infraction at step 1 ends the reward after it", async () => {
    const rows = [{ route: "r", progress: [0.3, 0.2, 0.3, 0.2], factor: [1, 0.5, 1, 1], hard: [false, true, false, false] }];
    for (const { backend, outputs } of await scoreEverywhere("examples/carl.reward", rows)) {
      expect(outputs.reward![0], backend).toBeCloseTo(0.4, 6);
      [0.4, 0.1, 0, 0].forEach((want, t) => expect(outputs.advantage![t], `${backend} [${t}]`).toBeCloseTo(want, 6));
    }
  });
});

// ------------------------------------------------------------------ reverse discounted scan with resets

/** Catalog §5: A_t = r_t + gamma A_{t+1}, restarting after a step that ends an episode (when reset is on). */
function resetReference(rows: Row[], p: Record<string, number>) {
  const advantage = rows.map((row) => {
    const r = row.r as number[];
    const done = row.done as boolean[];
    const a = new Array<number>(r.length);
    for (let t = r.length - 1; t >= 0; t--) {
      const cut = t === r.length - 1 || (p.reset && done[t]);
      a[t] = r[t]! + (cut ? 0 : p.gamma! * a[t + 1]!);
    }
    return a;
  });
  const nonEmpty = advantage.filter((a) => a.length > 0);
  return {
    outputs: { reward: rows.map((row) => sum(row.r as number[])), advantage },
    metrics: { episodes: mean(rows.map((row) => (row.done as boolean[]).filter(Boolean).length)), first_return: mean(nonEmpty.map((a) => a[0]!)) },
  };
}

const resetRows = batchOf(count(7).chain((n) => fc.record({ r: fc.array(f32(-10, 10), { minLength: n, maxLength: n }), done: fc.array(fc.boolean(), { minLength: n, maxLength: n }) })));

describe("reverse discounted scan with resets at episode ends (examples/discounted_reset.reward)", () => {
  it("matches the reference on random batches, on every backend (gamma 0.99, 0, 1; reset on and off)", async () => {
    await checkMechanism({ spec: "examples/discounted_reset.reward", rows: resetRows, reference: resetReference, numRuns: RUNS });
    for (const gamma of [0, 1]) {
      await checkMechanism({ spec: "examples/discounted_reset.reward", rows: resetRows, reference: resetReference, params: { gamma }, numRuns: RUNS / 4 });
    }
    await checkMechanism({ spec: "examples/discounted_reset.reward", rows: resetRows, reference: resetReference, params: { reset: false }, numRuns: RUNS / 2 });
  });

  it("worked example from the catalog formula: r [0, 0, 1, 0, 2], done at 2 and 4, gamma 0.5", async () => {
    const rows = [{ prompt: 1, r: [0, 0, 1, 0, 2], done: [false, false, true, false, true] }];
    for (const { backend, outputs } of await scoreEverywhere("examples/discounted_reset.reward", rows, { gamma: 0.5 })) {
      expect(outputs.advantage, backend).toEqual([0.25, 0.5, 1, 1, 2]);
    }
    for (const { backend, outputs } of await scoreEverywhere("examples/discounted_reset.reward", rows, { gamma: 0.5, reset: false })) {
      expect(outputs.advantage, backend).toEqual([0.375, 0.75, 1.5, 1, 2]);
    }
  });
});
