/**
 * Catalog §6, advantage estimators and their conventions. Each example is held to a reference written from
 * the catalog formula and the framework's source (plain TypeScript, float64, no code shared with src/), on
 * random batches: singleton groups, all-equal groups, group sizes up to 64, groups scattered through the
 * batch; on the CPU and, when an adapter exists, on WebGPU.
 *
 * Singleton conventions: verl gives a singleton group mean 0 (and std 1), so GRPO keeps s / (1 + 1e-6), and
 * Dr.GRPO, RLOO, OPO, GPG and REINFORCE++-baseline keep s (times alpha for GPG); NeMo-RL sets the baseline of
 * a lone rollout to its reward (A = 0). TRL, OpenRLHF and GDPO take torch.std of one value, which is NaN:
 * the references follow rewardc's documented rule instead (docs/language.md, "Defined results": the
 * unbiased std of fewer than two values is 0), under which those singletons get 0. GDPO's nansum drops the
 * NaN term, so it agrees with rewardc there.
 *
 * Rewards are drawn from {0, 1} and from a grid of 1/8 in [-2, 2]: typical RL rewards, and far enough apart
 * that float32 rounding in a group mean (≤ ~4e-7) stays below the 1e-4 tolerance after division by the
 * smallest non-zero std (≥ 1/64). The float32 conditioning traps themselves (rewards [1, 1.00001]) are
 * checked as vectors below.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkMechanism, groupsOf, scoreEverywhere, type Row } from "./harness.js";

const NUM_RUNS = 40;

// ---------------------------------------------------------------------------------------------------------
// Batches

/** Binary or on a grid of 1/8 in [-2, 2]. */
const gridReward = fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: -16, max: 16 }).map((k) => k / 8));

/**
 * Groups of 1 to 64 rollouts (singletons and small groups weighted in), some all-equal, keyed `prompt`,
 * shuffled through the batch.
 */
function grouped(member: fc.Arbitrary<Row>, opts: { maxGroups?: number; sizes?: fc.Arbitrary<number> } = {}): fc.Arbitrary<Row[]> {
  const size =
    opts.sizes ??
    fc.oneof({ weight: 2, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: fc.integer({ min: 2, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 }) });
  const group = fc
    .record({ n: size, allEqual: fc.boolean() })
    .chain(({ n, allEqual }) => (allEqual ? member.map((m) => Array.from({ length: n }, () => ({ ...m }))) : fc.array(member, { minLength: n, maxLength: n })));
  return fc.tuple(fc.array(group, { minLength: 1, maxLength: opts.maxGroups ?? 6 }), fc.infiniteStream(fc.nat())).map(([groups, noise]) => {
    const rows: Row[] = groups.flatMap((members, g) => members.map((m) => ({ prompt: `p${g}`, ...m })));
    const it = noise[Symbol.iterator]();
    for (let i = rows.length - 1; i > 0; i--) {
      const j = it.next().value! % (i + 1);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    return rows;
  });
}

const scoreRows = grouped(fc.record({ score: gridReward }));

// ---------------------------------------------------------------------------------------------------------
// Plain float64 statistics (the reference's own, written from the definitions)

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]): number => (xs.length === 0 ? 0 : sum(xs) / xs.length);
/** Unbiased variance; fewer than two values give 0 (rewardc's rule; torch gives NaN). */
function varUnbiased(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return sum(xs.map((x) => (x - m) ** 2)) / (xs.length - 1);
}
function varPopulation(xs: number[]): number {
  if (xs.length === 0) return 0;
  const m = mean(xs);
  return sum(xs.map((x) => (x - m) ** 2)) / xs.length;
}
const stdUnbiased = (xs: number[]): number => Math.sqrt(varUnbiased(xs));

/** Per-rollout values from a per-group function of the group's member values. */
function perGroup(rows: Row[], field: string, f: (values: number[], k: number) => number): number[] {
  const out = new Array<number>(rows.length);
  for (const members of groupsOf(rows)) {
    const values = members.map((i) => Number(rows[i]![field]));
    members.forEach((i, k) => (out[i] = f(values, k)));
  }
  return out;
}

const scores = (rows: Row[]): number[] => rows.map((r) => r.score as number);

// ---------------------------------------------------------------------------------------------------------
// References

/** verl `compute_grpo_outcome_advantage`: singleton mean 0, std 1; else torch.mean / torch.std (unbiased). */
function verlGrpo(rows: Row[], p: Record<string, number>): { outputs: Record<string, number[]> } {
  const advantage = perGroup(rows, "score", (v, k) => {
    const [m, s] = v.length === 1 ? [0, 1] : [mean(v), stdUnbiased(v)];
    return p.norm_by_std ? (v[k]! - m) / (s + 1e-6) : v[k]! - m;
  });
  return { outputs: { reward: scores(rows), advantage } };
}

/** TRL scale_rewards none / group / batch, epsilon 1e-4, unbiased std. */
function trl(rows: Row[], p: Record<string, number>): { outputs: Record<string, number[]> } {
  const batchStd = stdUnbiased(scores(rows));
  const advantage = perGroup(rows, "score", (v, k) => {
    const centred = v[k]! - mean(v);
    if (p.scale === 0) return centred;
    return centred / ((p.scale === 1 ? stdUnbiased(v) : batchStd) + 1e-4);
  });
  return { outputs: { reward: scores(rows), advantage } };
}

/** GDPO (NVlabs/GDPO, TRL trainer): per-reward group z-scores (1e-4), weighted sum, batch z-score (1e-4). */
function gdpo(rows: Row[], p: Record<string, number>): { outputs: Record<string, number[]> } {
  const z = (field: string) => perGroup(rows, field, (v, k) => (v[k]! - mean(v)) / (stdUnbiased(v) + 1e-4));
  const za = z("r_answer");
  const zf = z("r_format");
  const x = rows.map((_, i) => p.w_answer! * za[i]! + p.w_format! * zf[i]!);
  const m = mean(x);
  const s = stdUnbiased(x);
  // When the weighted z-scores nearly cancel (e.g. a binary answer reward and a format reward that are
  // anti-correlated within every group, so x is ~1e-4, an artifact of the 1e-4 epsilons), the batch z-score
  // divides float32 cancellation error (~1e-7 |z|) by a tiny std: any float32 implementation loses the digits
  // there. Such batches (0 < std < 0.01) are skipped; all-zero x (std 0) is kept.
  fc.pre(s === 0 || s >= 0.01);
  return {
    outputs: {
      reward: rows.map((r) => p.w_answer! * (r.r_answer as number) + p.w_format! * (r.r_format as number)),
      advantage: x.map((v) => (v - m) / (s + 1e-4)),
    },
  };
}

/** OpenRLHF group_norm: clip to [-10, 10], then (r - mean) / (std_unbiased + 1e-9). */
function openrlhf(rows: Row[]): { outputs: Record<string, number[]> } {
  const clip = (x: number) => Math.min(Math.max(x, -10), 10);
  const advantage = perGroup(rows, "score", (v, k) => {
    const c = v.map(clip);
    return (c[k]! - mean(c)) / (stdUnbiased(c) + 1e-9);
  });
  return { outputs: { reward: scores(rows).map(clip), advantage } };
}

/**
 * verl RLOO: s * n/(n-1) - mean * n/(n-1), singleton keeps s. NeMo-RL: b = mean of the others, std of the
 * others (unbiased, two-pass: 0 when the others are equal); divide only where std > 0; singleton A = 0.
 */
function leaveOneOut(rows: Row[], p: Record<string, number>): { outputs: Record<string, number[]> } {
  const advantage = perGroup(rows, "score", (v, k) => {
    const n = v.length;
    if (!p.nemo) return n === 1 ? v[k]! : (v[k]! * n) / (n - 1) - (mean(v) * n) / (n - 1);
    if (n === 1) return 0;
    const others = v.filter((_, j) => j !== k);
    const b = mean(others);
    const s = stdUnbiased(others);
    return s > 0 ? (v[k]! - b) / (s + 1e-6) : v[k]! - b;
  });
  return { outputs: { reward: scores(rows), advantage } };
}

/** verl OPO: s - sum(l s) / sum(l); singleton baseline 0; all lengths 0 -> plain mean (rewardc's choice). */
function opo(rows: Row[]): { outputs: Record<string, number[]> } {
  const advantage = new Array<number>(rows.length);
  for (const members of groupsOf(rows)) {
    const s = members.map((i) => rows[i]!.score as number);
    const l = members.map((i) => rows[i]!.length as number);
    const total = sum(l);
    const baseline = members.length === 1 ? 0 : total === 0 ? mean(s) : sum(s.map((x, j) => x * l[j]!)) / total;
    members.forEach((i, k) => (advantage[i] = s[k]! - baseline));
  }
  return { outputs: { reward: scores(rows), advantage } };
}

/**
 * verl REINFORCE++-baseline: x = s - mean_g (singleton: x = s); whiten over valid tokens (per_token) or over
 * rollouts: (x - mean) / sqrt(var_unbiased + 1e-8); per token, 0 where not valid.
 */
function reinforcePP(rows: Row[], p: Record<string, number>): { outputs: Record<string, number[][]> } {
  const x = perGroup(rows, "score", (v, k) => (v.length === 1 ? v[k]! : v[k]! - mean(v)));
  const valid = rows.map((r) => r.valid as boolean[]);
  const pool = p.per_token ? x.flatMap((xi, i) => valid[i]!.filter(Boolean).map(() => xi)) : x;
  const m = mean(pool);
  const scale = 1 / Math.sqrt(varUnbiased(pool) + 1e-8);
  return { outputs: { advantage: x.map((xi, i) => valid[i]!.map((ok) => (ok ? (xi - m) * scale : 0))) } };
}

/** verl GPG: alpha = B / max(count_nonzero, 1); A = alpha (s - mean_g), singleton mean 0. */
function gpg(rows: Row[]): { outputs: Record<string, number[]>; metrics: Record<string, number> } {
  const s = scores(rows);
  const alpha = rows.length / Math.max(s.filter((x) => x !== 0).length, 1);
  const advantage = perGroup(rows, "score", (v, k) => alpha * (v[k]! - (v.length === 1 ? 0 : mean(v))));
  return { outputs: { reward: s, advantage }, metrics: { alpha } };
}

/** NGRPO: a virtual reward 1 joins the group; mean and unbiased std over n + 1 values; epsilon 1e-6. */
function ngrpo(rows: Row[]): { outputs: Record<string, number[]> } {
  const advantage = perGroup(rows, "score", (v, k) => {
    const augmented = [...v, 1];
    return (v[k]! - mean(augmented)) / (stdUnbiased(augmented) + 1e-6);
  });
  return { outputs: { reward: scores(rows), advantage } };
}

/** Rare-event amplification: population z-score of a binary outcome, (x - p) / (sqrt(p (1 - p)) + eps). */
function rareEvent(rows: Row[], p: Record<string, number>): { outputs: Record<string, number[]> } {
  const x = rows.map((r) => (r.correct ? 1 : 0));
  const advantage = new Array<number>(rows.length);
  for (const members of groupsOf(rows)) {
    const v = members.map((i) => x[i]!);
    const rate = mean(v);
    members.forEach((i, k) => (advantage[i] = (v[k]! - rate) / (Math.sqrt(varPopulation(v)) + p.eps!)));
  }
  return { outputs: { reward: x, advantage } };
}

// ---------------------------------------------------------------------------------------------------------

describe("verl GRPO and Dr.GRPO (examples/adv_verl_grpo.reward)", () => {
  it.each([true, false])("norm_by_std = %s matches the reference on random batches, on every backend", async (norm) => {
    await checkMechanism({ spec: "examples/adv_verl_grpo.reward", rows: scoreRows, reference: verlGrpo, params: { norm_by_std: norm }, numRuns: NUM_RUNS });
  });

  it("catalog §6 vector and the singleton convention (mean 0, std 1)", async () => {
    const rows = [[1, 0, 0, 1], [0, 0, 0, 0], [0.5, 1, 0, 0], [0.7]].flatMap((g, k) => g.map((score) => ({ prompt: k, score })));
    for (const { backend, outputs } of await scoreEverywhere("examples/adv_verl_grpo.reward", rows)) {
      const want = [0.866, -0.866, -0.866, 0.866, 0, 0, 0, 0, 0.2611, 1.3056, -0.7833, -0.7833, 0.7 / (1 + 1e-6)];
      outputs.advantage!.forEach((a, i) => expect(Math.abs(a - want[i]!), `${backend} [${i}] = ${a}`).toBeLessThanOrEqual(1e-4));
    }
  });

  it("numeric trap (catalog §6): rewards [1.0, 1.00001] give ∓0.6196 as verl's float32 loop does", async () => {
    for (const { backend, outputs } of await scoreEverywhere("examples/adv_verl_grpo.reward", [{ prompt: 0, score: 1.0 }, { prompt: 0, score: 1.00001 }])) {
      expect(outputs.advantage!.map((a) => Number(a.toFixed(4))), backend).toEqual([-0.6196, 0.6196]);
    }
  });
});

describe("TRL scale_rewards (examples/adv_trl.reward)", () => {
  it.each([0, 1, 2])("scale = %s matches the reference on random batches (singletons: rewardc's std of one value is 0, TRL's NaN)", async (scale) => {
    await checkMechanism({ spec: "examples/adv_trl.reward", rows: scoreRows, reference: trl, params: { scale }, numRuns: NUM_RUNS });
  });

  it("catalog §6 vectors: group and batch", async () => {
    const rows = [[1, 0, 0, 1], [0, 0, 0, 0], [0.5, 1, 0, 0]].flatMap((g, k) => g.map((score) => ({ prompt: k, score })));
    const want: Record<number, number[]> = {
      1: [0.8659, -0.8659, -0.8659, 0.8659, 0, 0, 0, 0, 0.2611, 1.3053, -0.7832, -0.7832],
      2: [1.1104, -1.1104, -1.1104, 1.1104, 0, 0, 0, 0, 0.2776, 1.3881, -0.8328, -0.8328],
    };
    for (const scale of [1, 2]) {
      for (const { backend, outputs } of await scoreEverywhere("examples/adv_trl.reward", rows, { scale })) {
        outputs.advantage!.forEach((a, i) => expect(Math.abs(a - want[scale]![i]!), `${backend} scale ${scale} [${i}]`).toBeLessThanOrEqual(1e-4));
      }
    }
  });
});

describe("GDPO (examples/adv_gdpo.reward)", () => {
  const rows = grouped(fc.record({ r_answer: fc.constantFrom(0, 1), r_format: gridReward.map((x) => Math.abs(x) / 2) }));
  it("matches the reference on random batches, default and unequal weights", async () => {
    await checkMechanism({ spec: "examples/adv_gdpo.reward", rows, reference: gdpo, numRuns: NUM_RUNS });
    await checkMechanism({ spec: "examples/adv_gdpo.reward", rows, reference: gdpo, params: { w_answer: 2, w_format: 0.5 }, numRuns: NUM_RUNS });
  });
});

describe("OpenRLHF group_norm (examples/adv_openrlhf.reward)", () => {
  const wide = grouped(fc.record({ score: fc.oneof(gridReward, fc.integer({ min: -20, max: 20 })) }));
  it("matches the reference on random batches, rewards beyond the clip range included", async () => {
    await checkMechanism({ spec: "examples/adv_openrlhf.reward", rows: wide, reference: openrlhf, numRuns: NUM_RUNS });
  });
});

describe("RLOO and NeMo-RL leave-one-out (examples/adv_leave_one_out.reward)", () => {
  it.each([false, true])("nemo = %s matches the reference on random batches", async (nemo) => {
    await checkMechanism({ spec: "examples/adv_leave_one_out.reward", rows: scoreRows, reference: leaveOneOut, params: { nemo }, numRuns: NUM_RUNS });
  });

  it("catalog §6 vectors, a singleton (RLOO keeps s, NeMo-RL gives 0) and NeMo-RL #1518 (equal others)", async () => {
    const groups = [[1, 0, 0, 1], [0, 0, 0, 0], [0.5, 1, 0, 0], [0.7], [1000.1, 1000.1, 1000.1, 0.3]];
    const rows = groups.flatMap((g, k) => g.map((score) => ({ prompt: k, score })));
    const rloo = [0.6667, -0.6667, -0.6667, 0.6667, 0, 0, 0, 0, 0.1667, 0.8333, -0.5, -0.5, 0.7];
    const nemo = [1.1547, -1.1547, -1.1547, 1.1547, 0, 0, 0, 0, 0.2887, 2.8867, -1, -1, 0];
    for (const [flag, want] of [[false, rloo], [true, nemo]] as const) {
      for (const { backend, outputs } of await scoreEverywhere("examples/adv_leave_one_out.reward", rows, { nemo: flag })) {
        want.forEach((w, i) => expect(Math.abs(outputs.advantage![i]! - w), `${backend} nemo=${flag} [${i}]`).toBeLessThanOrEqual(1e-4));
        if (flag) expect(outputs.advantage![16]!, backend).toBeCloseTo(0.3 - 1000.1, 2);
        for (const a of outputs.advantage!) expect(Number.isFinite(a)).toBe(true);
      }
    }
  });
});

describe("OPO (examples/adv_opo.reward)", () => {
  const rows = grouped(fc.record({ score: gridReward, length: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 4096 }) }) }));
  it("matches the reference on random batches (singleton keeps s, as verl)", async () => {
    await checkMechanism({ spec: "examples/adv_opo.reward", rows, reference: opo, numRuns: NUM_RUNS });
  });

  it("catalog §6 vector (lengths 10, 20, 30, 40)", async () => {
    const rows = [[1, 0, 0, 1], [0, 0, 0, 0], [0.5, 1, 0, 0]].flatMap((g, k) => g.map((score, i) => ({ prompt: k, score, length: 10 * (i + 1) })));
    const want = [0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0, 0.25, 0.75, -0.25, -0.25];
    for (const { backend, outputs } of await scoreEverywhere("examples/adv_opo.reward", rows)) {
      want.forEach((w, i) => expect(Math.abs(outputs.advantage![i]! - w), `${backend} [${i}]`).toBeLessThanOrEqual(1e-4));
    }
  });
});

describe("REINFORCE++-baseline (examples/adv_reinforce_pp.reward)", () => {
  const rows = grouped(fc.record({ score: gridReward, valid: fc.array(fc.boolean(), { maxLength: 12 }) }), { maxGroups: 5 });
  it.each([true, false])("per_token = %s matches the reference on random batches (singleton x = s, as verl)", async (perToken) => {
    await checkMechanism({ spec: "examples/adv_reinforce_pp.reward", rows, reference: reinforcePP, params: { per_token: perToken }, numRuns: NUM_RUNS });
  });
});

describe("GPG (examples/adv_gpg.reward)", () => {
  it("matches the reference on random batches (singleton: alpha * s, as verl)", async () => {
    await checkMechanism({ spec: "examples/adv_gpg.reward", rows: scoreRows, reference: gpg, numRuns: NUM_RUNS });
  });
});

describe("NGRPO (examples/adv_ngrpo.reward)", () => {
  const rows = grouped(fc.record({ score: fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: 0, max: 8 }).map((k) => k / 8)) }));
  it("matches the reference on random batches", async () => {
    await checkMechanism({ spec: "examples/adv_ngrpo.reward", rows, reference: ngrpo, numRuns: NUM_RUNS });
  });

  it("catalog §6 vector, G = 8: all wrong -> -1/3; one correct -> 1.764 / -0.504", async () => {
    const rows = [[0, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0]].flatMap((g, k) => g.map((score) => ({ prompt: k, score })));
    const want = [...new Array(8).fill(-1 / 3), 1.764, ...new Array(7).fill(-0.504)];
    for (const { backend, outputs } of await scoreEverywhere("examples/adv_ngrpo.reward", rows)) {
      want.forEach((w, i) => expect(Math.abs(outputs.advantage![i]! - w), `${backend} [${i}]`).toBeLessThanOrEqual(1e-3));
    }
  });
});

describe("rare-event amplification (examples/adv_rare_event.reward)", () => {
  const rows = grouped(fc.record({ correct: fc.boolean() }));
  it("matches the population z-score on random batches, eps 1e-6 and eps 0 (all-equal groups: 0/0 = NaN)", async () => {
    await checkMechanism({ spec: "examples/adv_rare_event.reward", rows, reference: rareEvent, numRuns: NUM_RUNS });
    await checkMechanism({ spec: "examples/adv_rare_event.reward", rows, reference: rareEvent, params: { eps: 0 }, numRuns: NUM_RUNS });
  });

  it("with eps = 0 a success gets +sqrt((1-p)/p) and a failure -sqrt(p/(1-p)); catalog vector p = 1/8: +2.6458 / -0.3780", async () => {
    const groups = [[1, 0, 0, 0, 0, 0, 0, 0], [1, 1, 0], [1, ...new Array(63).fill(0)]];
    const rows = groups.flatMap((g, k) => g.map((c) => ({ prompt: k, correct: c === 1 })));
    const want = groups.flatMap((g) => {
      const p = mean(g);
      return g.map((c) => (c === 1 ? Math.sqrt((1 - p) / p) : -Math.sqrt(p / (1 - p))));
    });
    expect(want[0]).toBeCloseTo(2.6458, 4);
    expect(want[1]).toBeCloseTo(-0.378, 4);
    for (const { backend, outputs } of await scoreEverywhere("examples/adv_rare_event.reward", rows, { eps: 0 })) {
      want.forEach((w, i) => expect(Math.abs(outputs.advantage![i]! - w), `${backend} [${i}]`).toBeLessThanOrEqual(1e-4 + 1e-5 * Math.abs(w)));
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// BNPO

/** log Γ(x) for x > 0: the recurrence up to x >= 10, then Stirling's series (independent of src/'s Lanczos). */
function logGamma(x: number): number {
  let shift = 0;
  while (x < 10) {
    shift += Math.log(x);
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))));
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series - shift;
}
/** k log x with 0 log 0 = 0 (torch.xlogy). */
const xlogy = (k: number, x: number): number => (k === 0 ? 0 : k * Math.log(x));

/** Beta parameters from the groups' mean rewards by moments, as the catalog writes BNPO; var 0 -> (1, 1). */
function bnpoParams(rows: Row[]): { alpha: number; beta: number; p: number[] } {
  const p = perGroup(rows, "score", (v) => mean(v));
  const perGroupP = groupsOf(rows).map((members) => p[members[0]!]!);
  const mu = mean(perGroupP);
  const v = varUnbiased(perGroupP);
  if (v === 0) return { alpha: 1, beta: 1, p };
  const k = (mu * (1 - mu)) / v - 1;
  return { alpha: Math.max(1, 1 + (k * mu) / 3), beta: Math.max(1, 1 + (k * (1 - mu)) / 3), p };
}

/** BNPO: A = clamp(1 / BetaPdf(p_g; alpha, beta), 0, 1e6) * (r - p_g). */
function bnpo(rows: Row[]): { outputs: Record<string, number[]>; metrics: Record<string, number> } {
  const { alpha, beta, p } = bnpoParams(rows);
  const logB = logGamma(alpha) + logGamma(beta) - logGamma(alpha + beta);
  const advantage = rows.map((r, i) => {
    const density = Math.exp(xlogy(alpha - 1, p[i]!) + xlogy(beta - 1, 1 - p[i]!) - logB);
    const inverse = Math.min(Math.max(1 / density, 0), 1e6);
    return inverse * ((r.score as number) - p[i]!);
  });
  return { outputs: { reward: scores(rows), advantage }, metrics: { beta_alpha: alpha, beta_beta: beta } };
}

describe("BNPO (examples/adv_bnpo.reward, fn bnpo with lgamma)", () => {
  const unit = fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: 0, max: 8 }).map((k) => k / 8));
  it("the reference's logGamma is right: Γ(1) = Γ(2) = 1, Γ(5) = 24, Γ(1/2) = sqrt(pi), Γ(10.5)", () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(2)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(10.5)).toBeCloseTo(Math.log(1133278.3889487855), 10);
  });

  it("matches the reference on random batches", async () => {
    // Groups of 1 to 64: float32 lgamma cancellation grows with alpha and beta (see the example's comment),
    // so batches whose Beta fit is sharper than alpha, beta <= 200 are skipped.
    const rows = grouped(fc.record({ score: unit })).filter((r) => {
      const { alpha, beta } = bnpoParams(r);
      return alpha <= 200 && beta <= 200;
    });
    await checkMechanism({ spec: "examples/adv_bnpo.reward", rows, reference: bnpo, numRuns: NUM_RUNS, tolerance: 1e-3 });
  });

  it("edge cases: one group (var 0: uniform, A = r - p), every group alike, all-correct and all-wrong groups (density 0 -> 1e6 * 0)", async () => {
    const cases: number[][][] = [
      [[1, 0, 0, 1]],
      [[1, 0], [0, 1], [1, 1, 0, 0]],
      [[1, 1, 1, 1], [0, 0, 0, 0], [1, 0, 0, 0], [1, 1, 0, 0, 0, 0, 0, 0]],
    ];
    for (const groups of cases) {
      const rows = groups.flatMap((g, k) => g.map((score) => ({ prompt: k, score })));
      const want = bnpo(rows).outputs.advantage!;
      for (const { backend, outputs } of await scoreEverywhere("examples/adv_bnpo.reward", rows)) {
        want.forEach((w, i) => expect(Math.abs(outputs.advantage![i]! - w), `${backend} ${JSON.stringify(groups)} [${i}]: ${outputs.advantage![i]} vs ${w}`).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(w)));
      }
    }
  });
});
