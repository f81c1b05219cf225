/**
 * Evaluating properties on one batch: the declared laws of a spec (`expect`, `pair`, `transform`) and the
 * built-in ones every spec gets. Each law returns null when it holds, or a `Violation` saying where it fails.
 *
 * Everything is computed by the CPU backend: a declared `expect` is a root of the spec's module (`checks`), and
 * the laws of pair and transform properties are small modules of their own, run on the values the spec's run
 * computed (see `LawInput`), so every law has the float32 semantics of the language.
 */
import type { CheckDecl, IrModule, Level, PropertyDecl } from "../compiler/ir.js";
import { BatchBuilder, takeRollouts, type Batch, type Column } from "../runtime/batch.js";
import { runCpu, type CpuResult } from "../runtime/cpu.js";
import { batchFromRows } from "../runtime/rows.js";
import { initialState, resolveParams } from "../runtime/session.js";
import type { Row } from "./arbitraries.js";

export interface Violation {
  /** One line: what does not hold, and where. */
  message: string;
  /** Rows (indices into the batch) the violation is about, marked in the counterexample table. */
  rows: number[];
}

/** A law result: holds (null), fails (a violation) or does not apply to this batch (`discard`: a `given` is false). */
export type Outcome = Violation | null | "discard";

export interface Scoring {
  module: IrModule;
  params: Record<string, number>;
  state: Record<string, number>;
}

export function scoring(module: IrModule, params: Record<string, number | boolean> = {}): Scoring {
  return { module, params: resolveParams(module, params), state: initialState(module) };
}

/** Rows -> batch; generated rows are always valid, so a failure here is a bug of the generator. */
export function batchOf(module: IrModule, rows: readonly Row[]): Batch {
  const built = batchFromRows(module, rows);
  if ("errors" in built) throw new Error(`generated rows are invalid: ${built.errors.map((e) => e.message).join("; ")}`);
  return built.batch;
}

export function run(s: Scoring, batch: Batch): CpuResult {
  return runCpu(s.module, batch, s.params, s.state);
}

// ---------------------------------------------------------------- values at a level

/** The value of a node (at `level`) for rollout `r`: a number, or the rollout's elements. */
export function valueAt(batch: Batch, column: Column, level: Level, r: number): number | number[] {
  switch (level.kind) {
    case "const":
    case "param":
    case "batch":
      return column[0]!;
    case "group":
      return column[batch.groupIds[r]!]!;
    case "rollout":
      return column[r]!;
    case "element": {
      const offsets = batch.axes.get(level.axis)!;
      return Array.from(column.subarray(offsets[r]!, offsets[r + 1]!));
    }
  }
}

/** Where item `i` of a value at `level` lives: its rows and a phrase for messages. */
function itemAt(batch: Batch, level: Level, i: number): { rows: number[]; where: string } {
  switch (level.kind) {
    case "const":
    case "param":
    case "batch":
      return { rows: [], where: "for the batch" };
    case "group": {
      const rows = [...batch.groupIds.keys()].filter((r) => batch.groupIds[r] === i);
      return { rows, where: `for group ${JSON.stringify(batch.groupKeys[i] ?? i)}` };
    }
    case "rollout":
      return { rows: [i], where: `at row ${i + 1}` };
    case "element": {
      const offsets = batch.axes.get(level.axis)!;
      let r = 0;
      while (offsets[r + 1]! <= i) r++;
      return { rows: [r], where: `at row ${r + 1}, element ${i - offsets[r]!} of \`${level.axis}\`` };
    }
  }
}

/** The first item at which a bool column is false, or -1. */
function firstFalse(column: Column): number {
  for (let i = 0; i < column.length; i++) if (column[i] === 0) return i;
  return -1;
}

// ---------------------------------------------------------------- declared laws

export function checksOf(module: IrModule, property: string): CheckDecl[] {
  return (module.checks ?? []).filter((c) => c.property === property);
}

/** A declared property on one batch (`pair` the marked rollouts of a pair batch). */
export function evaluateProperty(s: Scoring, property: PropertyDecl, batch: Batch, pair: [number, number] | null, source: string): Outcome {
  const result = run(s, batch);
  if (property.kind === "expect") {
    const check = checksOf(s.module, property.name).find((c) => c.role === "expect")!;
    const level = s.module.nodes[check.node]!.level;
    const column = result.values[check.node]!;
    const i = firstFalse(column);
    if (i < 0) return null;
    const { rows, where } = itemAt(batch, level, i);
    return { message: `\`${source}\` is false ${where}`, rows };
  }
  const law = property.law!;
  const checks = s.module.checks ?? [];
  if (property.kind === "pair") {
    const [a, b] = pair!;
    const builder = new BatchBuilder(law.module, 1);
    builder.add(null, law.inputs.map((input) => {
      const probe = checks[input.probe]!;
      return valueAt(batch, result.values[probe.node]!, s.module.nodes[probe.node]!.level, input.side === "b" ? b : a);
    }));
    const lawResult = runCpu(law.module, builder.finish(), {}, {});
    const given = law.module.checks!.find((c) => c.name === "given");
    if (given && lawResult.values[given.node]![0] === 0) return "discard";
    const expect = law.module.checks!.find((c) => c.name === "expect")!;
    if (lawResult.values[expect.node]![0] !== 0) return null;
    return { message: `\`${source}\` is false for ${property.pair!.a} = row ${a + 1}, ${property.pair!.b} = row ${b + 1}`, rows: [a, b] };
  }
  // transform: score the batch again with the inputs rewritten, then evaluate the law on both runs.
  const transformed = transformBatch(s, property, batch, result);
  const second = run(s, transformed);
  const runs = [result, second];
  const builder = new BatchBuilder(law.module, batch.size);
  for (let r = 0; r < batch.size; r++) {
    builder.add(batch.groupKeys[batch.groupIds[r]!] ?? null, law.inputs.map((input) => {
      const probe = checks[input.probe]!;
      return valueAt(batch, runs[input.run]!.values[probe.node]!, s.module.nodes[probe.node]!.level, r);
    }));
  }
  const lawBatch = builder.finish();
  const lawResult = runCpu(law.module, lawBatch, {}, {});
  const expect = law.module.checks!.find((c) => c.name === "expect")!;
  const i = firstFalse(lawResult.values[expect.node]!);
  if (i < 0) return null;
  const { rows, where } = itemAt(lawBatch, law.module.nodes[expect.node]!.level, i);
  return { message: `\`${source}\` is false ${where}`, rows };
}

/**
 * The batch with every input a `transform` of `property` names replaced by its new value. Strings cannot be
 * transformed (the checker says so): they are kept, and the derived inputs computed from them again.
 */
export function transformBatch(s: Scoring, property: PropertyDecl, batch: Batch, result: CpuResult): Batch {
  const transforms = checksOf(s.module, property.name).filter((c) => c.role === "transform");
  const builder = new BatchBuilder(s.module, batch.size);
  const texts = (s.module.texts ?? []).map((t) => batch.texts?.get(t.name) ?? []);
  for (let r = 0; r < batch.size; r++) {
    builder.add(
      batch.groupKeys[batch.groupIds[r]!] ?? null,
      s.module.inputs.map((input) => {
        if (input.feature !== undefined) return 0;
        const t = transforms.find((c) => c.name === input.name);
        if (t) return valueAt(batch, result.values[t.node]!, s.module.nodes[t.node]!.level, r);
        const level: Level = input.axis === null ? { kind: "rollout" } : { kind: "element", axis: input.axis };
        return valueAt(batch, batch.columns.get(input.name)!, level, r);
      }),
      texts.map((strings) => strings[r]!),
    );
  }
  return builder.finish();
}

// ---------------------------------------------------------------- built-in laws

/**
 * Tolerance of the permutation laws. Reordering the members of a group (or the groups of a batch) reorders the
 * terms of group and batch sums, which use a fixed pairwise tree: each reordering changes a sum of n float32
 * terms by at most about log2(n) * 2^-24 * sum |x_i|, and means and variances likewise. Outputs built from those
 * (a z-score divides by a std that can be small) inherit a larger relative error; 1e-4 relative plus 1e-5
 * absolute covers groups and batches of up to a few hundred rollouts with a std down to about 1e-3 of the
 * values, while a real dependence on order (a reward of the first member, a rank that ignores ties) shows up as
 * a difference of order one.
 */
export const PERMUTATION_TOLERANCE = { rel: 1e-4, abs: 1e-5 };

export function close(x: number, y: number, tol: { rel: number; abs: number }): boolean {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  return Math.abs(x - y) <= tol.abs + tol.rel * Math.max(Math.abs(x), Math.abs(y));
}

const sameBits = (x: number, y: number): boolean => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));

/** The level of an output's column as backends return it: per element for an element-level output, else per rollout. */
export function outputLevel(module: IrModule, name: string): Level {
  const level = module.nodes[module.outputs.find((o) => o.name === name)!.node]!.level;
  return level.kind === "element" ? level : { kind: "rollout" };
}

/** Output values of rollout r, one per output (element-level outputs as their elements). */
function outputsOf(s: Scoring, batch: Batch, outputs: Map<string, Column>, r: number): [string, number[]][] {
  return s.module.outputs.map((o) => {
    const v = valueAt(batch, outputs.get(o.name)!, outputLevel(s.module, o.name), r);
    return [o.name, typeof v === "number" ? [v] : v];
  });
}

/** Compares the outputs of rollout r of run x with those of rollout perm[r] of run y. */
type Same = (p: number, q: number, at?: { r: number; output: number; j: number }) => boolean;

function compareOutputs(s: Scoring, bx: Batch, x: Map<string, Column>, by: Batch, y: Map<string, Column>, perm: (r: number) => number, same: Same, what: [string, string]): Violation | null {
  for (let r = 0; r < bx.size; r++) {
    const ox = outputsOf(s, bx, x, r);
    const oy = outputsOf(s, by, y, perm(r));
    for (let k = 0; k < ox.length; k++) {
      const [name, xs] = ox[k]!;
      const ys = oy[k]![1];
      for (let j = 0; j < xs.length; j++) {
        if (!same(xs[j]!, ys[j]!, { r, output: k, j })) {
          const element = xs.length > 1 || s.module.nodes[s.module.outputs[k]!.node]!.level.kind === "element" ? `[${j}]` : "";
          return { message: `\`${name}${element}\` of row ${r + 1} is ${xs[j]} ${what[0]}, but ${ys[j]} ${what[1]}`, rows: [r] };
        }
      }
    }
  }
  return null;
}

function compareMetrics(x: Map<string, number>, y: Map<string, number>, same: (p: number, q: number, at?: undefined, metric?: string) => boolean, what: [string, string]): Violation | null {
  for (const [name, v] of x) {
    const w = y.get(name)!;
    if (!same(v, w, undefined, name)) return { message: `metric \`${name}\` is ${v} ${what[0]}, but ${w} ${what[1]}`, rows: [] };
  }
  return null;
}

const DETERMINISM: [string, string] = ["in one run", "in another"];
const REORDERED: [string, string] = ["in input order", "with the rollouts reordered"];

/** Scoring the same batch twice gives the same bits. */
export function determinism(s: Scoring, batch: Batch): Violation | null {
  const x = run(s, batch);
  const y = run(s, batch);
  return compareOutputs(s, batch, x.outputs, batch, y.outputs, (r) => r, sameBits, DETERMINISM) ?? compareMetrics(x.metrics, y.metrics, sameBits, DETERMINISM);
}

/** Every float output is finite for inputs within their declared ranges. */
export function finiteOutputs(s: Scoring, batch: Batch): Violation | null {
  const { outputs } = run(s, batch);
  for (const o of s.module.outputs) {
    if (o.name === "keep") continue;
    const level = outputLevel(s.module, o.name);
    const column = outputs.get(o.name)!;
    for (let i = 0; i < column.length; i++) {
      if (!Number.isFinite(column[i]!)) {
        const { rows, where } = itemAt(batch, level, i);
        return { message: `\`${o.name}\` is ${column[i]} ${where}`, rows };
      }
    }
  }
  return null;
}

/** Reordering rollouts (within and across groups) moves each rollout's outputs with it. */
export function permutationInvariance(s: Scoring, batch: Batch, order: number[]): Violation | null {
  const permuted = takeRollouts(s.module, batch, order);
  const x = run(s, batch);
  const y = run(s, permuted);
  const position = new Map(order.map((r, i) => [r, i]));
  const explained = roundingSpread(s, batch, x);
  const same = (p: number, q: number, at?: { r: number; output: number; j: number }, metric?: string): boolean =>
    close(p, q, PERMUTATION_TOLERANCE) || Math.abs(p - q) <= SPREAD_MARGIN * explained(at, metric);
  return compareOutputs(s, batch, x.outputs, permuted, y.outputs, (r) => position.get(r)!, same, REORDERED) ?? compareMetrics(x.metrics, y.metrics, same, REORDERED);
}

const SPREAD_MARGIN = 4;

/**
 * How far one-ulp perturbations of every float the CPU computes move an output (see src/testing/agreement.ts):
 * reordering a group changes rounding, so an ill-conditioned output (a z-score of values equal but for
 * rounding) may move that far without the spec depending on order.
 */
function roundingSpread(s: Scoring, batch: Batch, base: CpuResult): (at?: { r: number; output: number; j: number }, metric?: string) => number {
  let runs: CpuResult[] | null = null;
  return (at, metric) => {
    runs ??= [1, 2, 3].map((seed) => runCpu(s.module, batch, s.params, s.state, { perturb: seed }));
    let spread = 0;
    for (const other of runs) {
      let a: number;
      let b: number;
      if (metric !== undefined) {
        a = base.metrics.get(metric)!;
        b = other.metrics.get(metric)!;
      } else if (at) {
        const name = s.module.outputs[at.output]!.name;
        const level = outputLevel(s.module, name);
        const pick = (c: Column): number => {
          const v = valueAt(batch, c, level, at.r);
          return typeof v === "number" ? v : v[at.j]!;
        };
        a = pick(base.outputs.get(name)!);
        b = pick(other.outputs.get(name)!);
      } else return 0;
      if (Number.isNaN(a) !== Number.isNaN(b) || (!Number.isFinite(b) && a !== b)) return Infinity;
      if (Number.isFinite(a) && Number.isFinite(b)) spread = Math.max(spread, Math.abs(a - b));
    }
    return spread;
  };
}

/** The order in which groups first appear, with members kept in order: `order` is a permutation of group indices. */
export function groupOrder(batch: Batch, groups: number[]): number[] {
  const rank = new Map(groups.map((g, i) => [g, i]));
  return [...Array(batch.size).keys()].sort((p, q) => rank.get(batch.groupIds[p]!)! - rank.get(batch.groupIds[q]!)! || p - q);
}
