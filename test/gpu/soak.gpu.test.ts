/**
 * Soak: hundreds of scoring calls on large batches, interleaved with allocation-heavy hot JS and forced
 * garbage collection in the caller. With webgpu@0.6.2 this pattern killed the process (SIGSEGV/SIGABRT
 * or a hang) whenever the `create()` instance was collected under the live device (DESIGN.md); device.ts
 * holds it for the life of the process. The process must stay alive and every result must be right.
 */
import { expect, it } from "vitest";
import { compileFile } from "../../src/compiler/compile.js";
import { runCpu } from "../../src/runtime/cpu.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { initialState, resolveParams } from "../../src/runtime/session.js";
import { WebGpuExecutor } from "../../src/runtime/webgpu/executor.js";
import { close, describeGpu, requireGpu } from "./gpu.js";

const gc = (globalThis as { gc?: () => void }).gc;

describeGpu("soak", () => {
  it("300 large readbacks with hot allocation and forced GC: alive, and every result right", async () => {
    const { module } = compileFile("examples/grpo_lambda.reward");
    const rows = Array.from({ length: 16_384 }, (_, i) => ({ prompt: `p${(i * 7919) % 1024}`, correct: (i * 2654435761) % 3 === 0, length: 10 + ((i * 40503) % 4000) }));
    const built = batchFromRows(module!, rows);
    if ("errors" in built) throw new Error(JSON.stringify(built.errors));
    const params = resolveParams(module!);
    const expected = runCpu(module!, built.batch, params, initialState(module!));
    const executor = new WebGpuExecutor(requireGpu(), module!);
    let retained: unknown[] = [];
    for (let call = 0; call < 300; call++) {
      // Hot, allocation-heavy JS in the caller between readbacks.
      const junk: { values: Float64Array; label: string }[] = [];
      for (let k = 0; k < 3000; k++) junk.push({ values: new Float64Array(32).fill(k), label: `row-${call}-${k}` });
      retained = junk.slice(0, 10);
      const result = await executor.run(built.batch, params, initialState(module!));
      for (const [name, column] of expected.outputs) {
        const got = result.outputs.get(name)!;
        for (let i = 0; i < column.length; i += 97) if (!close(column[i]!, got[i]!)) expect.fail(`call ${call}: ${name}[${i}] ${got[i]} vs ${column[i]}`);
      }
      expect(result.metrics.get("accuracy")).toBe(expected.metrics.get("accuracy"));
      if (call % 5 === 0) gc?.();
    }
    expect(retained).toHaveLength(10);
    expect(gc, "run vitest with --expose-gc (vitest.config.ts) so the soak forces collections").toBeTypeOf("function");
    executor.destroy();
  });
});
