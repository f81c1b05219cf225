import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { IrModule } from "../../src/compiler/ir.js";
import { takeRollouts, type Batch } from "../../src/runtime/batch.js";
import { runCpu } from "../../src/runtime/cpu.js";
import { rowsBatch } from "./helpers.js";
import { IrBuilder } from "./ir.js";

function spec(): IrModule {
  const b = new IrBuilder("perm").axis("tokens");
  const s = b.input("score");
  const t = b.input("t", "f32", "tokens");
  const mu = b.groupReduce("mean", s);
  const sd = b.groupReduce("std", s, { ddof: 1 });
  b.output("reward", b.div(b.sub(s, mu), b.add(sd, b.c(1e-6))));
  b.output("rank", b.groupMap("rank", s));
  b.output("eq", b.groupMap("count_eq", s));
  b.output("loo", b.groupMap("loo_mean", s));
  b.output("loo_std", b.groupMap("loo_std", s, 1));
  b.output("soft", b.groupMap("softmax", s));
  b.output("size", b.groupSize());
  b.output("tsum", b.add(b.axisReduce("sum", t, "tokens"), b.groupReduce("max", b.axisReduce("mean", t, "tokens"))));
  b.output("advantage", b.sub(t, b.groupReduce("min", s)));
  b.metric("batch_mean", b.batchReduce("mean", s));
  return b.build();
}

interface Row {
  prompt: number;
  score: number;
  t: number[];
}

const anyFloat = fc.float({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true });
const quarter = fc.integer({ min: -32, max: 32 }).map((k) => k / 4);

function rowsArb(value: fc.Arbitrary<number>): fc.Arbitrary<Row[]> {
  return fc.array(fc.record({ prompt: fc.integer({ min: 0, max: 4 }), score: value, t: fc.array(value, { maxLength: 4 }) }), { maxLength: 30 });
}

/** The permutation `perm` of 0..n-1 rearranged so that each group's members keep their relative order. */
function keepGroupOrder(batch: Batch, perm: number[]): number[] {
  const out = perm.slice();
  for (let g = 0; g < batch.groupCount; g++) {
    const slots = out.map((i, k) => [i, k] as const).filter(([i]) => batch.groupIds[i] === g);
    const members = slots.map(([i]) => i).sort((a, b) => a - b);
    slots.forEach(([, k], j) => (out[k] = members[j]!));
  }
  return out;
}

/** Output values of the permuted batch, mapped back to the original rollout (and token) order. */
function unpermute(module: IrModule, batch: Batch, perm: number[], name: string, values: ArrayLike<number>): number[] {
  const node = module.nodes[module.outputs.find((o) => o.name === name)!.node]!;
  if (node.level.kind !== "element") {
    const back = new Array<number>(perm.length);
    perm.forEach((i, k) => (back[i] = values[k]!));
    return back;
  }
  const from = batch.axes.get(node.level.axis)!;
  const permuted = takeRollouts(module, batch, perm).axes.get(node.level.axis)!;
  const back = new Array<number>(values.length);
  perm.forEach((i, k) => {
    for (let j = 0; j < from[i + 1]! - from[i]!; j++) back[from[i]! + j] = values[permuted[k]! + j]!;
  });
  return back;
}

function check(rows: Row[], seed: number[], keepOrder: boolean): void {
  const module = spec();
  const batch = rowsBatch(module, rows);
  let perm = rows.map((_, i) => i).sort((a, b) => seed[a % seed.length]! - seed[b % seed.length]! || a - b);
  if (keepOrder) perm = keepGroupOrder(batch, perm);
  const base = runCpu(module, batch, {}, {});
  const moved = runCpu(module, takeRollouts(module, batch, perm), {}, {});
  // Reordering a group's members changes float32 rounding in its sums (and in the mean's shift), and
  // (s - mean) / std amplifies that by up to |s| / std: with quarter-integer scores in [-8, 8] the std of a
  // non-constant group is >= 0.25 / sqrt(30), so 32 ulps of the largest magnitude involved bound it.
  const scale = Math.max(1, ...rows.map((r) => Math.abs(r.score)), ...rows.flatMap((r) => r.t.map(Math.abs)));
  for (const [name, values] of base.outputs) {
    const back = unpermute(module, batch, perm, name, moved.outputs.get(name)!);
    const expected = Array.from(values);
    if (keepOrder) expect(back, name).toEqual(expected);
    else {
      back.forEach((v, i) => {
        const e = expected[i]!;
        if (!(Math.abs(v - e) <= 32 * 2 ** -23 * Math.max(Math.abs(e), scale))) throw new Error(`${name}[${i}]: ${v} vs ${e}`);
      });
    }
  }
  // The batch mean sums every rollout in input order, so any permutation may change its rounding: the
  // pairwise tree's error is bounded by log2(n) ulps of the largest magnitude summed.
  const m0 = base.metrics.get("batch_mean")!;
  const treeDepth = Math.ceil(Math.log2(Math.max(2, rows.length))) + 1;
  expect(Math.abs(moved.metrics.get("batch_mean")! - m0)).toBeLessThanOrEqual(treeDepth * 2 ** -23 * Math.max(Math.abs(m0), scale));
}

describe("permutation invariance", () => {
  it("permutations that keep each group's order give bit-identical outputs", () => {
    fc.assert(
      fc.property(rowsArb(anyFloat), fc.array(fc.integer(), { minLength: 1, maxLength: 30 }), (rows, seed) => check(rows, seed, true)),
      { numRuns: 300 },
    );
  });

  it("any permutation gives the same outputs up to float32 rounding (group members are reordered)", () => {
    fc.assert(
      fc.property(rowsArb(quarter), fc.array(fc.integer(), { minLength: 1, maxLength: 30 }), (rows, seed) => check(rows, seed, false)),
      { numRuns: 1000 },
    );
  });
});
