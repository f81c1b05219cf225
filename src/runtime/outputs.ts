/**
 * A scored batch's outputs, one value per rollout, the way every front end shows them: a bool output (keep) as
 * true/false, a per-rollout output as one number, a per-element output (a per-token advantage) as the rollout's
 * own slice of the column, cut at its axis offsets. How a float is written (JSON null, a string for NaN, ...)
 * is the caller's choice.
 */
import type { IrModule } from "../compiler/ir.js";
import { InternalError } from "../diagnostics/diagnostic.js";
import type { Column } from "./batch.js";

export type RolloutValue<F> = boolean | F | F[];

/** Output name -> one value per rollout, in the module's output order and the batch's row order. */
export function outputsPerRollout<F>(
  module: IrModule,
  size: number,
  axes: ReadonlyMap<string, Int32Array>,
  outputs: ReadonlyMap<string, Column>,
  float: (x: number) => F,
): Map<string, RolloutValue<F>[]> {
  const result = new Map<string, RolloutValue<F>[]>();
  for (const output of module.outputs) {
    const node = module.nodes[output.node]!;
    const column = outputs.get(output.name)!;
    const values: RolloutValue<F>[] = new Array(size);
    const offsets = node.level.kind === "element" ? axes.get(node.level.axis) : undefined;
    if (node.level.kind === "element" && !offsets) throw new InternalError(`output \`${output.name}\` is along axis \`${node.level.axis}\`, which the batch has no offsets for`);
    for (let i = 0; i < size; i++) {
      if (node.type === "bool") values[i] = column[i] !== 0;
      else if (offsets) {
        const slice: F[] = [];
        for (let k = offsets[i]!; k < offsets[i + 1]!; k++) slice.push(float(column[k]!));
        values[i] = slice;
      } else values[i] = float(column[i]!);
    }
    result.set(output.name, values);
  }
  return result;
}
