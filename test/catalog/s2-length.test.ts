/**
 * Catalog §2, length penalties. Each example is held to a reference written from the catalog formula.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkMechanism, groupsOf, scoreEverywhere, type Expected, type Row } from "./harness.js";

/** DAPO (catalog §2): ±1 outcome + min(-(L - (max_len - buf)) / buf * factor, 0); drop all-equal groups. */
function dapoReference(rows: Row[], p: Record<string, number>): { outputs: Record<string, (number | boolean)[]> } {
  const reward = rows.map((r) => {
    const outcome = r.correct ? 1 : -1;
    const exceed = (r.length as number) - (p.max_len! - p.buffer!);
    return outcome + Math.min((-exceed / p.buffer!) * p.factor!, 0);
  });
  const keep = new Array<boolean>(rows.length);
  for (const members of groupsOf(rows)) {
    const values = members.map((i) => reward[i]!);
    const varied = Math.max(...values) > Math.min(...values);
    for (const i of members) keep[i] = varied;
  }
  return { outputs: { reward, keep } };
}

const dapoRows = fc.array(
  fc.record({ prompt: fc.integer({ min: 0, max: 5 }), correct: fc.boolean(), length: fc.oneof(fc.integer({ min: 0, max: 25000 }), fc.constantFrom(16000, 16384, 18432, 20480)) }),
  { minLength: 1, maxLength: 40 },
);

describe("DAPO overlong buffer and dynamic sampling (examples/dapo_overlong.reward)", () => {
  it("matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/dapo_overlong.reward", rows: dapoRows, reference: dapoReference });
  });

  it("catalog §2 vector: max_len 20480, buffer 4096, factor 1, L {16000, 18432, 20480} -> penalty {0, -0.5, -1}", async () => {
    const rows = [16000, 18432, 20480].map((length) => ({ prompt: 1, correct: true, length }));
    for (const { backend, outputs } of await scoreEverywhere("examples/dapo_overlong.reward", rows)) {
      expect(outputs.reward, backend).toEqual([1, 0.5, 0]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Shared pieces for the references below. Everything here is written from catalog.md, not from src/.

/** verl GRPO (catalog §6): (s - mean_g) / (std_unbiased + 1e-6); a singleton group uses mean 0, std 1. */
function verlGrpo(rows: Row[], s: number[]): number[] {
  const out = new Array<number>(rows.length);
  for (const members of groupsOf(rows)) {
    const n = members.length;
    if (n === 1) {
      out[members[0]!] = s[members[0]!]! / (1 + 1e-6);
      continue;
    }
    const mean = members.reduce((a, i) => a + s[i]!, 0) / n;
    const std = Math.sqrt(members.reduce((a, i) => a + (s[i]! - mean) ** 2, 0) / (n - 1));
    for (const i of members) out[i] = (s[i]! - mean) / (std + 1e-6);
  }
  return out;
}

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/**
 * Batches of groups from one rollout generator: group sizes 1..24 (singletons weighted in), some groups
 * all equal, some sharing only the `shared` fields (e.g. every length equal, correctness free), rollouts
 * of a group scattered through the batch.
 */
function batchesOf(member: fc.Arbitrary<Row>, opts: { shared?: string[]; maxGroups?: number; maxSize?: number } = {}): fc.Arbitrary<Row[]> {
  const size = fc.oneof({ weight: 2, arbitrary: fc.constant(1) }, { weight: 4, arbitrary: fc.integer({ min: 2, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 9, max: opts.maxSize ?? 24 }) });
  const group = fc.record({ size, mode: fc.constantFrom("free", "free", "equal", "shared"), seed: member }).chain(({ size: n, mode, seed }) => {
    if (mode === "equal") return fc.constant(Array.from({ length: n }, () => ({ ...seed })));
    const free = fc.array(member, { minLength: n, maxLength: n });
    if (mode === "free" || !opts.shared) return free;
    return free.map((rows) => rows.map((r) => ({ ...r, ...Object.fromEntries(opts.shared!.map((k) => [k, seed[k]])) })));
  });
  return fc.tuple(fc.array(group, { minLength: 1, maxLength: opts.maxGroups ?? 6 }), fc.array(fc.nat(), { minLength: 200, maxLength: 200 })).map(([groups, noise]) => {
    const rows = groups.flatMap((members, g) => members.map((m) => ({ prompt: `g${g}`, ...m })));
    for (let i = rows.length - 1; i > 0; i--) {
      const j = noise[i % noise.length]! % (i + 1);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    return rows;
  });
}

/** Lengths: small distinct values, range edges (0 and the declared 1e6), and values near typical budgets. */
const anyLength = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 2000 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 40000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 1000000) },
);

// ---------------------------------------------------------------------------------------------------------
// Kimi 1.5 / open-r1 len_reward, min/max over the group or over the batch.

/** catalog §2 Kimi: lam = 0.5 - (len-min)/(max-min); correct -> lam, incorrect -> min(0, lam); max == min -> 0. */
function kimiReference(rows: Row[], p: Record<string, number>): Expected {
  const scopes = p.over_batch ? [rows.map((_, i) => i)] : groupsOf(rows);
  const reward = new Array<number>(rows.length);
  for (const members of scopes) {
    const lengths = members.map((i) => rows[i]!.length as number);
    const lo = Math.min(...lengths);
    const hi = Math.max(...lengths);
    for (const i of members) {
      const lam = hi === lo ? 0 : 0.5 - ((rows[i]!.length as number) - lo) / (hi - lo);
      reward[i] = rows[i]!.correct ? lam : Math.min(0, lam);
    }
  }
  return { outputs: { reward }, metrics: { accuracy: mean(rows.map((r) => (r.correct ? 1 : 0))), mean_length: mean(rows.map((r) => r.length as number)) } };
}

const kimiRows = batchesOf(fc.record({ correct: fc.boolean(), length: anyLength }), { shared: ["length"] });

describe("Kimi 1.5 length reward (examples/kimi_length.reward)", () => {
  // The advantage is std.grpo of the reward (checked by the stdlib tests); it is not compared here because
  // lengths 1 apart over a span of 1e6 make rewards 1e-6 apart, where any float32 z-score is ill-conditioned.
  it("min/max over the group: matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/kimi_length.reward", rows: kimiRows, reference: kimiReference, numRuns: 40 });
  });

  it("min/max over the whole batch (open-r1): matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/kimi_length.reward", rows: kimiRows, reference: kimiReference, params: { over_batch: true }, numRuns: 40 });
  });

  it("open-r1 tests/test_rewards.py len_reward cases: lengths 22 and 34 (characters)", async () => {
    // test_same_length_responses: two 22-character answers -> [0, 0].
    // test_mixed_correctness: [correct 22, correct 34, wrong 22, wrong 34] -> shortest correct 0.5,
    // longer correct -0.5, shorter wrong min(0, 0.5) = 0, longer wrong -0.5.
    const same = [true, false].map((correct) => ({ prompt: 1, correct, length: 22 }));
    const mixed = [[true, 22], [true, 34], [false, 22], [false, 34]].map(([correct, length]) => ({ prompt: 2, correct, length }));
    for (const over_batch of [false, true]) {
      for (const { backend, outputs } of await scoreEverywhere("examples/kimi_length.reward", same, { over_batch })) expect(outputs.reward, backend).toEqual([0, 0]);
      for (const { backend, outputs } of await scoreEverywhere("examples/kimi_length.reward", mixed, { over_batch })) expect(outputs.reward, backend).toEqual([0.5, -0.5, 0, -0.5]);
    }
    // Group vs batch differ once two groups share a batch: group q has lengths 10..20, group r 40.
    const both = [{ prompt: "q", correct: true, length: 10 }, { prompt: "q", correct: true, length: 20 }, { prompt: "r", correct: true, length: 40 }];
    for (const { backend, outputs } of await scoreEverywhere("examples/kimi_length.reward", both)) expect(outputs.reward, backend).toEqual([0.5, -0.5, 0]);
    for (const { backend, outputs } of await scoreEverywhere("examples/kimi_length.reward", both, { over_batch: true })) outputs.reward!.forEach((x, i) => expect(x, backend).toBeCloseTo([0.5, 0.5 - 10 / 30, -0.5][i]!, 6));
  });
});

// ---------------------------------------------------------------------------------------------------------
// Cosine-scaled length reward.

/** catalog §2 cosine: vmin + 0.5 (vmax - vmin)(1 + cos(pi len/max_len)); wrong answers swap the pair; TRL clamps. */
function cosineReference(rows: Row[], p: Record<string, number>): Expected {
  const reward = rows.map((r) => {
    const len = r.length as number;
    const progress = p.clamp_progress ? Math.min(len / p.max_len!, 1) : len / p.max_len!;
    const [vmin, vmax] = r.correct ? [0.5, 1.0] : [-0.5, -1.0];
    return vmin + 0.5 * (vmax - vmin) * (1 + Math.cos(Math.PI * progress));
  });
  return { outputs: { reward }, metrics: { accuracy: mean(rows.map((r) => (r.correct ? 1 : 0))), past_max_len: mean(rows.map((r) => ((r.length as number) > p.max_len! ? 1 : 0))) } };
}

const cosineRows = batchesOf(fc.record({ correct: fc.boolean(), length: fc.oneof(anyLength, fc.constantFrom(500, 999, 1000, 1001, 2000, 3000)) }), { shared: ["length"] });

describe("Cosine-scaled length reward (examples/cosine_length.reward)", () => {
  it("open-r1 (no clamp): matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/cosine_length.reward", rows: cosineRows, reference: cosineReference, numRuns: 40 });
  });

  it("TRL (len/max_len clamped to 1): matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/cosine_length.reward", rows: cosineRows, reference: cosineReference, params: { clamp_progress: true, max_len: 4096 }, numRuns: 40 });
  });

  it("open-r1 tests/test_rewards.py test_cosine_scaled_reward: max_len 100, len {22, 80} -> correct {0.943, 0.547}, wrong {-0.942, -0.547}", async () => {
    // The "short" answers are the unpadded 22-character strings (padding to 20 adds nothing); to 2 places.
    const rows = [[true, 22], [true, 80], [false, 22], [false, 80]].map(([correct, length]) => ({ prompt: 1, correct, length }));
    for (const { backend, outputs } of await scoreEverywhere("examples/cosine_length.reward", rows, { max_len: 100 })) {
      [0.943, 0.547, -0.942, -0.547].forEach((want, i) => expect(Math.abs(outputs.reward![i]! - want), `${backend} ${i}`).toBeLessThan(0.005));
    }
  });

  it("past max_len: open-r1's cosine comes back up, TRL's stays at vmin", async () => {
    const rows = [{ prompt: 1, correct: true, length: 2000 }, { prompt: 1, correct: false, length: 2000 }];
    for (const { backend, outputs } of await scoreEverywhere("examples/cosine_length.reward", rows)) outputs.reward!.forEach((x, i) => expect(x, backend).toBeCloseTo([1, -1][i]!, 5));
    for (const { backend, outputs } of await scoreEverywhere("examples/cosine_length.reward", rows, { clamp_progress: true })) outputs.reward!.forEach((x, i) => expect(x, backend).toBeCloseTo([0.5, -0.5][i]!, 5));
  });
});

// ---------------------------------------------------------------------------------------------------------
// Soft overlong punishment (open-r1).

/** catalog §2 soft overlong: 0 if L <= Lmax-C; (Lmax-C-L)/C if Lmax-C < L <= Lmax; -1 otherwise (+ 0/1 accuracy). */
function softOverlongReference(rows: Row[], p: Record<string, number>): Expected {
  const lmax = p.max_completion_len!;
  const c = p.soft_punish_cache!;
  const punishment = rows.map((r) => {
    const L = r.length as number;
    if (L <= lmax - c) return 0;
    if (L <= lmax) return (lmax - c - L) / c;
    return -1;
  });
  return {
    outputs: { reward: rows.map((r, i) => (r.correct ? 1 : 0) + punishment[i]!) },
    metrics: { punished: mean(punishment.map((x) => (x < 0 ? 1 : 0))), truncated: mean(rows.map((r) => ((r.length as number) > lmax ? 1 : 0))) },
  };
}

const softRows = (lmax: number, c: number): fc.Arbitrary<Row[]> =>
  batchesOf(fc.record({ correct: fc.boolean(), length: fc.oneof(anyLength, fc.integer({ min: lmax - c - 2, max: lmax + 2 }), fc.constantFrom(lmax - c, lmax - c + 1, lmax, lmax + 1)) }), { shared: ["length"] });

describe("Soft overlong punishment (examples/soft_overlong.reward)", () => {
  it("matches the reference on random batches (open-r1 defaults 16384 / 4096), on every backend", async () => {
    await checkMechanism({ spec: "examples/soft_overlong.reward", rows: softRows(16384, 4096), reference: softOverlongReference, numRuns: 40 });
  });

  it("matches the reference with a short cache (Lmax 1000, C 7), on every backend", async () => {
    await checkMechanism({ spec: "examples/soft_overlong.reward", rows: softRows(1000, 7), reference: softOverlongReference, params: { max_completion_len: 1000, soft_punish_cache: 7 }, numRuns: 40 });
  });

  it("open-r1 tests/test_rewards.py soft overlong cases: Lmax 100, C 20, L {50, 90, 110, 101} -> {0, -0.5, -1, -1}; seams 80 -> 0, 100 -> -1", async () => {
    const rows = [50, 90, 110, 101, 80, 100].map((length) => ({ prompt: 1, correct: false, length }));
    for (const { backend, outputs } of await scoreEverywhere("examples/soft_overlong.reward", rows, { max_completion_len: 100, soft_punish_cache: 20 })) {
      expect(outputs.reward, backend).toEqual([0, -0.5, -1, -1, 0, -1]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// DLER: truncation + group-mean baseline + batch whitening + dynamic sampling.

/** catalog §2 DLER, with the whitening over kept rollouts, unbiased variance, 1e-8 inside the sqrt (see the example). */
function dlerReference(rows: Row[], p: Record<string, number>): Expected {
  const reward = rows.map((r) => ((r.length as number) > p.cap! ? 0 : r.correct ? 1 : 0));
  const keep = new Array<boolean>(rows.length);
  const centred = new Array<number>(rows.length);
  for (const members of groupsOf(rows)) {
    const rs = members.map((i) => reward[i]!);
    const m = mean(rs);
    for (const i of members) {
      keep[i] = Math.max(...rs) > Math.min(...rs);
      centred[i] = reward[i]! - m;
    }
  }
  const kept = centred.filter((_, i) => keep[i]);
  const mu = mean(kept);
  const variance = kept.length < 2 ? 0 : kept.reduce((a, x) => a + (x - mu) ** 2, 0) / (kept.length - 1);
  const advantage = centred.map((x, i) => (keep[i] ? (x - mu) / Math.sqrt(variance + 1e-8) : 0));
  return {
    outputs: { reward, keep, advantage },
    // `keep` is defined by a group-level expression, so batch.mean(keep) counts each group once.
    metrics: { truncated: mean(rows.map((r) => ((r.length as number) > p.cap! ? 1 : 0))), kept_groups: mean(groupsOf(rows).map((m) => (keep[m[0]!] ? 1 : 0))) },
  };
}

const dlerRows = batchesOf(fc.record({ correct: fc.boolean(), length: fc.oneof(anyLength, fc.integer({ min: 3990, max: 4010 }), fc.constantFrom(4000, 4001)) }), { shared: ["length"] });

describe("DLER (examples/dler.reward)", () => {
  it("matches the reference on random batches (cap 4000), on every backend", async () => {
    await checkMechanism({ spec: "examples/dler.reward", rows: dlerRows, reference: dlerReference, numRuns: 40 });
  });

  it("matches the reference with a small cap (most rollouts truncated), on every backend", async () => {
    await checkMechanism({ spec: "examples/dler.reward", rows: dlerRows, reference: dlerReference, params: { cap: 500 }, numRuns: 30 });
  });
});

// ---------------------------------------------------------------------------------------------------------
// GRPO-λ (existing example): Kimi-shaped reward for groups whose correctness ratio reaches the threshold.

/**
 * catalog §2 GRPO-λ, threshold form: p = mean_g(correct); p >= threshold -> length-penalised (Kimi, with
 * correct shifted to 1 + lam as the example documents), else plain 0/1.
 */
function grpoLambdaReference(rows: Row[], p: Record<string, number>): Expected {
  const reward = new Array<number>(rows.length);
  let gated = 0;
  const groups = groupsOf(rows);
  for (const members of groups) {
    const ratio = mean(members.map((i) => (rows[i]!.correct ? 1 : 0)));
    const lengths = members.map((i) => rows[i]!.length as number);
    const lo = Math.min(...lengths);
    const hi = Math.max(...lengths);
    if (ratio >= p.threshold!) gated++;
    for (const i of members) {
      const correct = rows[i]!.correct as boolean;
      const lam = hi === lo ? 0 : 0.5 - ((rows[i]!.length as number) - lo) / (hi - lo);
      reward[i] = ratio >= p.threshold! ? (correct ? 1 + lam : Math.min(0, lam)) : correct ? 1 : 0;
    }
  }
  return {
    outputs: { reward },
    metrics: { accuracy: mean(rows.map((r) => (r.correct ? 1 : 0))), mean_length: mean(rows.map((r) => r.length as number)), gated_groups: gated / groups.length },
  };
}

const grpoLambdaRows = batchesOf(fc.record({ correct: fc.boolean(), length: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 32768 }), fc.constantFrom(0, 32768)) }), { shared: ["length"] });

describe("GRPO-λ (examples/grpo_lambda.reward)", () => {
  it("threshold 0.5: matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/grpo_lambda.reward", rows: grpoLambdaRows, reference: grpoLambdaReference, numRuns: 40 });
  });

  it("threshold 0.75 and 0 (every group gated): matches the reference, on every backend", async () => {
    await checkMechanism({ spec: "examples/grpo_lambda.reward", rows: grpoLambdaRows, reference: grpoLambdaReference, params: { threshold: 0.75 }, numRuns: 25 });
    await checkMechanism({ spec: "examples/grpo_lambda.reward", rows: grpoLambdaRows, reference: grpoLambdaReference, params: { threshold: 0 }, numRuns: 15 });
  });
  // The "top-λ fraction of the batch by p" variant is not expressible: see docs/coverage/s2-s9.md.
});

// ---------------------------------------------------------------------------------------------------------
// DRPO: length weights normalised among the correct rollouts only.

/**
 * catalog §2 DRPO: w_i = softmax over the group's correct j of (r_len_j / lambda), r_len = -L / max_len;
 * incorrect rollouts get -1 / #incorrect (the example's documented negative term).
 */
function drpoReference(rows: Row[], p: Record<string, number>): Expected {
  const advantage = new Array<number>(rows.length);
  for (const members of groupsOf(rows)) {
    const correct = members.filter((i) => rows[i]!.correct);
    const wrong = members.filter((i) => !rows[i]!.correct);
    const x = (i: number): number => -(rows[i]!.length as number) / p.max_len! / p.lambda!;
    const top = Math.max(...correct.map(x));
    const z = correct.reduce((a, j) => a + Math.exp(x(j) - top), 0);
    for (const i of correct) advantage[i] = Math.exp(x(i) - top) / z;
    for (const i of wrong) advantage[i] = -1 / wrong.length;
  }
  const correctLengths = rows.filter((r) => r.correct).map((r) => r.length as number);
  return {
    outputs: { reward: rows.map((r) => (r.correct ? 1 : 0)), advantage },
    metrics: { accuracy: mean(rows.map((r) => (r.correct ? 1 : 0))), mean_correct_length: mean(correctLengths) },
  };
}

const drpoRows = batchesOf(fc.record({ correct: fc.boolean(), length: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 20000 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 8192, 1000000) }) }), { shared: ["length"] });

describe("DRPO (examples/drpo.reward)", () => {
  it("matches the reference on random batches (lambda 0.1), on every backend", async () => {
    await checkMechanism({ spec: "examples/drpo.reward", rows: drpoRows, reference: drpoReference, numRuns: 40 });
  });

  it("matches the reference with lambda 1 and lambda 1000 (nearly uniform over the correct ones), on every backend", async () => {
    await checkMechanism({ spec: "examples/drpo.reward", rows: drpoRows, reference: drpoReference, params: { lambda: 1 }, numRuns: 20 });
    await checkMechanism({ spec: "examples/drpo.reward", rows: drpoRows, reference: drpoReference, params: { lambda: 1000 }, numRuns: 20 });
  });

  it("by hand: correct weights sum to 1, a long correct answer keeps a positive weight", async () => {
    // Correct lengths 0 and 819.2 * k: x = 0 and -k (max_len 8192, lambda 0.1 -> x = -L / 819.2).
    const rows = [{ prompt: 1, correct: true, length: 0 }, { prompt: 1, correct: true, length: 8192 }, { prompt: 1, correct: false, length: 10 }, { prompt: 1, correct: false, length: 20 }];
    const z = 1 + Math.exp(-10);
    for (const { backend, outputs } of await scoreEverywhere("examples/drpo.reward", rows)) {
      [1 / z, Math.exp(-10) / z, -0.5, -0.5].forEach((want, i) => expect(outputs.advantage![i], `${backend} ${i}`).toBeCloseTo(want, 6));
      expect(outputs.advantage![1]!, backend).toBeGreaterThan(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// DECS: per-token reward of correct responses, split at the necessary reasoning prefix.

/**
 * catalog §2 DECS: correct -> prefix tokens (t <= nrp_end) R(1+β), later ones R + β(1 - L/Lmax); incorrect
 * -> R everywhere; nrp_end = -1: no token is redundant. Advantage: token reward - mean_g(R) (the example's
 * documented baseline).
 */
function decsReference(rows: Row[], p: Record<string, number>): Expected {
  const R = rows.map((r) => (r.correct ? 1 : 0));
  const baseline = new Array<number>(rows.length);
  for (const members of groupsOf(rows)) {
    const m = mean(members.map((i) => R[i]!));
    for (const i of members) baseline[i] = m;
  }
  const prefixOf = (r: Row, t: number): boolean => (r.nrp_end as number) < 0 || t <= (r.nrp_end as number);
  const advantage = rows.map((r, i) => {
    const L = (r.ids as number[]).length;
    return (r.ids as number[]).map((_, t) => {
      const tokenR = r.correct ? (prefixOf(r, t) ? R[i]! * (1 + p.beta!) : R[i]! + p.beta! * (1 - L / p.max_len!)) : R[i]!;
      return tokenR - baseline[i]!;
    });
  });
  const correctRows = rows.filter((r) => r.correct);
  const correctTokens = correctRows.flatMap((r) => (r.ids as number[]).map((_, t) => (prefixOf(r, t) ? 0 : 1)));
  return {
    outputs: { reward: R, advantage },
    metrics: {
      redundant_tokens: mean(correctTokens),
      prefix_fraction: mean(correctRows.map((r) => (r.ids as number[]).filter((_, t) => prefixOf(r, t)).length / Math.max((r.ids as number[]).length, 1))),
    },
  };
}

const decsRows = batchesOf(
  fc.record({
    correct: fc.boolean(),
    ids: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 0, maxLength: 12 }),
    nrp_end: fc.oneof(fc.integer({ min: -1, max: 14 }), fc.constantFrom(-1, 0, 1000000)),
  }),
);

describe("DECS (examples/decs.reward)", () => {
  it("matches the reference on random batches (Lmax 16 so the redundant-token term is visible), on every backend", async () => {
    await checkMechanism({ spec: "examples/decs.reward", rows: decsRows, reference: decsReference, params: { max_len: 16 }, numRuns: 40 });
  });

  it("matches the reference with the defaults (beta 0.1, Lmax 16384) and with beta 0.5, on every backend", async () => {
    await checkMechanism({ spec: "examples/decs.reward", rows: decsRows, reference: decsReference, numRuns: 20 });
    await checkMechanism({ spec: "examples/decs.reward", rows: decsRows, reference: decsReference, params: { beta: 0.5, max_len: 10 }, numRuns: 20 });
  });
});

// ---------------------------------------------------------------------------------------------------------
// VisionThink.

/** catalog §2 VisionThink: w_acc acc (tool? 1-p_tool : 1) + w_fmt fmt; 0 < ratio < 0.2 -> direct correct get w_acc - p_direct. */
function visionThinkReference(rows: Row[], p: Record<string, number>): Expected {
  const reward = new Array<number>(rows.length);
  let penalisedGroups = 0;
  const groups = groupsOf(rows);
  for (const members of groups) {
    const correct = members.filter((i) => rows[i]!.correct);
    const directCorrect = correct.filter((i) => rows[i]!.tool_calls === 0);
    const ratio = directCorrect.length / (correct.length + 1e-4);
    const penalise = ratio > 0 && ratio < p.ratio_max!;
    if (penalise) penalisedGroups++;
    for (const i of members) {
      const r = rows[i]!;
      const direct = r.tool_calls === 0;
      const wAcc = direct && penalise ? p.w_acc! - p.p_direct! : p.w_acc!;
      reward[i] = wAcc * (r.correct ? 1 : 0) * (direct ? 1 : 1 - p.p_tool!) + p.w_fmt! * (r.format_ok ? 1 : 0);
    }
  }
  return {
    outputs: { reward, advantage: verlGrpo(rows, reward) },
    metrics: { tool_rate: mean(rows.map((r) => ((r.tool_calls as number) > 0 ? 1 : 0))), penalised_groups: penalisedGroups / groups.length },
  };
}

// Tool calls are common and correct answers frequent, so groups with one direct correct answer among many
// correct ones (0 < ratio < 0.2) occur.
const visionRows = batchesOf(
  fc.record({
    correct: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    format_ok: fc.boolean(),
    tool_calls: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 5, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constant(1000) }),
  }),
  { maxSize: 32 },
);

describe("VisionThink (examples/visionthink.reward)", () => {
  it("matches the reference on random batches (defaults), on every backend", async () => {
    await checkMechanism({ spec: "examples/visionthink.reward", rows: visionRows, reference: visionThinkReference, numRuns: 40 });
  });

  it("matches the reference with ratio_max 0.6 and other weights, on every backend", async () => {
    await checkMechanism({ spec: "examples/visionthink.reward", rows: visionRows, reference: visionThinkReference, params: { ratio_max: 0.6, w_acc: 2, w_fmt: 0.25, p_tool: 0.3, p_direct: 0.5 }, numRuns: 30 });
  });

  it("by hand: one direct correct answer among six correct ones is penalised, two among six are not", async () => {
    // ratio 1/6 < 0.2: the direct correct answer gets (1 - 0.1) + 0.5 = 1.4; tool users 1 * 0.9 + 0.5 = 1.4.
    // ratio 2/6 >= 0.2: direct correct answers keep 1 + 0.5 = 1.5.
    const one = [0, 1, 1, 1, 1, 1].map((tool_calls) => ({ prompt: "a", correct: true, format_ok: true, tool_calls }));
    const two = [0, 0, 1, 1, 1, 1].map((tool_calls) => ({ prompt: "b", correct: true, format_ok: true, tool_calls }));
    for (const { backend, outputs } of await scoreEverywhere("examples/visionthink.reward", [...one, ...two])) {
      outputs.reward!.forEach((x, i) => expect(x, `${backend} ${i}`).toBeCloseTo([1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.5, 1.5, 1.4, 1.4, 1.4, 1.4][i]!, 6));
    }
  });
});
