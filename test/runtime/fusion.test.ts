/**
 * Fused element-wise chains (src/runtime/cpuFusion.ts) against the plain interpreter (`plain: true`): every
 * example, the generated specs of the backend differential tests, and random expressions mixing levels,
 * int and float arithmetic, casts, selects and built-ins must give the same bits in every output, metric
 * and next state.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileFile, compileSource } from "../../src/compiler/compile.js";
import type { IrModule } from "../../src/compiler/ir.js";
import { runCpu, type CpuResult } from "../../src/runtime/cpu.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { initialState, resolveParams } from "../../src/runtime/session.js";
import { arbitraryRows } from "../batches.js";
import { compileOk } from "../support.js";

const root = join(import.meta.dirname, "../..");
const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".reward"));

/** Object.is per value: -0 and 0 differ, every NaN is one value (payloads aside). */
function sameValues(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(b.constructor, what).toBe(a.constructor);
  expect(b.length, what).toBe(a.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect.fail(`${what}[${i}]: fused ${b[i]} vs interpreter ${a[i]}`);
}

function sameResults(plain: CpuResult, fused: CpuResult): void {
  expect([...fused.outputs.keys()]).toEqual([...plain.outputs.keys()]);
  for (const [name, column] of plain.outputs) sameValues(`output ${name}`, column, fused.outputs.get(name)!);
  expect([...fused.metrics.keys()]).toEqual([...plain.metrics.keys()]);
  for (const [name, v] of plain.metrics) sameValues(`metric ${name}`, [v], [fused.metrics.get(name)!]);
  expect(Object.keys(fused.nextState)).toEqual(Object.keys(plain.nextState));
  for (const [name, v] of Object.entries(plain.nextState)) sameValues(`state ${name}`, [v], [fused.nextState[name]!]);
}

/** Both paths on the rows as given and sorted by group (contiguous groups take another path). */
function checkRows(module: IrModule, rows: Record<string, unknown>[], params = resolveParams(module)): void {
  const key = module.groupKey;
  const sorted = key === null ? rows : rows.map((row, i) => ({ row, i })).sort((a, b) => compareKeys(a.row[key], b.row[key]) || a.i - b.i).map((x) => x.row);
  for (const batchRows of [rows, sorted]) {
    const built = batchFromRows(module, batchRows);
    if ("errors" in built) throw new Error(JSON.stringify(built.errors));
    const state = initialState(module);
    sameResults(runCpu(module, built.batch, params, state, { plain: true }), runCpu(module, built.batch, params, state));
  }
}

function compareKeys(a: unknown, b: unknown): number {
  const x = JSON.stringify(a) ?? "";
  const y = JSON.stringify(b) ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

describe("fused CPU kernels give the interpreter's bits", () => {
  it.each(examples)("example %s", (file) => {
    const { module } = compileFile(join(root, "examples", file));
    fc.assert(fc.property(arbitraryRows(module!), (rows) => checkRows(module!, rows)), { numRuns: 30 });
  });

  /** The generated specs of test/gpu/differential.gpu.test.ts. */
  const GENERATED_BODIES = [
    "reward = group.mean(x) - group.std(x, unbiased) * float(group.size())\nadvantage = (x - group.loo_mean(x)) / (group.loo_std(x, population) + 1e-3)",
    "reward = sum(t) / float(max(len(t), 1)) + suffix_sum(t, 0.9)[0]\nadvantage = prefix_sum(t, 0.5) - softmax(t) + prev(t, 0.0) * next(t, 1.0)",
    "reward = float(group.rank(x)) + float(group.count_eq(k)) + group.softmax(x)\nmetric m = batch.std(x, population) + batch.mean(t, where: t > 0.0)\nkeep = group.any(b) and not group.all(b)",
    "reward = group.min(x, where: b) + group.max(x) + float(group.sum(k)) + float(group.count(b))\nweight = exp(clamp(x, -5.0, 5.0)) / (1.0 + abs(x))\nmetric s = float(batch.sum(k)) + batch.var(x, unbiased, where: b)",
    "reward = mean(t, where: t > 0.0) + var(t, population) + min(t) + max(t) + float(argmax(t) + argmin(t) + first_index(t > 0.5) + count(t < 0.0))\nadvantage = if b then log_sigmoid(x) else sigmoid(x) * cos(x)",
    "reward = std(t, unbiased) + first(t) - last(t) + at(suffix_max(t), 0) + at(prefix_min(t), 1)\nmetric q = batch.max(t) - batch.min(x, where: b)\nmetric c = float(batch.count(b)) + float(batch.size())",
    "reward = x\nadvantage = at(t * 2.0, int(t)) + prefix_sum(t, if t > 0.0 then 0.0 else 0.9) + suffix_sum(t, if b then 0.5 else 1.0)",
  ];
  it.each(GENERATED_BODIES.map((body, i) => [i, body] as const))("generated spec %i", (_i, body) => {
    const module = compileOk(`reward g\ngroup by prompt\ninput x : float in -50..50\ninput k : int in -20..20\ninput b : bool\ninput t : float[tokens] in -10..10\n${body}\n`);
    fc.assert(fc.property(arbitraryRows(module), (rows) => checkRows(module, rows)), { numRuns: 40 });
  });

  // mean, var and std of the same values (and mask) share one centre per range; different masks must not.
  const SHARED_CENTRES = [
    "reward = group.mean(x) + group.var(x, population) + group.std(x, unbiased) * group.mean(x, where: b) - group.std(x, unbiased, where: b)\nadvantage = group.mean(float(b)) + group.std(float(b), unbiased) + group.var(float(k), population) + group.mean(float(k))",
    "reward = mean(t) * std(t, unbiased) + var(t, population, where: t > 0.0) - mean(t, where: t > 0.0) + std(t, population, where: t < 0.0)\nadvantage = (t - mean(t)) / (std(t, population) + 1e-3)",
  ];
  // Means of ints and bools are computed exactly from the integers when every partial sum is exact in float32
  // (`integerRangeCentre`), and through the float32 tree otherwise. u's values lie just past 2^24, close together
  // (needs the value guard); v's lie within +-2^24 but spread wider (needs the spread guard); w's are far past.
  it("integer centres", () => {
    const module = compileOk(
      "reward g\ngroup by prompt\ninput k : int in -20..20\ninput w : int in -2000000000..2000000000\ninput v : int in -16777216..16777216\ninput u : int in 16777213..16777221\ninput b : bool\ninput f : bool[tokens]\ninput n : int[tokens] in -9..9\n" +
        "reward = group.mean(float(k)) + group.mean(float(b), where: k > 0) * group.std(float(b), unbiased) + group.mean(float(w)) - group.var(float(w), population) + group.mean(float(v)) + batch.mean(float(v))\n" +
        "advantage = mean(float(f)) + mean(float(n), where: f) + std(float(n), population) + batch.mean(float(w))\n" +
        "weight = group.mean(float(u))\nmetric acc = batch.mean(float(b))\nmetric tokens = batch.mean(float(n), where: f)\nmetric near = batch.mean(float(u))\n",
    );
    fc.assert(fc.property(arbitraryRows(module), (rows) => checkRows(module, rows)), { numRuns: 150 });
    // Perturbation analysis nudges the cast's float32 values, so the fast path must reduce those, not the ints.
    fc.assert(
      fc.property(arbitraryRows(module), fc.integer({ min: 1, max: 1000 }), (rows, seed) => {
        const built = batchFromRows(module, rows);
        if ("errors" in built) throw new Error(JSON.stringify(built.errors));
        const params = resolveParams(module);
        const state = initialState(module);
        sameResults(runCpu(module, built.batch, params, state, { plain: true, perturb: seed }), runCpu(module, built.batch, params, state, { perturb: seed }));
      }),
      { numRuns: 60 },
    );
  });

  it.each(SHARED_CENTRES.map((body, i) => [i, body] as const))("shared centres %i", (_i, body) => {
    const module = compileOk(`reward g\ngroup by prompt\ninput x : float in -50..50\ninput k : int in -20..20\ninput b : bool\ninput t : float[tokens] in -10..10\n${body}\n`);
    fc.assert(fc.property(arbitraryRows(module), (rows) => checkRows(module, rows)), { numRuns: 60 });
  });

  const floatLeaf = fc.constantFrom("x", "p", "0.5", "-2.5", "1e-6", "inf", "float(k)", "group.mean(x)", "batch.max(x)", "float(group.size())", "t", "t * x", "float(index(t))", "sum(t)", "mean(t, where: t > 0.0)", "group.std(x, population, where: c)", "group.mean(float(k))", "batch.var(t, unbiased, where: t < x)", "min(t, where: t > x)");
  const intLeaf = fc.constantFrom("k", "q", "3", "-7", "0", "2147483647", "group.sum(k)", "int(x)", "len(t)", "index(t)", "int(t)");
  const exprs = fc.letrec<{ f: string; i: string; b: string }>((tie) => ({
    f: fc.oneof(
      { depthSize: "small", maxDepth: 5 },
      floatLeaf,
      fc.tuple(tie("f"), fc.constantFrom("+", "-", "*", "/", "%", "**"), tie("f")).map(([a, op, b]) => `(${a} ${op} ${b})`),
      fc.tuple(fc.constantFrom("min", "max"), tie("f"), tie("f")).map(([f, a, b]) => `${f}(${a}, ${b})`),
      fc.tuple(fc.constantFrom("abs", "exp", "log1p", "sqrt", "sigmoid", "floor", "round", "log_sigmoid", "tanh"), tie("f")).map(([f, a]) => `${f}(${a})`),
      tie("i").map((a) => `float(${a})`),
      fc.tuple(tie("b"), tie("f"), tie("f")).map(([c, t, e]) => `(if ${c} then ${t} else ${e})`),
      tie("f").map((a) => `(-${a})`),
    ),
    i: fc.oneof(
      { depthSize: "small", maxDepth: 5 },
      intLeaf,
      fc.tuple(tie("i"), fc.constantFrom("+", "-", "*", "%"), tie("i")).map(([a, op, b]) => `(${a} ${op} ${b})`),
      tie("f").map((a) => `int(${a})`),
      tie("b").map((a) => `int(${a})`),
      fc.tuple(fc.constantFrom("min", "max"), tie("i"), tie("i")).map(([f, a, b]) => `${f}(${a}, ${b})`),
      fc.tuple(tie("b"), tie("i"), tie("i")).map(([c, t, e]) => `(if ${c} then ${t} else ${e})`),
    ),
    b: fc.oneof(
      { depthSize: "small", maxDepth: 4 },
      fc.constantFrom("c", "true", "group.any(c)"),
      fc.tuple(tie("f"), fc.constantFrom("<", ">=", "==", "!="), tie("f")).map(([a, op, b]) => `(${a} ${op} ${b})`),
      fc.tuple(tie("i"), fc.constantFrom("<", "==", ">"), tie("i")).map(([a, op, b]) => `(${a} ${op} ${b})`),
      fc.tuple(tie("b"), fc.constantFrom("and", "or"), tie("b")).map(([a, op, b]) => `(${a} ${op} ${b})`),
      tie("b").map((a) => `(not ${a})`),
      tie("f").map((a) => `is_finite(${a})`),
    ),
  }));
  const header = "reward r\ngroup by prompt\ninput x : float in -100..100\ninput k : int in -50..50\ninput c : bool\ninput t : float[tokens] in -10..10\nparam p : float = 0.75\nparam q : int = 3\n";

  it("random expressions", () => {
    let compiled = 0;
    fc.assert(
      fc.property(exprs.f, exprs.f, exprs.i, fc.integer({ min: 0, max: 1 << 30 }), (rewardExpr, elementExpr, intExpr, seed) => {
        const text = `${header}reward = float(${rewardExpr})\nadvantage = ${elementExpr}\nmetric m = batch.mean(float(${rewardExpr}))\nmetric n = float(batch.sum(${intExpr}))\n`;
        const module = compileSource("r.reward", text).module;
        if (!module) return; // e.g. an element value where a rollout value is required: not this test's business
        compiled++;
        const rows = fc.sample(arbitraryRows(module), { numRuns: 1, seed })[0]!;
        checkRows(module, rows);
      }),
      { numRuns: 300 },
    );
    expect(compiled).toBeGreaterThan(30);
  });
});
