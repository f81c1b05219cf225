/**
 * CPU vs WebGPU on generated batches: every example, and generated specs. The GPU must agree with the CPU
 * backend within relative 1e-5 / absolute 1e-6 (both compute in float32 with the same sum trees; only
 * transcendental built-ins may differ by an ulp or two), and with itself bit for bit across runs.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { expect, it } from "vitest";
import type { IrModule } from "../../src/compiler/ir.js";
import { runCpu } from "../../src/runtime/cpu.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { initialState, resolveParams } from "../../src/runtime/session.js";
import { WebGpuExecutor, type GpuResult } from "../../src/runtime/webgpu/executor.js";
import { arbitraryRows } from "../batches.js";
import { backendDisagreements } from "../../src/testing/agreement.js";
import { compileOk } from "../support.js";
import { compileFile } from "../../src/compiler/compile.js";
import { close, describeGpu, requireGpu } from "./gpu.js";

const root = join(import.meta.dirname, "../..");
const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".reward"));

function bits(result: GpuResult): string {
  const parts: string[] = [];
  for (const [name, column] of result.outputs) parts.push(name, Buffer.from(column.buffer, column.byteOffset, column.byteLength).toString("hex"));
  for (const [name, v] of result.metrics) parts.push(name, Buffer.from(new Float64Array([v]).buffer).toString("hex"));
  return parts.join("|");
}

async function checkAgreement(executor: WebGpuExecutor, module: IrModule, rows: Record<string, unknown>[]): Promise<void> {
  const built = batchFromRows(module, rows);
  if ("errors" in built) throw new Error(JSON.stringify(built.errors));
  const params = resolveParams(module);
  const state = initialState(module);
  const cpu = runCpu(module, built.batch, params, state);
  const gpu = await executor.run(built.batch, params, state);
  for (const [name, column] of cpu.outputs) expect(gpu.outputs.get(name)!.length, name).toBe(column.length);
  const [first] = backendDisagreements(module, built.batch, params, state, cpu, gpu);
  if (first) expect.fail(`${first.what}: cpu ${first.cpu} vs webgpu ${first.gpu} (one-ulp perturbations of the CPU moved it by ${first.spread})`);
  for (const [name, v] of Object.entries(cpu.nextState)) if (!close(v, gpu.nextState[name]!)) expect.fail(`state ${name}: cpu ${v} vs webgpu ${gpu.nextState[name]}`);
  const again = await executor.run(built.batch, params, state);
  expect(bits(again)).toBe(bits(gpu));
}

describeGpu("CPU and WebGPU agree on every example", () => {
  it.each(examples)("%s", async (file) => {
    const { module } = compileFile(join(root, "examples", file));
    const executor = new WebGpuExecutor(requireGpu(), module!);
    await fc.assert(
      fc.asyncProperty(arbitraryRows(module!), (rows) => checkAgreement(executor, module!, rows)),
      { numRuns: 40 },
    );
    executor.destroy();
  });
});

/** Random specs: one value per level, combined with reductions of every scope. */
const GENERATED_BODIES = [
  "reward = group.mean(x) - group.std(x, unbiased) * float(group.size())\nadvantage = (x - group.loo_mean(x)) / (group.loo_std(x, population) + 1e-3)",
  "reward = sum(t) / float(max(len(t), 1)) + suffix_sum(t, 0.9)[0]\nadvantage = prefix_sum(t, 0.5) - softmax(t) + prev(t, 0.0) * next(t, 1.0)",
  "reward = float(group.rank(x)) + float(group.count_eq(k)) + group.softmax(x)\nmetric m = batch.std(x, population) + batch.mean(t, where: t > 0.0)\nkeep = group.any(b) and not group.all(b)",
  "reward = group.min(x, where: b) + group.max(x) + float(group.sum(k)) + float(group.count(b))\nweight = exp(clamp(x, -5.0, 5.0)) / (1.0 + abs(x))\nmetric s = float(batch.sum(k)) + batch.var(x, unbiased, where: b)",
  "reward = mean(t, where: t > 0.0) + var(t, population) + min(t) + max(t) + float(argmax(t) + argmin(t) + first_index(t > 0.5) + count(t < 0.0))\nadvantage = if b then log_sigmoid(x) else sigmoid(x) * cos(x)",
  "reward = std(t, unbiased) + first(t) - last(t) + at(suffix_max(t), 0) + at(prefix_min(t), 1)\nmetric q = batch.max(t) - batch.min(x, where: b)\nmetric c = float(batch.count(b)) + float(batch.size())",
  "reward = x\nadvantage = at(t * 2.0, int(t)) + prefix_sum(t, if t > 0.0 then 0.0 else 0.9) + suffix_sum(t, if b then 0.5 else 1.0)",
];

describeGpu("CPU and WebGPU agree on generated specs", () => {
  it.each(GENERATED_BODIES.map((body, i) => [i, body] as const))("spec %i", async (_i, body) => {
    const module = compileOk(`reward g\ngroup by prompt\ninput x : float in -50..50\ninput k : int in -20..20\ninput b : bool\ninput t : float[tokens] in -10..10\n${body}\n`);
    const executor = new WebGpuExecutor(requireGpu(), module);
    await fc.assert(
      fc.asyncProperty(arbitraryRows(module), (rows) => checkAgreement(executor, module, rows)),
      { numRuns: 40 },
    );
    executor.destroy();
  });
});

/**
 * The two group strategies (a workgroup per group, one invocation per group) compute the same canonical trees:
 * bit-identical results, on batches with groups well past SMALL_GROUP_LIMIT. `auto` takes one of them per
 * batch and adapter (always sequential on a software adapter such as lavapipe), so each is also forced here.
 */
describeGpu("both group strategies give the same bits", () => {
  const specs = [...examples.map((f) => ({ name: f, module: compileFile(join(root, "examples", f)).module! })), ...GENERATED_BODIES.map((body, i) => ({ name: `generated spec ${i}`, module: compileOk(`reward g\ngroup by prompt\ninput x : float in -50..50\ninput k : int in -20..20\ninput b : bool\ninput t : float[tokens] in -10..10\n${body}\n`) }))];
  it.each(specs.map((s) => [s.name, s] as const))("%s", async (_name, { module }) => {
    const sequential = new WebGpuExecutor(requireGpu(), module, { groupStrategy: "sequential" });
    const workgroup = new WebGpuExecutor(requireGpu(), module, { groupStrategy: "workgroup" });
    await fc.assert(
      // The usual batches (groups up to 64) and fewer, larger groups (up to 120).
      fc.asyncProperty(fc.oneof(arbitraryRows(module), arbitraryRows(module, { maxGroups: 3, maxGroupSize: 120, maxLength: 6 })), async (rows) => {
        const built = batchFromRows(module, rows);
        if ("errors" in built) throw new Error(JSON.stringify(built.errors));
        const params = resolveParams(module);
        const state = initialState(module);
        const a = await sequential.run(built.batch, params, state);
        const b = await workgroup.run(built.batch, params, state);
        expect(bits(b)).toBe(bits(a));
        expect(b.nextState).toEqual(a.nextState);
        // Real GPUs run large groups this way: held to the CPU backend directly too.
        const cpu = runCpu(module, built.batch, params, state);
        const [first] = backendDisagreements(module, built.batch, params, state, cpu, b);
        if (first) expect.fail(`${first.what}: cpu ${first.cpu} vs webgpu (workgroup) ${first.gpu} (spread ${first.spread})`);
      }),
      { numRuns: 12 },
    );
    sequential.destroy();
    workgroup.destroy();
  });
});
