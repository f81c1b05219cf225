/**
 * fast-check arbitraries for batches of a compiled spec, derived from its input declarations: types,
 * declared ranges (edges weighted in), ragged axes (empty arrays included), fixed-width vectors, and
 * group sizes from 1 to 64 with singletons and all-equal groups; rollouts of a group are shuffled
 * through the batch so groups are not adjacent.
 */
import fc from "fast-check";
import type { InputDecl, IrModule } from "../src/compiler/ir.js";

export interface BatchShape {
  maxGroups?: number;
  maxGroupSize?: number;
  maxLength?: number;
}

function scalar(input: InputDecl): fc.Arbitrary<number | boolean> {
  if (input.type === "bool") return fc.boolean();
  const [lo, hi] = input.range ?? (input.type === "i32" ? [-1000, 1000] : [-100, 100]);
  if (input.type === "i32") return fc.oneof({ weight: 1, arbitrary: fc.constantFrom(lo, hi) }, { weight: 6, arbitrary: fc.integer({ min: lo, max: hi }) });
  const inner = fc.float({ min: Math.fround(lo), max: Math.fround(hi), noNaN: true, noDefaultInfinity: true }).filter((x) => x >= lo && x <= hi);
  return fc.oneof({ weight: 1, arbitrary: fc.constantFrom(lo, hi, Math.fround((lo + hi) / 2)) }, { weight: 6, arbitrary: inner });
}

/** One rollout's fields (without the group key), with array lengths per ragged axis. */
function rollout(module: IrModule, maxLength: number): fc.Arbitrary<Record<string, unknown>> {
  const axes = module.axes.filter((a) => a.kind === "ragged").map((a) => a.name);
  return fc.tuple(...axes.map(() => fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 0, max: maxLength }) }))).chain((lengths) => {
    const lengthOf = new Map(axes.map((a, i) => [a, lengths[i]!]));
    const fields = module.inputs.map((input) => {
      if (input.axis === null) return scalar(input);
      const axis = module.axes.find((a) => a.name === input.axis)!;
      const n = axis.kind === "fixed" ? axis.width! : lengthOf.get(axis.name)!;
      return fc.array(scalar(input), { minLength: n, maxLength: n });
    });
    return fc.tuple(...fields).map((values) => Object.fromEntries(module.inputs.map((input, i) => [input.name, values[i]])));
  });
}

export function arbitraryRows(module: IrModule, shape: BatchShape = {}): fc.Arbitrary<Record<string, unknown>[]> {
  const maxGroupSize = shape.maxGroupSize ?? 64;
  const size = fc.oneof({ weight: 2, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: fc.integer({ min: 2, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: maxGroupSize }) });
  const group = fc.record({ size, allEqual: fc.boolean(), seed: rollout(module, shape.maxLength ?? 12) }).chain(({ size: n, allEqual, seed }) =>
    allEqual ? fc.constant(new Array(n).fill(seed) as Record<string, unknown>[]) : fc.array(rollout(module, shape.maxLength ?? 12), { minLength: n, maxLength: n }),
  );
  return fc
    .tuple(fc.array(group, { minLength: 1, maxLength: shape.maxGroups ?? 6 }), fc.infiniteStream(fc.nat()))
    .map(([groups, noise]) => {
      const rows = groups.flatMap((members, g) => members.map((m) => ({ ...(module.groupKey ? { [module.groupKey]: `p${g}` } : {}), ...m })));
      // Deterministic shuffle from the stream, so rollouts of a group are scattered through the batch.
      const it = noise[Symbol.iterator]();
      for (let i = rows.length - 1; i > 0; i--) {
        const j = it.next().value! % (i + 1);
        [rows[i], rows[j]] = [rows[j]!, rows[i]!];
      }
      return rows;
    });
}
