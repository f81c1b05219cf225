/** The catalog §6 vector batches, shared by the CPU and WebGPU vector tests. */
import type { IrModule } from "../../src/compiler/ir.js";
import { compileOk, groupedRows } from "../support.js";

/** catalog.md §6: three groups of 4 rewards, lengths [10, 20, 30, 40] each. */
export const rewards = [
  [1, 0, 0, 1],
  [0, 0, 0, 0],
  [0.5, 1, 0, 0],
];
const lengths = [10, 20, 30, 40];

/** The spec and rows of one vector: a group per list of rewards, lengths [10, 20, 30, 40] when asked. */
export function vectorBatch(call: string, groups: number[][] = rewards, extraInputs = ""): { module: IrModule; rows: Record<string, unknown>[] } {
  const module = compileOk(`reward v\ngroup by prompt\ninput r : float\n${extraInputs}\nreward = r\nadvantage = ${call}\n`);
  const rows = groupedRows(groups, (_g, i) => (extraInputs ? { length: lengths[i % lengths.length] } : {}));
  return { module, rows };
}
