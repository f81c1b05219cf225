/**
 * Batch generators for tests. They live in `src/testing/arbitraries.ts` (users need them too); `arbitraryRows`
 * keeps the shape parameters the runtime tests use.
 */
import type fc from "fast-check";
import type { IrModule } from "../src/compiler/ir.js";
import { arbitraryBatch, type Row } from "../src/testing/arbitraries.js";

export { arbitraryBatch, arbitraryPairBatch, arbitraryRollout, type BatchSettings, type Row } from "../src/testing/arbitraries.js";

export interface BatchShape {
  maxGroups?: number;
  maxGroupSize?: number;
  maxLength?: number;
}

/** Batches of up to `maxGroups` groups (default 6) of up to `maxGroupSize` rollouts (default 64), arrays up to `maxLength` (12). */
export function arbitraryRows(module: IrModule, shape: BatchShape = {}): fc.Arbitrary<Row[]> {
  return arbitraryBatch(module, { groups: [1, shape.maxGroups ?? 6], groupSize: [1, shape.maxGroupSize ?? 64], lengths: { "*": [0, shape.maxLength ?? 12] } });
}
