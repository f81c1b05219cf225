/**
 * Catalog §1, outcome rewards. Each example is held to a reference written from the catalog formula (plain
 * TypeScript over the rows, nothing from src/), on random batches and on every backend.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkMechanism, groupsOf, scoreEverywhere, type Row } from "./harness.js";

const NUM_RUNS = 40;

/**
 * Random batches: groups of 1..24 rollouts (singletons and all-equal groups weighted in), fields of a group
 * shared through `common`, group keys mixing ints and strings, rollouts scattered through the batch.
 */
function groupedRows(member: fc.Arbitrary<Row>, key = "prompt", common: fc.Arbitrary<Row> = fc.constant({})): fc.Arbitrary<Row[]> {
  const size = fc.oneof({ weight: 2, arbitrary: fc.constant(1) }, { weight: 4, arbitrary: fc.integer({ min: 2, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 24 }) });
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

/** An int in [lo, hi] with both edges weighted in. */
const intIn = (lo: number, hi: number): fc.Arbitrary<number> => fc.oneof({ weight: 1, arbitrary: fc.constantFrom(lo, hi) }, { weight: 4, arbitrary: fc.integer({ min: lo, max: hi }) });

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const std = (xs: number[], ddof: 0 | 1): number => {
  if (xs.length - ddof <= 0) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - ddof));
};
/** Batch mean of `value` over the rows where `where` holds; 0 over nothing. */
const meanWhere = (rows: Row[], value: (r: Row) => number, where: (r: Row) => boolean = () => true): number => mean(rows.filter(where).map(value));

/** verl GRPO: (s - mean) / (std_unbiased + 1e-6); a singleton group uses mean 0, std 1. */
function grpo(rows: Row[], s: number[], key = "prompt"): number[] {
  const out = new Array<number>(rows.length);
  for (const members of groupsOf(rows, key)) {
    const xs = members.map((i) => s[i]!);
    const [mu, sd] = members.length === 1 ? [0, 1] : [mean(xs), std(xs, 1)];
    for (const i of members) out[i] = (s[i]! - mu) / (sd + 1e-6);
  }
  return out;
}

/** Dr.GRPO: s - mean; a singleton keeps s. */
function drGrpo(rows: Row[], s: number[], key: string): number[] {
  const out = new Array<number>(rows.length);
  for (const members of groupsOf(rows, key)) {
    const mu = members.length === 1 ? 0 : mean(members.map((i) => s[i]!));
    for (const i of members) out[i] = s[i]! - mu;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// RLVR 0/1 and DAPO ±1

/** Catalog §1: RLVR r = correct ? 1 : 0; DAPO r = correct ? +1 : -1. */
function binaryReference(rows: Row[], p: Record<string, number>) {
  const reward = rows.map((r) => (r.correct ? 1 : p.signed ? -1 : 0));
  const groups = groupsOf(rows);
  return {
    outputs: { reward, advantage: grpo(rows, reward) },
    metrics: {
      accuracy: meanWhere(rows, (r) => (r.correct ? 1 : 0)),
      solved_groups: mean(groups.map((m) => (m.some((i) => rows[i]!.correct) ? 1 : 0))),
    },
  };
}

describe("RLVR 0/1 and DAPO ±1 (examples/outcome_binary.reward)", () => {
  const rows = groupedRows(fc.record({ correct: fc.boolean() }));
  it("RLVR 0/1 matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/outcome_binary.reward", rows, reference: binaryReference, numRuns: NUM_RUNS });
  });
  it("DAPO ±1 (signed) matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/outcome_binary.reward", rows, reference: binaryReference, params: { signed: true }, numRuns: NUM_RUNS });
  });
  it("hand-computed from the catalog formulas: correct/wrong -> 1/0 (RLVR) and +1/-1 (DAPO)", async () => {
    const data = [{ prompt: 1, correct: true }, { prompt: 1, correct: false }];
    // `+ 0` turns -0 into 0: on the WebGPU adapter here, `if c then -1.0 else 0.0` comes back as -0 when c is false.
    for (const { backend, outputs } of await scoreEverywhere("examples/outcome_binary.reward", data)) expect(outputs.reward!.map((x) => x + 0), backend).toEqual([1, 0]);
    for (const { backend, outputs } of await scoreEverywhere("examples/outcome_binary.reward", data, { signed: true })) expect(outputs.reward, backend).toEqual([1, -1]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// open-r1 format, tag_count, reasoning_steps

/**
 * open-r1 (catalog §1): format 1 if the regex matched; tag_count 0.25 per tag (of 4) seen exactly once;
 * reasoning_steps min(1, k/3); summed with weights.
 */
function openR1Reference(rows: Row[], p: Record<string, number>) {
  const format = (r: Row) => (r.format_ok ? 1 : 0);
  const tags = (r: Row) => (r.tag_counts as number[]).reduce((a, c) => a + (c === 1 ? 0.25 : 0), 0);
  const steps = (r: Row) => Math.min(1, (r.steps as number) / 3);
  const reward = rows.map((r) => p.w_accuracy! * (r.correct ? 1 : 0) + p.w_format! * format(r) + p.w_tags! * tags(r) + p.w_steps! * steps(r));
  return {
    outputs: { reward, advantage: grpo(rows, reward) },
    metrics: { format_rate: meanWhere(rows, format), tag_count: meanWhere(rows, tags), reasoning_steps: meanWhere(rows, steps) },
  };
}

describe("open-r1 format / tag_count / reasoning_steps (examples/open_r1_format.reward)", () => {
  const tagCount = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0, 1, 2) }, { weight: 1, arbitrary: intIn(0, 1000) });
  const rows = groupedRows(
    fc.record({
      correct: fc.boolean(),
      format_ok: fc.boolean(),
      tag_counts: fc.array(tagCount, { minLength: 4, maxLength: 4 }),
      steps: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 7 }) }, { weight: 1, arbitrary: intIn(0, 100000) }),
    }),
  );
  it("matches the reference on random batches, on every backend (open-r1 default weights 1.0)", async () => {
    await checkMechanism({ spec: "examples/open_r1_format.reward", rows, reference: openR1Reference, numRuns: NUM_RUNS });
  });
  it("matches the reference with each reward function alone", async () => {
    const only = (name: string) => ({ w_accuracy: 0, w_format: 0, w_tags: 0, w_steps: 0, [name]: 1 });
    for (const name of ["w_format", "w_tags", "w_steps"]) {
      await checkMechanism({ spec: "examples/open_r1_format.reward", rows, reference: openR1Reference, params: only(name), numRuns: 15 });
    }
  });
  it("hand-computed from open-r1's rewards.py: tags [1,1,1,1] -> 1.0, [2,1,0,1] -> 0.5; k = 0,1,3,7 -> 0, 1/3, 1, 1", async () => {
    const data = [
      { prompt: 1, correct: false, format_ok: false, tag_counts: [1, 1, 1, 1], steps: 0 },
      { prompt: 1, correct: false, format_ok: false, tag_counts: [2, 1, 0, 1], steps: 1 },
      { prompt: 1, correct: false, format_ok: true, tag_counts: [0, 0, 0, 0], steps: 3 },
      { prompt: 1, correct: true, format_ok: false, tag_counts: [0, 0, 0, 0], steps: 7 },
    ];
    for (const { backend, outputs } of await scoreEverywhere("examples/open_r1_format.reward", data)) {
      [1, 0.5 + 1 / 3, 1 + 1, 1 + 1].forEach((want, i) => expect(outputs.reward![i], `${backend} row ${i}`).toBeCloseTo(want, 6));
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// TrustSQL penalty score

/** TrustSQL (catalog §1): the five cases, with penalty c; plus format_weight * 0.25 * tags_once. */
function trustsqlReference(rows: Row[], p: Record<string, number>) {
  const score = (r: Row): number => {
    if (r.feasible) {
      if (r.abstained) return 0;
      return r.correct ? 1 : -p.c!;
    }
    return r.abstained ? 1 : -p.c!;
  };
  const reward = rows.map((r) => score(r) + p.format_weight! * 0.25 * (r.tags_once as number));
  return {
    outputs: { reward, advantage: drGrpo(rows, reward, "question") },
    metrics: {
      abstain_rate: meanWhere(rows, (r) => (r.abstained ? 1 : 0)),
      answered_correct: meanWhere(rows, (r) => (r.correct ? 1 : 0), (r) => !r.abstained),
    },
  };
}

describe("TrustSQL penalty score (examples/outcome_trustsql.reward)", () => {
  const rows = groupedRows(fc.record({ feasible: fc.boolean(), abstained: fc.boolean(), correct: fc.boolean(), tags_once: intIn(0, 4) }), "question");
  // c in {0, 10, N}: N is the number of questions of the evaluation set (TrustSQL's test sets have ~1.5k).
  for (const c of [0, 10, 1536]) {
    it(`c = ${c}: matches the reference on random batches, on every backend`, async () => {
      await checkMechanism({ spec: "examples/outcome_trustsql.reward", rows, reference: trustsqlReference, params: { c }, numRuns: c === 10 ? NUM_RUNS : 20 });
    });
  }
  it("hand-computed from the catalog's five cases (c = 10, no format bonus): +1, 0, -c, -c, +1", async () => {
    const data = [
      { question: 1, feasible: true, abstained: false, correct: true, tags_once: 0 },
      { question: 1, feasible: true, abstained: true, correct: false, tags_once: 0 },
      { question: 1, feasible: true, abstained: false, correct: false, tags_once: 0 },
      { question: 2, feasible: false, abstained: false, correct: false, tags_once: 0 },
      { question: 2, feasible: false, abstained: true, correct: false, tags_once: 0 },
    ];
    for (const { backend, outputs } of await scoreEverywhere("examples/outcome_trustsql.reward", data)) expect(outputs.reward, backend).toEqual([1, 0, -10, -10, 1]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Auto-CEI refusal reward

/** Auto-CEI (catalog §1): correct +1; refusal 2/(1+exp(-c2*(L-c1))) - 1; otherwise -1. */
function autoCeiReference(rows: Row[], p: Record<string, number>) {
  const refusal = (L: number) => 2 / (1 + Math.exp(-p.c2! * (L - p.c1!))) - 1;
  const refusedOnly = (r: Row) => !r.correct && !!r.refused;
  return {
    outputs: { reward: rows.map((r) => (r.correct ? 1 : r.refused ? refusal(r.steps as number) : -1)) },
    metrics: {
      accuracy: meanWhere(rows, (r) => (r.correct ? 1 : 0)),
      refusal_rate: meanWhere(rows, (r) => (refusedOnly(r) ? 1 : 0)),
      refusal_steps: meanWhere(rows, (r) => r.steps as number, refusedOnly),
    },
  };
}

describe("Auto-CEI refusal reward (examples/auto_cei_refusal.reward)", () => {
  const rows = groupedRows(
    fc.record({ correct: fc.boolean(), refused: fc.boolean(), steps: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 40 }) }, { weight: 1, arbitrary: intIn(0, 100000) }) }),
  );
  it("matches the reference on random batches, on every backend (c1 = 13, c2 = 0.4)", async () => {
    await checkMechanism({ spec: "examples/auto_cei_refusal.reward", rows, reference: autoCeiReference, numRuns: NUM_RUNS });
  });
  it("matches the reference with another curriculum point (c1 = 30, c2 = 0.1)", async () => {
    await checkMechanism({ spec: "examples/auto_cei_refusal.reward", rows, reference: autoCeiReference, params: { c1: 30, c2: 0.1 }, numRuns: 20 });
  });
  it("hand-computed from the catalog formula: refusal at L = c1 is 0, at L = 0 is 2/(1+e^5.2) - 1, wrong is -1", async () => {
    const data = [
      { prompt: 1, correct: false, refused: true, steps: 13 },
      { prompt: 1, correct: false, refused: true, steps: 0 },
      { prompt: 1, correct: false, refused: false, steps: 13 },
      { prompt: 1, correct: true, refused: false, steps: 2 },
    ];
    for (const { backend, outputs } of await scoreEverywhere("examples/auto_cei_refusal.reward", data)) {
      [0, 2 / (1 + Math.exp(5.2)) - 1, -1, 1].forEach((want, i) => expect(outputs.reward![i], `${backend} row ${i}`).toBeCloseTo(want, 6));
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Honest deduction, PSR / NSR / W-REINFORCE

/**
 * Catalog §1: r = 1 for a correct conclusion of an answerable problem or an abstention on an unanswerable one;
 * PSR A = r; NSR A = r - 1; W-REINFORCE A = lambda if right else -1.
 */
function honestReference(rows: Row[], p: Record<string, number>) {
  const right = (r: Row) => (r.answerable ? !!r.correct && !r.abstained : !!r.abstained);
  const reward = rows.map((r) => (right(r) ? 1 : 0));
  const advantage = rows.map((r, i) => [reward[i]!, reward[i]! - 1, right(r) ? p.lambda! : -1][p.objective!]!);
  return {
    outputs: { reward, advantage },
    metrics: {
      honesty: mean(reward),
      abstain_when_unanswerable: meanWhere(rows, (r) => (r.abstained ? 1 : 0), (r) => !r.answerable),
      abstain_when_answerable: meanWhere(rows, (r) => (r.abstained ? 1 : 0), (r) => !!r.answerable),
    },
  };
}

describe("Honest deduction with PSR / NSR / W-REINFORCE (examples/honest_deduction.reward)", () => {
  const rows = groupedRows(fc.record({ answerable: fc.boolean(), abstained: fc.boolean(), correct: fc.boolean() }), "problem");
  for (const [name, params] of [
    ["W-REINFORCE (default, lambda 0.1)", {}],
    ["W-REINFORCE, lambda 0.5", { lambda: 0.5 }],
    ["PSR", { objective: 0 }],
    ["NSR", { objective: 1 }],
  ] as const) {
    it(`${name}: matches the reference on random batches, on every backend`, async () => {
      await checkMechanism({ spec: "examples/honest_deduction.reward", rows, reference: honestReference, params, numRuns: 20 });
    });
  }
  it("hand-computed from the catalog: right/wrong -> PSR 1/0, NSR 0/-1, W-REINFORCE 0.1/-1", async () => {
    const data = [
      { problem: 1, answerable: false, abstained: true, correct: false },
      { problem: 1, answerable: true, abstained: false, correct: false },
    ];
    const expected: [Record<string, number>, number[]][] = [[{ objective: 0 }, [1, 0]], [{ objective: 1 }, [0, -1]], [{}, [0.1, -1]]];
    for (const [params, want] of expected) {
      for (const { backend, outputs } of await scoreEverywhere("examples/honest_deduction.reward", data, params)) {
        want.forEach((w, i) => expect(outputs.advantage![i], `${backend} ${JSON.stringify(params)} row ${i}`).toBeCloseTo(w, 6));
      }
    }
  });
});
