/**
 * Catalog §9, token-level mechanisms. Each example is held to a reference written from the catalog formula
 * (plain TypeScript over rows, sharing no code with the compiler), on random batches and on every backend.
 * The repetition penalty (open-r1) is not expressible yet: see docs/coverage/s2-s9.md.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkMechanism, groupsOf, scoreEverywhere, type Expected, type Row } from "./harness.js";

/** verl GRPO (catalog §6): (s - mean_g) / (std_unbiased + 1e-6); a singleton group uses mean 0, std 1. */
function verlGrpo(rows: Row[], s: number[]): number[] {
  const out = new Array<number>(rows.length);
  for (const members of groupsOf(rows)) {
    const n = members.length;
    if (n === 1) {
      out[members[0]!] = s[members[0]!]! / (1 + 1e-6);
      continue;
    }
    const m = members.reduce((a, i) => a + s[i]!, 0) / n;
    const std = Math.sqrt(members.reduce((a, i) => a + (s[i]! - m) ** 2, 0) / (n - 1));
    for (const i of members) out[i] = (s[i]! - m) / (std + 1e-6);
  }
  return out;
}

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Batches of groups (sizes 1..16, singletons weighted in, some groups all equal), scattered through the batch. */
function batchesOf(member: fc.Arbitrary<Row>): fc.Arbitrary<Row[]> {
  const size = fc.oneof({ weight: 2, arbitrary: fc.constant(1) }, { weight: 4, arbitrary: fc.integer({ min: 2, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 9, max: 16 }) });
  const group = fc.record({ size, equal: fc.boolean(), seed: member }).chain(({ size: n, equal, seed }) =>
    equal ? fc.constant(Array.from({ length: n }, () => ({ ...seed }))) : fc.array(member, { minLength: n, maxLength: n }),
  );
  return fc.tuple(fc.array(group, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { minLength: 100, maxLength: 100 })).map(([groups, noise]) => {
    const rows = groups.flatMap((members, g) => members.map((m) => ({ prompt: `g${g}`, ...m })));
    for (let i = rows.length - 1; i > 0; i--) {
      const j = noise[i % noise.length]! % (i + 1);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    return rows;
  });
}

// ---------------------------------------------------------------------------------------------------------
// GTPO entropy-aware shaping (existing example token_entropy).

/** catalog §9 GTPO: mean token entropy > 0.7 -> A = 0 on every token, else A_t = A - 0.1 H_t; A = verl GRPO on 0/1. */
function gtpoReference(rows: Row[], p: Record<string, number>): Expected {
  const outcome = rows.map((r) => (r.correct ? 1 : 0));
  const base = verlGrpo(rows, outcome);
  const meanH = rows.map((r) => mean(r.entropy as number[]));
  const advantage = rows.map((r, i) => (r.entropy as number[]).map((h) => (meanH[i]! > p.max_entropy! ? 0 : base[i]! - p.beta! * h)));
  return {
    outputs: { reward: outcome, advantage },
    metrics: {
      mean_entropy: mean(rows.flatMap((r) => r.entropy as number[])),
      silenced: mean(meanH.map((h) => (h > p.max_entropy! ? 1 : 0))),
      tokens_per_row: mean(rows.map((r) => (r.entropy as number[]).length)),
    },
  };
}

const entropy = fc.oneof(
  { weight: 6, arbitrary: fc.float({ min: 0, max: Math.fround(1.5), noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 20, Math.fround(0.7)) },
  { weight: 1, arbitrary: fc.float({ min: 0, max: 20, noNaN: true }) },
);
const gtpoRows = batchesOf(fc.record({ correct: fc.boolean(), entropy: fc.array(entropy, { minLength: 0, maxLength: 12 }) }));

describe("GTPO entropy-aware shaping (examples/token_entropy.reward)", () => {
  it("matches the reference on random batches (threshold 0.7, beta 0.1), on every backend", async () => {
    await checkMechanism({ spec: "examples/token_entropy.reward", rows: gtpoRows, reference: gtpoReference, numRuns: 40 });
  });

  it("matches the reference with threshold 0.3 and beta 0.5, on every backend", async () => {
    await checkMechanism({ spec: "examples/token_entropy.reward", rows: gtpoRows, reference: gtpoReference, params: { max_entropy: 0.3, beta: 0.5 }, numRuns: 25 });
  });

  it("by hand: a rollout whose mean entropy is above 0.7 gets 0 on every token, an empty one gets no tokens", async () => {
    // Group of 2, outcomes 1 and 0: GRPO gives ±1/(sqrt(0.5) + 1e-6) = ±0.7071058.
    const rows = [{ prompt: 1, correct: true, entropy: [0.1, 0.5] }, { prompt: 1, correct: false, entropy: [0.9, 0.8] }, { prompt: 2, correct: true, entropy: [] }];
    const a = 0.5 / (Math.SQRT1_2 + 1e-6);
    for (const { backend, outputs } of await scoreEverywhere("examples/token_entropy.reward", rows)) {
      // Per-token outputs come back flattened in row order: [row0 t0, row0 t1, row1 t0, row1 t1].
      [a - 0.01, a - 0.05, 0, 0].forEach((want, k) => expect(outputs.advantage![k], `${backend} ${k}`).toBeCloseTo(want, 5));
      expect(outputs.advantage, backend).toHaveLength(4);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Special-token counts, first index of a token, masks from spans (token_spans).

const CALL = 151657;
const STOP = 151645;

/**
 * catalog §9: calls = count(ids == call_id); stop = first index of stop_id (-1 when absent);
 * mask = obs_start <= t < obs_end, or t after the first stop. reward = correct - 0.1 calls; A_t = mask ? 0 : GRPO.
 */
function tokenSpansReference(rows: Row[], p: Record<string, number>): Expected {
  const calls = rows.map((r) => (r.ids as number[]).filter((id) => id === p.call_id).length);
  const stop = rows.map((r) => (r.ids as number[]).indexOf(p.stop_id!));
  const masked = rows.map((r, i) => (r.ids as number[]).map((_, t) => (t >= (r.obs_start as number) && t < (r.obs_end as number)) || (stop[i]! >= 0 && t > stop[i]!)));
  const reward = rows.map((r, i) => (r.correct ? 1 : 0) - p.call_cost! * calls[i]!);
  const base = verlGrpo(rows, reward);
  return {
    outputs: { reward, advantage: masked.map((m, i) => m.map((x) => (x ? 0 : base[i]!))) },
    metrics: {
      calls_per_rollout: mean(calls),
      first_stop: mean(stop.filter((s) => s >= 0)),
      masked_tokens: mean(masked.flat().map((x) => (x ? 1 : 0))),
    },
  };
}

const spanBound = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -1, max: 14 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 0, 1000000) });
const tokenRows = batchesOf(
  fc.record({
    correct: fc.boolean(),
    ids: fc.array(fc.oneof({ weight: 1, arbitrary: fc.constantFrom(CALL, STOP) }, { weight: 3, arbitrary: fc.integer({ min: 0, max: 20 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1000000) }), { minLength: 0, maxLength: 12 }),
    obs_start: spanBound,
    obs_end: spanBound,
  }),
);

describe("Special-token counts, first index, span masks (examples/token_spans.reward)", () => {
  it("matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/token_spans.reward", rows: tokenRows, reference: tokenSpansReference, numRuns: 40 });
  });

  it("matches the reference with other token ids (call 3, stop 0) and cost 0.25, on every backend", async () => {
    await checkMechanism({ spec: "examples/token_spans.reward", rows: tokenRows, reference: tokenSpansReference, params: { call_id: 3, stop_id: 0, call_cost: 0.25 }, numRuns: 25 });
  });

  it("by hand: the example's first rows", async () => {
    // Row 0: ids [5, CALL, 7, 8, 9, 10, STOP], span [2, 5): 1 call, stop at 6 (nothing after it).
    // Row 1: ids [5, 6, STOP, 99, 99], no span: stop at 2, tokens 3 and 4 masked.
    const rows = [
      { prompt: "t1", correct: true, ids: [5, CALL, 7, 8, 9, 10, STOP], obs_start: 2, obs_end: 5 },
      { prompt: "t1", correct: false, ids: [5, 6, STOP, 99, 99], obs_start: -1, obs_end: -1 },
    ];
    const a = 0.45 / (Math.sqrt(0.405) + 1e-6); // rewards 0.9 and 0: mean 0.45, unbiased std sqrt(0.405)
    for (const { backend, outputs, metrics } of await scoreEverywhere("examples/token_spans.reward", rows)) {
      [a, a, 0, 0, 0, a, a, -a, -a, -a, 0, 0].forEach((want, k) => expect(outputs.advantage![k], `${backend} ${k}`).toBeCloseTo(want, 4));
      expect(metrics.calls_per_rollout, backend).toBeCloseTo(0.5, 6);
      expect(metrics.first_stop, backend).toBeCloseTo(4, 6);
      expect(metrics.masked_tokens, backend).toBeCloseTo(5 / 12, 6);
    }
  });
});
