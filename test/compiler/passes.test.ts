/**
 * Pass invariance: the optimised IR computes bit for bit what the checked IR computes, for random
 * expressions over constants, params and inputs, on random batches.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../src/compiler/compile.js";
import { validateIr } from "../../src/compiler/validate.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { runCpu } from "../../src/runtime/cpu.js";
import { resolveParams } from "../../src/runtime/session.js";

const literal = fc.oneof(
  fc.constantFrom("0.0", "1.0", "-2.5", "1e-6", "3.0e2", "0.1", "inf"),
  fc.integer({ min: -5, max: 5 }).map((i) => String(i)),
);
const leaf = fc.oneof({ weight: 3, arbitrary: literal }, fc.constantFrom("x", "k", "p", "group.mean(x)", "batch.max(x)", "float(group.size())"));

const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", maxDepth: 5 },
    leaf,
    fc.tuple(tie("e"), fc.constantFrom("+", "-", "*", "/"), tie("e")).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(fc.constantFrom("min", "max"), tie("e"), tie("e")).map(([f, a, b]) => `${f}(${a}, ${b})`),
    fc.tuple(fc.constantFrom("abs", "exp", "log1p", "sqrt", "sigmoid", "floor", "log_sigmoid"), tie("e")).map(([f, a]) => `${f}(float(${a}))`),
    fc.tuple(tie("e"), fc.constantFrom("<", ">=", "=="), tie("e"), tie("e"), tie("e")).map(([a, op, b, t, f]) => `(if ${a} ${op} ${b} then float(${t}) else float(${f}))`),
  ),
})).e;

const rows = fc.array(fc.record({ prompt: fc.integer({ min: 0, max: 3 }), x: fc.float({ noNaN: true, min: -100, max: 100 }), k: fc.integer({ min: -50, max: 50 }) }), { minLength: 1, maxLength: 12 });

describe("fold-constants and remove-dead-code", () => {
  it("never change a result bit", () => {
    fc.assert(
      fc.property(expr, expr, rows, (rewardExpr, metricExpr, batchRows) => {
        const text = `reward t\ngroup by prompt\ninput x : float\ninput k : int\nparam p : float = 0.75\nreward = float(${rewardExpr})\nmetric m = batch.mean(float(${metricExpr}))\n`;
        const checked = compileSource("t.reward", text, { optimize: false });
        const optimized = compileSource("t.reward", text);
        if (!checked.module) return; // e.g. an int literal where a float is required: not this test's business
        expect(validateIr(optimized.module!)).toEqual([]);
        expect(optimized.module!.nodes.length).toBeLessThanOrEqual(checked.module.nodes.length);
        const built = batchFromRows(checked.module, batchRows);
        if ("errors" in built) throw new Error(JSON.stringify(built.errors));
        const params = resolveParams(checked.module);
        const a = runCpu(checked.module, built.batch, params, {});
        const b = runCpu(optimized.module!, built.batch, params, {});
        expect(Array.from(b.outputs.get("reward")!)).toEqual(Array.from(a.outputs.get("reward")!));
        expect(Object.is(b.metrics.get("m"), a.metrics.get("m")) || (Number.isNaN(b.metrics.get("m")) && Number.isNaN(a.metrics.get("m")))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
