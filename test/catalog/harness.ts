/**
 * Harness for catalog coverage tests: an example spec is held to an independent reference implementation
 * of the catalog formula (plain TypeScript over arrays, sharing no code with the compiler) on random
 * batches, on every backend present (CPU always; WebGPU when an adapter exists).
 *
 * A reference receives the rows exactly as the spec reads them (one object per rollout, in input order,
 * the group key included) and returns the expected outputs by name: a number per rollout, or an array per
 * rollout for per-element outputs, and metrics by name.
 */
import fc from "fast-check";
import { afterAll, expect } from "vitest";
import { compileFile } from "../../src/compiler/compile.js";
import type { IrModule } from "../../src/compiler/ir.js";
import type { Column } from "../../src/runtime/batch.js";
import { runCpu } from "../../src/runtime/cpu.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { initialState, resolveParams } from "../../src/runtime/session.js";
import { getGpu, releaseGpu } from "../../src/runtime/webgpu/device.js";
import { WebGpuExecutor } from "../../src/runtime/webgpu/executor.js";
import { renderDiagnostics } from "../../src/diagnostics/render.js";

export type Row = Record<string, unknown>;

export interface Expected {
  /** Per rollout: a number, or an array for a per-element output. Omitted outputs are not checked. */
  outputs?: Record<string, (number | boolean | number[])[]>;
  metrics?: Record<string, number>;
}

export interface MechanismCheck {
  /** Path of the example, e.g. "examples/dapo_overlong.reward". */
  spec: string;
  /** Rows generator (see test/batches.ts `arbitraryRows` for one derived from the inputs). */
  rows: fc.Arbitrary<Row[]>;
  /** The catalog formula, written from the catalog, in plain TypeScript. */
  reference: (rows: Row[], params: Record<string, number>) => Expected;
  /** Param overrides for this check. */
  params?: Record<string, number | boolean>;
  /** Absolute tolerance (default 1e-4: float32 vs a float64 reference). Relative 1e-4 is added. */
  tolerance?: number;
  numRuns?: number;
}

const gpuPromise = getGpu();
afterAll(releaseGpu);

export function loadExample(path: string): IrModule {
  const result = compileFile(path);
  if (!result.module) throw new Error(`${path} does not compile:\n${renderDiagnostics(result.diagnostics, result.sources)}`);
  return result.module;
}

function within(actual: number, expected: number, tolerance: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= tolerance + 1e-4 * Math.abs(expected);
}

function compare(backend: string, module: IrModule, offsets: Map<string, Int32Array>, outputs: Map<string, Column>, metrics: Map<string, number>, expected: Expected, tolerance: number): void {
  for (const [name, values] of Object.entries(expected.outputs ?? {})) {
    const column = outputs.get(name);
    if (!column) expect.fail(`${backend}: the spec has no output \`${name}\``);
    const node = module.nodes[module.outputs.find((o) => o.name === name)!.node]!;
    values.forEach((want, i) => {
      if (Array.isArray(want)) {
        if (node.level.kind !== "element") expect.fail(`${backend}: \`${name}\` is per rollout, the reference gives an array`);
        const off = offsets.get(node.level.axis)!;
        const got = Array.from(column.subarray(off[i]!, off[i + 1]!));
        expect(got.length, `${backend} ${name}[${i}] length`).toBe(want.length);
        want.forEach((w, k) => {
          if (!within(got[k]!, w, tolerance)) expect.fail(`${backend}: ${name}[${i}][${k}] = ${got[k]}, reference ${w}`);
        });
      } else {
        const w = typeof want === "boolean" ? (want ? 1 : 0) : want;
        if (!within(column[i]!, w, tolerance)) expect.fail(`${backend}: ${name}[${i}] = ${column[i]}, reference ${w}`);
      }
    });
  }
  for (const [name, want] of Object.entries(expected.metrics ?? {})) {
    const got = metrics.get(name);
    if (got === undefined) expect.fail(`${backend}: the spec has no metric \`${name}\``);
    if (!within(got, want, tolerance)) expect.fail(`${backend}: metric ${name} = ${got}, reference ${want}`);
  }
}

/** Checks the example against its reference on random batches, on the CPU and (when present) WebGPU. */
export async function checkMechanism(check: MechanismCheck): Promise<void> {
  const module = loadExample(check.spec);
  const gpu = await gpuPromise;
  const executor = gpu ? new WebGpuExecutor(gpu, module) : null;
  const params = resolveParams(module, check.params ?? {});
  await fc.assert(
    fc.asyncProperty(check.rows, async (rows) => {
      const built = batchFromRows(module, rows);
      if ("errors" in built) throw new Error(`generated rows are invalid: ${JSON.stringify(built.errors.slice(0, 3))}`);
      const expected = check.reference(rows, params);
      const tolerance = check.tolerance ?? 1e-4;
      const cpu = runCpu(module, built.batch, params, initialState(module));
      compare("cpu", module, built.batch.axes, cpu.outputs, cpu.metrics, expected, tolerance);
      if (executor) {
        const g = await executor.run(built.batch, params, initialState(module));
        compare("webgpu", module, built.batch.axes, g.outputs, g.metrics, expected, tolerance);
      }
    }),
    { numRuns: check.numRuns ?? 60 },
  );
  executor?.destroy();
}

/** Scores fixed rows on every backend and returns the outputs (for catalog vectors). */
export async function scoreEverywhere(spec: string, rows: Row[], params: Record<string, number | boolean> = {}): Promise<{ backend: string; outputs: Record<string, number[]>; metrics: Record<string, number> }[]> {
  const module = loadExample(spec);
  const built = batchFromRows(module, rows);
  if ("errors" in built) throw new Error(JSON.stringify(built.errors));
  const resolved = resolveParams(module, params);
  const results = [];
  const cpu = runCpu(module, built.batch, resolved, initialState(module));
  results.push({ backend: "cpu", outputs: Object.fromEntries([...cpu.outputs].map(([k, v]) => [k, Array.from(v)])), metrics: Object.fromEntries(cpu.metrics) });
  const gpu = await gpuPromise;
  if (gpu) {
    const executor = new WebGpuExecutor(gpu, module);
    const g = await executor.run(built.batch, resolved, initialState(module));
    results.push({ backend: "webgpu", outputs: Object.fromEntries([...g.outputs].map(([k, v]) => [k, Array.from(v)])), metrics: Object.fromEntries(g.metrics) });
    executor.destroy();
  }
  return results;
}

/** Groups rows by their group key, in order of first appearance, keeping input indices. */
export function groupsOf(rows: Row[], key = "prompt"): number[][] {
  const groups = new Map<unknown, number[]>();
  rows.forEach((row, i) => {
    const k = row[key];
    const list = groups.get(k);
    if (list) list.push(i);
    else groups.set(k, [i]);
  });
  return [...groups.values()];
}
