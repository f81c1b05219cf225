/**
 * Apache Arrow IPC in and out (the columnar twin of JSONL). Work in progress: signatures first.
 */
import type { Table } from "apache-arrow";
import type { IrModule } from "../compiler/ir.js";
import type { Batch, Column } from "./batch.js";
import { RuntimeInputError, type RowError } from "./errors.js";

export type ArrowBatchResult = { batch: Batch } | { errors: RowError[] };

export interface ArrowBatchOptions {
  /** Index of the table's first row in the whole input, for messages (default 0): row r is `line` firstRow + r + 1. */
  firstRow?: number;
}

export interface ScoresToArrowExtra {
  /** More schema metadata (e.g. `rewardc.step`, `rewardc.state`); `rewardc.metrics` is always written. */
  metadata?: Record<string, string>;
  /** Columns written before the outputs (the input table, for `rewardc run`); a column named like an output is replaced by it. */
  passthrough?: Table;
}

/** Arrow IPC bytes (stream or file format) -> a table. Throws `RuntimeInputError` when the bytes are not Arrow IPC. */
export function readArrowTable(bytes: Uint8Array): Table {
  void bytes;
  throw new RuntimeInputError("Arrow input is not implemented yet");
}

/**
 * An Arrow table (or its IPC bytes) -> a batch. Problems of the table as a whole (not Arrow IPC, a missing
 * column, a column of a type that cannot hold the input) throw `RuntimeInputError`, every one listed; problems
 * of values (nulls, out of range, ragged lengths) are `RowError`s with `line` = row + 1, as JSONL's.
 */
export function batchFromArrow(module: IrModule, source: Uint8Array | Table, options: ArrowBatchOptions = {}): ArrowBatchResult {
  void module;
  void source;
  void options;
  throw new RuntimeInputError("Arrow input is not implemented yet");
}

/**
 * Scores as an Arrow IPC stream: one column per output in `module.outputs` order (float -> Float32, int ->
 * Int32, bool -> Bool; a per-element output such as per-token advantage -> List<Float32>), one row per rollout
 * in input order; metrics as JSON in the schema metadata `rewardc.metrics` (NaN and infinities as the strings
 * "NaN", "Infinity", "-Infinity").
 */
export function scoresToArrow(
  module: IrModule,
  batch: Batch,
  result: { outputs: Map<string, Column>; metrics: Map<string, number> },
  extra: ScoresToArrowExtra = {},
): Uint8Array {
  void module;
  void batch;
  void result;
  void extra;
  throw new RuntimeInputError("Arrow output is not implemented yet");
}

/** The IPC media types: `application/vnd.apache.arrow.stream` and `application/vnd.apache.arrow.file`. */
export const ARROW_STREAM_MEDIA_TYPE = "application/vnd.apache.arrow.stream";
export const ARROW_FILE_MEDIA_TYPE = "application/vnd.apache.arrow.file";
