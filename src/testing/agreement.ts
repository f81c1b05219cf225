/**
 * When do two float32 backends agree? Both round every operation, but a GPU may round its `exp` or `log`
 * differently in the last place, or simplify `(p + 1) - 1` to `p`: WGSL allows both. On well-conditioned
 * outputs that stays within relative 1e-5 / absolute 1e-6. On ill-conditioned ones (a z-score of a group
 * whose rewards differ in the last bit) a one-ulp difference upstream can move an output by any amount,
 * and neither backend's answer is more right than the other's.
 *
 * So an output agrees when it is within that tolerance, or within the spread the CPU backend itself shows
 * when every float it computes is nudged by up to one ulp (perturbation analysis, `runCpu(..., { perturb })`),
 * with a margin of 4x. A real disagreement (a wrong kernel, a missing guard) is of order one and far outside.
 */
import type { IrModule } from "../compiler/ir.js";
import type { Batch, Column } from "../runtime/batch.js";
import { runCpu } from "../runtime/cpu.js";

export const BACKEND_TOLERANCE = { rel: 1e-5, abs: 1e-6 };
const PERTURBATION_SEEDS = [1, 2, 3];
const SPREAD_MARGIN = 4;

export interface BackendResults {
  outputs: Map<string, Column>;
  metrics: Map<string, number>;
}

export interface Disagreement {
  what: string;
  cpu: number;
  gpu: number;
  /** How far the perturbed CPU runs moved this value. */
  spread: number;
}

function within(x: number, y: number, slack: number): boolean {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y || slack === Infinity;
  return Math.abs(x - y) <= BACKEND_TOLERANCE.abs + BACKEND_TOLERANCE.rel * Math.max(Math.abs(x), Math.abs(y)) + slack;
}

/** Outputs and metrics of `gpu` that disagree with `cpu` (both scored from `batch`), beyond what rounding explains. */
export function backendDisagreements(module: IrModule, batch: Batch, params: Record<string, number>, state: Record<string, number>, cpu: BackendResults, gpu: BackendResults): Disagreement[] {
  const found: Disagreement[] = [];
  let spreads: BackendResults[] | null = null;
  const spreadOf = (read: (r: BackendResults) => number, x: number): number => {
    spreads ??= PERTURBATION_SEEDS.map((seed) => runCpu(module, batch, params, state, { perturb: seed }));
    let spread = 0;
    for (const r of spreads) {
      const v = read(r);
      if (Number.isNaN(v) !== Number.isNaN(x) || (!Number.isFinite(v) && v !== x)) return Infinity;
      if (Number.isFinite(v)) spread = Math.max(spread, Math.abs(v - x));
    }
    return spread;
  };
  for (const [name, column] of cpu.outputs) {
    const other = gpu.outputs.get(name)!;
    for (let i = 0; i < column.length; i++) {
      const x = column[i]!;
      const y = other[i]!;
      if (within(x, y, 0)) continue;
      const spread = spreadOf((r) => r.outputs.get(name)![i]!, x);
      if (!within(x, y, SPREAD_MARGIN * spread)) found.push({ what: `${name}[${i}]`, cpu: x, gpu: y, spread });
    }
  }
  for (const [name, x] of cpu.metrics) {
    const y = gpu.metrics.get(name)!;
    if (within(x, y, 0)) continue;
    const spread = spreadOf((r) => r.metrics.get(name)!, x);
    if (!within(x, y, SPREAD_MARGIN * spread)) found.push({ what: `metric ${name}`, cpu: x, gpu: y, spread });
  }
  return found;
}
