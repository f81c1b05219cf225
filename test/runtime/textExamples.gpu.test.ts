/**
 * The examples with `string` inputs end to end: their data scored on the CPU (rewards checked by hand against the
 * semantics in src/runtime/text.ts), the same on WebGPU, and `rewardc test` with the CPU/WebGPU agreement law.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFile } from "../../src/compiler/compile.js";
import { runCpu } from "../../src/runtime/cpu.js";
import { formatRowErrors } from "../../src/runtime/errors.js";
import { batchFromJsonl } from "../../src/runtime/jsonl.js";
import { initialState, resolveParams } from "../../src/runtime/session.js";
import { WebGpuExecutor } from "../../src/runtime/webgpu/executor.js";
import { backendDisagreements } from "../../src/testing/agreement.js";
import { describeGpu, requireGpu } from "../gpu/gpu.js";

const root = join(import.meta.dirname, "../..");

function load(name: string) {
  const { module } = compileFile(join(root, "examples", `${name}.reward`));
  const built = batchFromJsonl(module!, readFileSync(join(root, "examples/data", `${name}.jsonl`), "utf8"));
  if ("errors" in built) throw new Error(formatRowErrors(built.errors));
  return { module: module!, batch: built.batch };
}

const EXPECTED: Record<string, number[]> = {
  // accuracy (last box == answer) + format + 0.25 per tag found once + min(1, steps / 3)
  format_tags: [4, 3, 2.5, 2, 3.6666667, 3, 1.75, 4, 2, 0, 3.6666667, 2.3333333, 3],
  // correct (box as text or number, else the final number) - 0.5 * overflow past 1200 characters
  math_boxed: [1, 1, 0, 0.5, 1, 0, 0, 1, 1, 0, 0, 1, 1],
};

describe("the string examples on the CPU", () => {
  it.each(Object.keys(EXPECTED))("%s scores its data as worked out by hand", (name) => {
    const { module, batch } = load(name);
    const { outputs } = runCpu(module, batch, resolveParams(module), initialState(module));
    expect(Array.from(outputs.get("reward")!)).toEqual(EXPECTED[name]!.map(Math.fround));
  });
});

describeGpu("the string examples on WebGPU", () => {
  it.each(Object.keys(EXPECTED))("%s: WebGPU scores the data as the CPU does", async (name) => {
    const { module, batch } = load(name);
    const params = resolveParams(module);
    const state = initialState(module);
    const executor = new WebGpuExecutor(requireGpu(), module);
    try {
      const cpu = runCpu(module, batch, params, state);
      const gpu = await executor.run(batch, params, state);
      expect(backendDisagreements(module, batch, params, state, cpu, gpu)).toEqual([]);
      expect(Array.from(gpu.outputs.get("reward")!)).toEqual(EXPECTED[name]!.map(Math.fround));
    } finally {
      executor.destroy();
    }
  });

  it("rewardc test holds every property of both, CPU/WebGPU agreement included", () => {
    const r = spawnSync(process.execPath, [join(root, "bin/rewardc.js"), "test", "examples/format_tags.reward", "examples/math_boxed.reward", "--seed", "5", "--runs", "30", "--backend", "webgpu"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(r.stdout).toMatch(/ok {4}cpu_webgpu_agreement \(built-in\) \(30 batches\)[\s\S]*ok {4}cpu_webgpu_agreement \(built-in\) \(30 batches\)/);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
