/**
 * Catalog §6 vectors (advantage estimators, known numeric traps) on the WebGPU backend, to 1e-4,
 * through the same standard library presets as the CPU test (test/stdlib/catalog-vectors.test.ts).
 */
import { expect, it } from "vitest";
import { batchFromRows } from "../../src/runtime/rows.js";
import { initialState, resolveParams } from "../../src/runtime/session.js";
import { WebGpuExecutor } from "../../src/runtime/webgpu/executor.js";
import { vectorBatch } from "../stdlib/vectors.js";
import { describeGpu, requireGpu } from "./gpu.js";

async function gpuAdvantages(call: string, groups?: number[][], extra?: string): Promise<number[]> {
  const { module, rows } = vectorBatch(call, groups, extra);
  const built = batchFromRows(module, rows);
  if ("errors" in built) throw new Error(JSON.stringify(built.errors));
  const result = await new WebGpuExecutor(requireGpu(), module).run(built.batch, resolveParams(module), initialState(module));
  return Array.from(result.outputs.get("advantage")!);
}

function expectClose(actual: number[], expected: number[], tolerance = 1e-4): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!), `index ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance));
}

describeGpu("catalog §6 vectors on WebGPU (rewards [1,0,0,1 | 0,0,0,0 | 0.5,1,0,0], lengths [10,20,30,40])", () => {
  const cases: [string, string, number[], string?][] = [
    ["verl GRPO", "std.grpo(reward)", [0.866, -0.866, -0.866, 0.866, 0, 0, 0, 0, 0.2611, 1.3056, -0.7833, -0.7833]],
    ["Dr.GRPO", "std.dr_grpo(reward)", [0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0, 0.125, 0.625, -0.375, -0.375]],
    ["TRL group", "std.trl_group(reward)", [0.8659, -0.8659, -0.8659, 0.8659, 0, 0, 0, 0, 0.2611, 1.3053, -0.7832, -0.7832]],
    ["TRL batch", "std.trl_batch(reward)", [1.1104, -1.1104, -1.1104, 1.1104, 0, 0, 0, 0, 0.2776, 1.3881, -0.8328, -0.8328]],
    ["RLOO", "std.rloo(reward)", [0.6667, -0.6667, -0.6667, 0.6667, 0, 0, 0, 0, 0.1667, 0.8333, -0.5, -0.5]],
    ["OPO", "std.opo(reward, length)", [0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0, 0.25, 0.75, -0.25, -0.25], "input length : int"],
    ["NeMo leave-one-out", "std.nemo_loo(reward)", [1.1547, -1.1547, -1.1547, 1.1547, 0, 0, 0, 0, 0.2887, 2.8867, -1, -1]],
  ];
  it.each(cases)("%s", async (_name, call, expected, extra) => {
    expectClose(await gpuAdvantages(call, undefined, extra), expected);
  });

  it("NGRPO, G = 8: all wrong -> -1/3; one correct -> 1.764 / -0.504", async () => {
    expectClose(await gpuAdvantages("std.ngrpo(reward)", [[0, 0, 0, 0, 0, 0, 0, 0]]), new Array(8).fill(-1 / 3));
    expectClose(await gpuAdvantages("std.ngrpo(reward)", [[1, 0, 0, 0, 0, 0, 0, 0]]), [1.764, ...new Array(7).fill(-0.504)], 1e-3);
  });

  it("rare-event amplification, p = 1/8, population std: +2.6458 / -0.3780", async () => {
    expectClose(await gpuAdvantages("std.zscore_population(reward, 0.0)", [[1, 0, 0, 0, 0, 0, 0, 0]]), [2.6458, ...new Array(7).fill(-0.378)]);
  });

  it("numeric trap: [1.0, 1.00001] gives ∓0.6196 under verl GRPO", async () => {
    expectClose(await gpuAdvantages("std.grpo(reward)", [[1.0, 1.00001]]), [-0.6196, 0.6196]);
  });

  it("numeric trap: LOO std of equal others is exactly 0 (NeMo-RL #1518)", async () => {
    const a = await gpuAdvantages("std.nemo_loo(reward)", [[1000.1, 1000.1, 1000.1, 0.3]]);
    expect(a[3]).toBeCloseTo(0.3 - 1000.1, 2);
    for (const x of a) expect(Number.isFinite(x)).toBe(true);
  });
});
