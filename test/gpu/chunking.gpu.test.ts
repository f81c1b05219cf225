/**
 * Batches larger than a binding window: with the binding limit lowered, one batch goes through many
 * windows per kernel and must give exactly the bits it gives in one window.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import { batchFromRows } from "../../src/runtime/rows.js";
import { initialState, resolveParams } from "../../src/runtime/session.js";
import { WebGpuExecutor } from "../../src/runtime/webgpu/executor.js";
import { arbitraryRows } from "../batches.js";
import { compileOk } from "../support.js";
import { describeGpu, requireGpu } from "./gpu.js";

const spec = `reward chunked
group by prompt
input x : float in -10..10
input b : bool
input t : float[tokens] in -5..5
reward    = std.grpo(x) + group.mean(x, where: b) + sum(t) * 0.1
advantage = (t - batch.mean(t)) / (batch.std(t, unbiased) + 1e-6) + float(group.rank(x))
keep      = group.std(x, population) > 0.0
metric m  = batch.mean(x) + float(batch.count(b)) + batch.var(t, unbiased, where: t > 0.0)
`;

describeGpu("chunking", () => {
  it("many small windows give the bits of one large window", async () => {
    const module = compileOk(spec);
    const whole = new WebGpuExecutor(requireGpu(), module);
    // 8 KiB windows: a few dozen rollouts, or one or two blocks of 256 elements, per dispatch.
    const chunked = new WebGpuExecutor(requireGpu(), module, { maxBindingBytes: 8192 });
    await fc.assert(
      fc.asyncProperty(arbitraryRows(module, { maxGroups: 40, maxGroupSize: 24, maxLength: 40 }), async (rows) => {
        const built = batchFromRows(module, rows);
        if ("errors" in built) throw new Error(JSON.stringify(built.errors));
        const a = await whole.run(built.batch, resolveParams(module), initialState(module));
        const b = await chunked.run(built.batch, resolveParams(module), initialState(module));
        for (const [name, column] of a.outputs) expect(Array.from(b.outputs.get(name)!), name).toEqual(Array.from(column));
        expect([...b.metrics]).toEqual([...a.metrics]);
      }),
      { numRuns: 25 },
    );
  });

  it("a large batch really is split into several windows per kernel", async () => {
    const module = compileOk(spec);
    const rows = Array.from({ length: 3000 }, (_, i) => ({ prompt: i % 37, x: (i % 13) - 6, b: i % 3 === 0, t: Array.from({ length: i % 9 }, (_, k) => (k % 5) - 2) }));
    const built = batchFromRows(module, rows);
    if ("errors" in built) throw new Error(JSON.stringify(built.errors));
    const chunked = new WebGpuExecutor(requireGpu(), module, { maxBindingBytes: 8192 });
    const whole = new WebGpuExecutor(requireGpu(), module);
    const a = await whole.run(built.batch, resolveParams(module), initialState(module));
    const b = await chunked.run(built.batch, resolveParams(module), initialState(module));
    expect(chunked.lastDispatchCount).toBeGreaterThan(whole.lastDispatchCount * 4);
    for (const [name, column] of a.outputs) expect(Array.from(b.outputs.get(name)!), name).toEqual(Array.from(column));
  });
});
