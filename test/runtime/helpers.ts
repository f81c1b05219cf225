import type { IrModule } from "../../src/compiler/ir.js";
import type { Batch } from "../../src/runtime/batch.js";
import { runCpu } from "../../src/runtime/cpu.js";
import { formatRowErrors } from "../../src/runtime/errors.js";
import { batchFromRows } from "../../src/runtime/rows.js";

export function rowsBatch(module: IrModule, rows: unknown[]): Batch {
  const result = batchFromRows(module, rows);
  if ("errors" in result) throw new Error(formatRowErrors(result.errors));
  return result.batch;
}

/** Runs the module with default params and initial state; returns outputs as plain arrays. */
export function run(module: IrModule, batch: Batch): { out: Record<string, number[]>; metrics: Record<string, number>; next: Record<string, number> } {
  const result = runCpu(module, batch, {}, {});
  const out: Record<string, number[]> = {};
  for (const [k, v] of result.outputs) out[k] = Array.from(v);
  return { out, metrics: Object.fromEntries(result.metrics), next: result.nextState };
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= tol)) throw new Error(`item ${i}: ${a} is not within ${tol} of ${e}\nactual:   ${Array.from(actual).join(", ")}\nexpected: ${Array.from(expected).join(", ")}`);
  }
}
