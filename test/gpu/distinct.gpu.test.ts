/**
 * `distinct_ngrams` on WebGPU against the CPU backend (exact: counts are ints): random batches of small
 * alphabets (many repeats), every window length up to past the array, long arrays on both sides of the
 * workgroup table's capacity (past it, a rollout's table lives in the scratch arena), and batches bound
 * window by window (a small binding limit), so the scratch arena's windows line up with the rollouts'.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import type { IrModule } from "../../src/compiler/ir.js";
import { DISTINCT_TABLE } from "../../src/compiler/wgsl/emitWgsl.js";
import { runCpu } from "../../src/runtime/cpu.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { initialState, resolveParams } from "../../src/runtime/session.js";
import { WebGpuExecutor } from "../../src/runtime/webgpu/executor.js";
import { arbitraryRows } from "../batches.js";
import { compileOk } from "../support.js";
import { describeGpu, requireGpu } from "./gpu.js";

const SPEC = `reward d
group by prompt
input ids : int[tokens] in 0..2
input flags : bool[marks]
param n : int = 3 in 1..64
let penalty = if len(ids) < n then 0.0 else (1.0 - float(distinct_ngrams(ids, n)) / float(len(ids) - n + 1)) * -1.0
reward = float(distinct_ngrams(ids * 3 + int(first(flags)), n))
advantage = penalty + float(count_distinct(flags)) + float(distinct_ngrams(flags, 2))
`;

async function agree(executor: WebGpuExecutor, module: IrModule, rows: Record<string, unknown>[], n: number): Promise<void> {
  const built = batchFromRows(module, rows);
  if ("errors" in built) throw new Error(JSON.stringify(built.errors));
  const params = resolveParams(module, { n });
  const state = initialState(module);
  const cpu = runCpu(module, built.batch, params, state);
  const gpu = await executor.run(built.batch, params, state);
  for (const [name, column] of cpu.outputs) expect(Array.from(gpu.outputs.get(name)!), `${name} with n = ${n}`).toEqual(Array.from(column));
}

describeGpu("distinct_ngrams: WebGPU equals the CPU backend", () => {
  it("on random batches, for window lengths 1 to 13", async () => {
    const module = compileOk(SPEC);
    const executor = new WebGpuExecutor(requireGpu(), module);
    await fc.assert(
      fc.asyncProperty(arbitraryRows(module), fc.integer({ min: 1, max: 13 }), (rows, n) => agree(executor, module, rows, n)),
      { numRuns: 40 },
    );
    executor.destroy();
  });

  it.each([
    ["in one binding", undefined],
    ["bound window by window", 64 * 1024],
  ] as const)("on long arrays, below, at and above the workgroup table's capacity, %s", async (_how, maxBindingBytes) => {
    const module = compileOk(SPEC);
    const executor = new WebGpuExecutor(requireGpu(), module, maxBindingBytes === undefined ? {} : { maxBindingBytes });
    const capacity = DISTINCT_TABLE / 2;
    let seed = 7;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 16;
    };
    for (const n of [1, 3, 9]) {
      const lengths = [capacity + n - 2, capacity + n - 1, capacity + n, capacity + 300, 1000];
      const rows = lengths.map((length, i) => ({
        prompt: i % 2,
        ids: Array.from({ length }, (_, k) => (i === 4 ? k % 3 : random() % 3)),
        flags: Array.from({ length: 40 }, () => random() % 2 === 0),
      }));
      await agree(executor, module, rows, n);
    }
    executor.destroy();
  });
});
