/**
 * Agreement of an implementation's outputs with rewardc's CPU backend, checked before anything is timed: a fast
 * wrong answer cannot win. Values agree when |a - b| <= abs + rel * max(|a|, |b|); NaN agrees only with NaN.
 */
import type { Outputs } from "./data.js";

export interface Tolerance {
  rel: number;
  abs: number;
}

/** Float64 peers against rewardc's float32 outputs. */
export const PEER_TOLERANCE: Tolerance = { rel: 1e-4, abs: 1e-5 };
/** The hand-written loops (float64 accumulation, float32 storage): the tolerance reported; agreement is judged as for WebGPU (measure.ts). */
export const HANDWRITTEN_TOLERANCE: Tolerance = { rel: 1e-5, abs: 2e-6 };

export interface Agreement {
  ok: boolean;
  maxAbs: number;
  maxRel: number;
  /** The first problem, e.g. "advantage[17]: 0.25 vs 0.2512" or "no output `keep`". */
  problem?: string;
  mismatches: number;
}

export function compareOutputs(reference: Outputs, other: Outputs, tolerance: Tolerance, names: Iterable<string> = reference.keys()): Agreement {
  let maxAbs = 0;
  let maxRel = 0;
  let mismatches = 0;
  let problem: string | undefined;
  for (const name of names) {
    const want = reference.get(name)!;
    const got = other.get(name);
    if (!got) return { ok: false, maxAbs, maxRel, mismatches: mismatches + 1, problem: `no output \`${name}\`` };
    if (got.length !== want.length) return { ok: false, maxAbs, maxRel, mismatches: mismatches + 1, problem: `\`${name}\` has ${got.length} values, expected ${want.length}` };
    for (let i = 0; i < want.length; i++) {
      const a = want[i]!;
      const b = got[i]!;
      if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
      const d = Math.abs(a - b);
      const scale = Math.max(Math.abs(a), Math.abs(b));
      if (!(d <= tolerance.abs + tolerance.rel * scale)) {
        mismatches++;
        problem ??= `${name}[${i}]: rewardc ${a} vs ${b}`;
      }
      if (d > maxAbs) maxAbs = d;
      if (scale > 0 && d / scale > maxRel && d > tolerance.abs) maxRel = d / scale;
    }
  }
  return { ok: mismatches === 0 && !Number.isNaN(maxAbs), maxAbs, maxRel, mismatches, ...(problem ? { problem } : {}) };
}

/** Metrics the other implementation computed, against rewardc's. */
export function compareMetrics(reference: Map<string, number>, other: Map<string, number>, tolerance: Tolerance): string | null {
  for (const [name, value] of other) {
    const want = reference.get(name);
    if (want === undefined) return `rewardc has no metric \`${name}\``;
    if (!(Math.abs(want - value) <= tolerance.abs + tolerance.rel * Math.max(Math.abs(want), Math.abs(value)))) return `metric ${name}: rewardc ${want} vs ${value}`;
  }
  return null;
}
