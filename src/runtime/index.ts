/** The runtime's public surface: batches, loaders, the CPU backend and sessions. */
export { allocColumn, batchFromColumns, BatchBuilder, takeRollouts, type Batch, type Column, type ColumnInput, type GroupKey } from "./batch.js";
export { runCpu, type CpuResult } from "./cpu.js";
export { castScalar } from "../compiler/columnOps.js";
export { describeValue, formatRowErrors, MAX_REPORTED_ERRORS, RuntimeInputError, type RowError } from "./errors.js";
export { batchFromJsonl, parseJsonl, parseJsonlBytes, type JsonlResult } from "./jsonl.js";
export { batchFromRows, type RowsResult } from "./rows.js";
export { initialState, resolveParams, Session, type ScoreResult, type SessionOptions } from "./session.js";
export { releaseGpu } from "./webgpu/device.js";
export { BACKEND_CHOICES, openBackend, type Backend, type BackendChoice, type OpenedBackend } from "./backend.js";
export { ARROW_FILE_MEDIA_TYPE, ARROW_STREAM_MEDIA_TYPE, batchFromArrow, readArrowTable, scoresToArrow, type ArrowBatchOptions, type ArrowBatchResult, type ScoresToArrowExtra } from "./arrow.js";
