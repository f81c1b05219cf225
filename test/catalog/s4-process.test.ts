/**
 * Catalog §4, process / step rewards. Each example is held to a reference written from the catalog formula
 * (plain TypeScript over the rows, nothing imported from src/), on random batches and on every backend.
 *
 * Random batches: groups of 1..8 rollouts (singletons and all-equal groups included), scattered through the
 * batch; step arrays of length 0..7 (empty and single steps weighted in); values at the declared range edges.
 * Floats are generated as float32 values (fc.float), so the reference sees exactly what the spec reads.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkMechanism, scoreEverywhere, type Row } from "./harness.js";

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

/** A step count: 0 and 1 weighted in. */
const stepCount = fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }, { weight: 4, arbitrary: fc.integer({ min: 2, max: 7 }) });

/**
 * The step of every token, for `steps` steps: nondecreasing. With `outside`, tokens outside every step (-1)
 * are mixed in; with `emptySteps`, a step may have no token.
 */
function tokenSteps(steps: number, opts: { outside?: boolean; emptySteps?: boolean } = {}): fc.Arbitrary<number[]> {
  const minPerStep = opts.emptySteps ? 0 : 1;
  return fc
    .tuple(
      fc.array(fc.integer({ min: minPerStep, max: 3 }), { minLength: steps, maxLength: steps }),
      fc.array(fc.integer({ min: 0, max: opts.outside ? 2 : 0 }), { minLength: steps + 1, maxLength: steps + 1 }),
    )
    .map(([perStep, gaps]) => {
      const out: number[] = [];
      for (let s = 0; s <= steps; s++) {
        for (let g = 0; g < gaps[s]!; g++) out.push(-1);
        if (s < steps) for (let k = 0; k < perStep[s]!; k++) out.push(s);
      }
      return out;
    });
}

// ------------------------------------------------------------------ small helpers for references

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]): number => (xs.length === 0 ? 0 : sum(xs) / xs.length);
/** Reverse discounted sum: y_t = x_t + gamma * y_{t+1}. */
function returns(xs: number[], gamma: number): number[] {
  const out = new Array<number>(xs.length);
  let acc = 0;
  for (let t = xs.length - 1; t >= 0; t--) out[t] = acc = xs[t]! + gamma * acc;
  return out;
}

// ------------------------------------------------------------------ Delta / Clip / PURE min (process_delta)

/**
 * Catalog §4, Clip and Delta: Delta r_k = PRM_k - PRM_{k+1}, last r_K = PRM_K; Clip r_k = min(PRM_k - eta, 0).
 * The example adds the 0/1 outcome on the last step; advantages are undiscounted returns; the reward is
 * sum of step rewards + outcome. Metrics: mean step count, mean of min_k PRM_k (PURE's min-form value of the
 * first step; 0 for an empty array), mean first index with PRM_k < eta over the rollouts that have one.
 */
function processDeltaReference(rows: Row[], p: Record<string, number>) {
  const useClip = Boolean(p.use_clip);
  const reward: number[] = [];
  const advantage: number[][] = [];
  for (const row of rows) {
    const prm = row.prm as number[];
    const K = prm.length;
    const stepR = prm.map((v, k) => (useClip ? Math.min(v - p.eta!, 0) : k === K - 1 ? v : v - prm[k + 1]!));
    const o = row.correct ? 1 : 0;
    reward.push(sum(stepR) + o);
    const withOutcome = stepR.map((v, k) => (k === K - 1 ? v + o : v));
    advantage.push(returns(withOutcome, 1));
  }
  const firstBad = rows.map((r) => (r.prm as number[]).findIndex((v) => v < p.eta!)).filter((i) => i >= 0);
  return {
    outputs: { reward, advantage },
    metrics: {
      mean_steps: mean(rows.map((r) => (r.prm as number[]).length)),
      min_form_value: mean(rows.map((r) => ((r.prm as number[]).length === 0 ? 0 : Math.min(...(r.prm as number[]))))),
      first_bad_step: mean(firstBad),
    },
  };
}

const prmRows = batchOf(stepCount.chain((n) => fc.record({ correct: fc.boolean(), prm: fc.array(f32(0, 1), { minLength: n, maxLength: n }) })));

describe("Delta, Clip and PURE min-form value (examples/process_delta.reward)", () => {
  it("Delta matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/process_delta.reward", rows: prmRows, reference: processDeltaReference, numRuns: RUNS });
  });

  it("Clip matches the reference on random batches (eta 0.5 and the edges 0, 1)", async () => {
    for (const eta of [0.5, 0, 1]) {
      await checkMechanism({ spec: "examples/process_delta.reward", rows: prmRows, reference: processDeltaReference, params: { use_clip: true, eta }, numRuns: RUNS / 2 });
    }
  });

  it("catalog §4 vector (Clip and Delta, PRM at training time): PRM [0.9, 0.8, 0.95] -> Delta [0.1, -0.15, 0.95], sum 0.9", async () => {
    const rows = [{ prompt: 1, correct: false, prm: [0.9, 0.8, 0.95] }];
    for (const { backend, outputs } of await scoreEverywhere("examples/process_delta.reward", rows)) {
      // With the outcome 0 the advantages are the Delta returns: [0.1 - 0.15 + 0.95, -0.15 + 0.95, 0.95].
      const returnsOut = outputs.advantage!;
      const delta = [returnsOut[0]! - returnsOut[1]!, returnsOut[1]! - returnsOut[2]!, returnsOut[2]!];
      [0.1, -0.15, 0.95].forEach((want, k) => expect(delta[k], `${backend} delta[${k}]`).toBeCloseTo(want, 6));
      expect(outputs.reward![0], backend).toBeCloseTo(0.9, 6);
    }
  });
});

// ------------------------------------------------------------------ PURE soft / hard min-form (pure_minform)

/**
 * Catalog §4, PURE: hard min-form value of step j = min_{k >= j} PR_k, on every token of step j; soft
 * r~_j = softmax_j(-PR / T) * PR_j placed on the step's last token, token returns with gamma = 1.
 * The reward is sum_j r~_j.
 */
function pureReference(rows: Row[], p: Record<string, number>) {
  const reward: number[] = [];
  const advantage: number[][] = [];
  for (const row of rows) {
    const pr = row.pr as number[];
    const tok = row.token_step as number[];
    const z = pr.map((v) => -v / p.T!);
    const zmax = Math.max(...z);
    const w = z.map((v) => Math.exp(v - zmax));
    const soft = pr.map((v, j) => (w[j]! / sum(w)) * v);
    reward.push(sum(soft));
    if (p.use_soft) {
      // the step's reward on its last token, then G_t = sum of the token rewards from t on
      const tokenR = tok.map((s, t) => (t === tok.length - 1 || tok[t + 1] !== s ? soft[s]! : 0));
      advantage.push(tokenR.map((_, t) => sum(tokenR.slice(t))));
    } else {
      advantage.push(tok.map((s) => Math.min(...pr.slice(s))));
    }
  }
  const nonEmpty = rows.filter((r) => (r.pr as number[]).length > 0);
  return {
    outputs: { reward, advantage },
    metrics: {
      hard_min: mean(nonEmpty.map((r) => Math.min(...(r.pr as number[])))),
      mean_steps: mean(rows.map((r) => (r.pr as number[]).length)),
    },
  };
}

const pureRows = batchOf(stepCount.chain((n) => fc.record({ pr: fc.array(f32(-1, 1), { minLength: n, maxLength: n }), token_step: tokenSteps(n) })));

describe("PURE min-form credit, soft and hard (examples/pure_minform.reward)", () => {
  it("soft min-form (T = 0.1) matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/pure_minform.reward", rows: pureRows, reference: pureReference, numRuns: RUNS });
  });

  it("hard min-form (suffix_min, broadcast to the step's tokens) matches the reference", async () => {
    await checkMechanism({ spec: "examples/pure_minform.reward", rows: pureRows, reference: pureReference, params: { use_soft: false }, numRuns: RUNS });
  });

  it("soft min-form approaches the hard minimum as T -> 0 (catalog §4: sum_j r~_j ~ min_j PR_j)", async () => {
    const rows = [{ prompt: 1, pr: [0.9, -0.6, 0.2, 0.5], token_step: [0, 1, 1, 2, 3] }];
    for (const { backend, outputs } of await scoreEverywhere("examples/pure_minform.reward", rows, { T: 0.01 })) {
      expect(outputs.reward![0], backend).toBeCloseTo(-0.6, 4);
      // every token up to the end of the worst step carries the minimum, the ones after almost nothing
      expect(outputs.advantage!.slice(0, 3).every((v) => Math.abs(v + 0.6) < 1e-4), backend).toBe(true);
      expect(outputs.advantage!.slice(3).every((v) => Math.abs(v) < 1e-4), backend).toBe(true);
    }
  });
});

// ------------------------------------------------------------------ PPR / ReNorm (process_ppr)

/** Catalog §4, PPR/ReNorm: r_t = p_t + o - 1; returns with gamma; reward = mean step reward. */
function pprReference(rows: Row[], p: Record<string, number>) {
  const stepR = rows.map((r) => (r.p as number[]).map((v) => v + (r.correct ? 1 : 0) - 1));
  return {
    outputs: { reward: stepR.map(mean), advantage: stepR.map((s) => returns(s, p.gamma!)) },
    metrics: {
      failed_nonpositive: rows.every((r, i) => r.correct || stepR[i]!.every((v) => v <= 0)) ? 1 : 0,
      mean_step_reward: mean(stepR.flat()),
    },
  };
}

const pprRows = batchOf(stepCount.chain((n) => fc.record({ correct: fc.boolean(), p: fc.array(f32(0, 1), { minLength: n, maxLength: n }) })));

describe("PPR / ReNorm step rewards (examples/process_ppr.reward)", () => {
  it("matches the reference on random batches, on every backend (gamma 1 and 0.9)", async () => {
    await checkMechanism({ spec: "examples/process_ppr.reward", rows: pprRows, reference: pprReference, numRuns: RUNS });
    await checkMechanism({ spec: "examples/process_ppr.reward", rows: pprRows, reference: pprReference, params: { gamma: 0.9 }, numRuns: RUNS / 2 });
  });

  it("failed trajectories get step rewards <= 0, successful ones >= 0 (catalog §4)", async () => {
    const rows = [
      { prompt: 1, correct: false, p: [1, 0.5, 0] },
      { prompt: 1, correct: true, p: [1, 0.5, 0] },
    ];
    for (const { backend, outputs, metrics } of await scoreEverywhere("examples/process_ppr.reward", rows)) {
      expect(outputs.advantage!.slice(0, 3), backend).toEqual([-1.5, -1.5, -1]); // returns of [0, -0.5, -1]
      expect(outputs.advantage!.slice(3), backend).toEqual([1.5, 0.5, 0]); // returns of [1, 0.5, 0]
      expect(metrics.failed_nonpositive, backend).toBe(1);
    }
  });
});

// ------------------------------------------------------------------ TP-GRPO thoughts (tp_grpo)

/**
 * Catalog §4, TP-GRPO: maximal runs of equal step labels are thoughts; every token of a thought gets +r when
 * its label is true and -r otherwise (a token outside every step gets 0). Metrics count thoughts.
 */
function tpReference(rows: Row[], p: Record<string, number>) {
  const advantage: number[][] = [];
  const thoughts: number[] = [];
  const correctThoughts: number[] = [];
  for (const row of rows) {
    const label = row.label as boolean[];
    // runs as [start, end) over steps
    const runs: { start: number; end: number; label: boolean }[] = [];
    for (let k = 0; k < label.length; k++) {
      const last = runs[runs.length - 1];
      if (last && last.label === label[k]) last.end = k + 1;
      else runs.push({ start: k, end: k + 1, label: label[k]! });
    }
    const valueOfStep = (s: number): number => {
      const run = runs.find((x) => s >= x.start && s < x.end);
      return run ? (run.label ? p.r! : -p.r!) : 0;
    };
    advantage.push((row.token_step as number[]).map(valueOfStep));
    thoughts.push(runs.length);
    correctThoughts.push(runs.filter((x) => x.label).length);
  }
  return {
    outputs: { reward: rows.map((r) => (r.correct ? 1 : 0)), advantage },
    metrics: {
      thoughts: mean(thoughts),
      correct_thoughts: mean(correctThoughts),
      last_thought: mean(thoughts.filter((n) => n > 0).map((n) => n - 1)),
    },
  };
}

const tpRows = batchOf(stepCount.chain((n) => fc.record({ correct: fc.boolean(), label: fc.array(fc.boolean(), { minLength: n, maxLength: n }), token_step: tokenSteps(n, { outside: true, emptySteps: true }) })));

describe("TP-GRPO thought-level rewards (examples/tp_grpo.reward)", () => {
  it("matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/tp_grpo.reward", rows: tpRows, reference: tpReference, numRuns: RUNS });
    await checkMechanism({ spec: "examples/tp_grpo.reward", rows: tpRows, reference: tpReference, params: { r: 0.25 }, numRuns: RUNS / 2 });
  });

  it("labels [T, T, F, F, T] make 3 thoughts (catalog §4: merge maximal runs of equal labels)", async () => {
    const rows = [{ prompt: 1, correct: true, label: [true, true, false, false, true], token_step: [0, 1, 1, 2, 3, 4] }];
    for (const { backend, outputs, metrics } of await scoreEverywhere("examples/tp_grpo.reward", rows)) {
      expect(outputs.advantage, backend).toEqual([1, 1, 1, -1, -1, 1]);
      expect(metrics.thoughts, backend).toBe(3);
      expect(metrics.correct_thoughts, backend).toBe(2);
    }
  });
});

// ------------------------------------------------------------------ VSRM (vsrm)

/** Catalog §4, VSRM: r_k = acc_k - acc_{k-1}, acc_{-1} = acc0 (host). Reward = outcome + sum r_k. */
function vsrmReference(rows: Row[]) {
  const stepR = rows.map((r) => (r.acc as number[]).map((a, k, acc) => a - (k === 0 ? (r.acc0 as number) : acc[k - 1]!)));
  return {
    outputs: { reward: rows.map((r, i) => (r.correct ? 1 : 0) + sum(stepR[i]!)), advantage: stepR },
    metrics: {
      effective_steps: mean(stepR.map((s) => s.filter((v) => v > 0).length)),
      ineffective_steps: mean(stepR.map((s) => s.filter((v) => v === 0).length)),
    },
  };
}

// Accuracies are fractions of sampled answers: a grid of k/8 makes equal accuracies (gain 0) common.
const accuracy = fc.integer({ min: 0, max: 8 }).map((k) => k / 8);
const vsrmRows = batchOf(stepCount.chain((n) => fc.record({ correct: fc.boolean(), acc0: accuracy, acc: fc.array(accuracy, { minLength: n, maxLength: n }) })));

describe("VSRM stepwise accuracy gains (examples/vsrm.reward)", () => {
  it("matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/vsrm.reward", rows: vsrmRows, reference: (rows) => vsrmReference(rows), numRuns: RUNS });
  });

  it("worked example from the catalog formula: acc0 0.1, acc [0.25, 0.25, 0.75, 1] -> [0.15, 0, 0.5, 0.25]", async () => {
    const rows = [{ prompt: 1, correct: true, acc0: 0.1, acc: [0.25, 0.25, 0.75, 1] }];
    for (const { backend, outputs } of await scoreEverywhere("examples/vsrm.reward", rows)) {
      [0.15, 0, 0.5, 0.25].forEach((want, k) => expect(outputs.advantage![k], `${backend} [${k}]`).toBeCloseTo(want, 6));
      expect(outputs.reward![0], backend).toBeCloseTo(1.9, 6);
    }
  });
});

// ------------------------------------------------------------------ SPAE (spae)

/** Catalog §4, SPAE: phi = 1.5 acc conf + 0.5 acc - conf; dphi_k = phi_k - phi_{k-1}, phi_{-1} = 0. */
function spaeReference(rows: Row[]) {
  const phis = rows.map((r) => (r.acc as number[]).map((a, k) => {
    const c = (r.conf as number[])[k]!;
    return 1.5 * a * c + 0.5 * a - c;
  }));
  const dphi = phis.map((phi) => phi.map((v, k) => v - (k === 0 ? 0 : phi[k - 1]!)));
  return {
    outputs: { reward: rows.map((r) => (r.correct ? 1 : 0)), advantage: dphi },
    metrics: {
      final_potential: mean(phis.filter((phi) => phi.length > 0).map((phi) => phi[phi.length - 1]!)),
      drops: mean(dphi.map((d) => d.filter((v) => v < 0).length)),
    },
  };
}

// acc and conf on grids (k/8, k/64: both ends included) so phi is exact in float32 and the sign of a
// potential difference (the `drops` metric) is the same in float32 and in the float64 reference.
const confidence = fc.integer({ min: 0, max: 64 }).map((k) => k / 64);
const spaeRows = batchOf(stepCount.chain((n) => fc.record({ correct: fc.boolean(), acc: fc.array(accuracy, { minLength: n, maxLength: n }), conf: fc.array(confidence, { minLength: n, maxLength: n }) })));

describe("SPAE step potential differences (examples/spae.reward)", () => {
  it("matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/spae.reward", rows: spaeRows, reference: (rows) => spaeReference(rows), numRuns: RUNS });
  });

  it("worked example from the catalog formula: acc [1, 0], conf [0.8, 0.9] -> phi [0.9, -0.9], dphi [0.9, -1.8]", async () => {
    const rows = [{ prompt: 1, correct: false, acc: [1, 0], conf: [0.8, 0.9] }];
    for (const { backend, outputs } of await scoreEverywhere("examples/spae.reward", rows)) {
      expect(outputs.advantage![0], backend).toBeCloseTo(0.9, 6);
      expect(outputs.advantage![1], backend).toBeCloseTo(-1.8, 6);
    }
  });
});

// ------------------------------------------------------------------ step -> token (step_to_token)

/**
 * Catalog §4, step -> token: the step value (Delta of the PRM) broadcast over the step's tokens, or placed on
 * the step's last token; tokens outside every step (-1) get 0.
 */
function stepToTokenReference(rows: Row[], p: Record<string, number>) {
  const advantage: number[][] = [];
  const reward: number[] = [];
  const mass: number[] = [];
  for (const row of rows) {
    const prm = row.prm as number[];
    const v = prm.map((x, k) => x - (k + 1 < prm.length ? prm[k + 1]! : 0));
    const tok = row.token_step as number[];
    const lastOfStep = tok.map((s, t) => s >= 0 && (t === tok.length - 1 || tok[t + 1] !== s));
    const placed = tok.map((s, t) => (lastOfStep[t] ? v[s]! : 0));
    advantage.push(p.on_last_token ? placed : tok.map((s) => (s >= 0 ? v[s]! : 0)));
    reward.push(sum(v));
    mass.push(sum(placed));
  }
  return {
    outputs: { reward, advantage },
    metrics: { tokens_outside: mean(rows.map((r) => (r.token_step as number[]).filter((s) => s < 0).length)), token_mass: mean(mass) },
  };
}

const stepTokenRows = batchOf(stepCount.chain((n) => fc.record({ prm: fc.array(f32(0, 1), { minLength: n, maxLength: n }), token_step: tokenSteps(n, { outside: true, emptySteps: true }) })));

describe("step -> token broadcast and last-token placement (examples/step_to_token.reward)", () => {
  it("broadcast matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/step_to_token.reward", rows: stepTokenRows, reference: stepToTokenReference, numRuns: RUNS });
  });

  it("last-token placement matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/step_to_token.reward", rows: stepTokenRows, reference: stepToTokenReference, params: { on_last_token: true }, numRuns: RUNS });
  });

  it("catalog §4 vector through tokens: Delta [0.1, -0.15, 0.95] over tokens [-1, 0, 0, 1, 1, 1, 2]", async () => {
    const rows = [{ prompt: 1, prm: [0.9, 0.8, 0.95], token_step: [-1, 0, 0, 1, 1, 1, 2] }];
    for (const { backend, outputs } of await scoreEverywhere("examples/step_to_token.reward", rows)) {
      [0, 0.1, 0.1, -0.15, -0.15, -0.15, 0.95].forEach((want, t) => expect(outputs.advantage![t], `${backend} [${t}]`).toBeCloseTo(want, 6));
    }
    for (const { backend, outputs } of await scoreEverywhere("examples/step_to_token.reward", rows, { on_last_token: true })) {
      [0, 0, 0.1, 0, 0, -0.15, 0.95].forEach((want, t) => expect(outputs.advantage![t], `${backend} [${t}]`).toBeCloseTo(want, 6));
    }
  });
});
