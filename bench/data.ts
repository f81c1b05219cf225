/**
 * The benchmark's data: one columnar batch as plain typed arrays, the form every implementation starts from
 * (rewardc builds its `Batch` from it, the hand-written loops read it directly, the Python peers read it from
 * disk). Rollouts of a group are contiguous and groups have equal size.
 */
export type BenchColumn = Float32Array | Int32Array | Uint8Array;

export interface BenchData {
  workload: string;
  size: number;
  groupSize: number;
  /** Group id of each rollout: 0..size/groupSize - 1, contiguous. */
  groupIds: Int32Array;
  /** Spec input name -> values (per rollout, or concatenated along the input's axis). */
  columns: Record<string, BenchColumn>;
  /** Ragged axis name -> offsets (length size + 1). */
  offsets: Record<string, Int32Array>;
  /** Input name -> its axis, for array inputs (written to the peers' manifest). */
  axisOf?: Record<string, string>;
  /** Param values (the spec's defaults; bools as 0/1). */
  params: Record<string, number>;
}

/** Output name -> values, as rewardc returns them: f32 for numbers, u8 for `keep`. */
export type Outputs = Map<string, Float32Array | Uint8Array>;

/** Start of each group in rollouts (length groups + 1), from contiguous group ids. */
export function groupStarts(groupIds: Int32Array): Int32Array {
  const n = groupIds.length;
  const groups = n === 0 ? 0 : groupIds[n - 1]! + 1;
  const starts = new Int32Array(groups + 1);
  for (let i = n - 1; i >= 0; i--) starts[groupIds[i]!] = i;
  starts[groups] = n;
  return starts;
}

/** Bytes of every column and offsets array: the size of the input batch. */
export function dataBytes(data: BenchData): number {
  let bytes = data.groupIds.byteLength;
  for (const c of Object.values(data.columns)) bytes += c.byteLength;
  for (const o of Object.values(data.offsets)) bytes += o.byteLength;
  return bytes;
}

/** What an implementation computes: the spec's outputs, and the metrics it computes too (hand-written loops). */
export interface Scored {
  outputs: Outputs;
  metrics?: Map<string, number>;
}
