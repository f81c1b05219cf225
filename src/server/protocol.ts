/**
 * The wire protocol of `rewardc serve` (v1, docs/serve.md) as pure functions: request bodies -> batches,
 * results -> reply bodies, failures -> structured errors. No sockets here; server.ts does the I/O.
 *
 * Error codes and the status each is sent with:
 *   bad_json 400, bad_request 400, bad_rows 400, bad_params 400, bad_state 400, not_found 404,
 *   method_not_allowed 405, too_large 413, unsupported_media_type 415, internal 500
 */
import type { IrModule, Scalar } from "../compiler/ir.js";
import type { Batch } from "../runtime/batch.js";
import { ARROW_FILE_MEDIA_TYPE, ARROW_STREAM_MEDIA_TYPE, batchFromArrow, scoresToArrow } from "../runtime/arrow.js";
import { describeValue, RuntimeInputError, type RowError } from "../runtime/errors.js";
import { batchFromRows } from "../runtime/rows.js";
import type { ScoreResult } from "../runtime/session.js";
import { typeName } from "../runtime/values.js";
import { shortestF32 } from "../util/numbers.js";
import { outputsPerRollout } from "../runtime/outputs.js";

export const PROTOCOL_VERSION = 1;

export const ERROR_STATUS = {
  bad_json: 400,
  bad_request: 400,
  bad_rows: 400,
  bad_params: 400,
  bad_state: 400,
  not_found: 404,
  method_not_allowed: 405,
  too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One problem in one rollout of a request: `row` is the 0-based index in the request. */
export interface RowProblem {
  row: number;
  field: string;
  message: string;
}

/** A request the server refuses, with what to tell the client. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly rows: RowProblem[] | null = null,
  ) {
    super(message);
    this.name = "ProtocolError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** `{"error": {"code", "message", "rows"?}}` */
export function encodeError(error: ProtocolError): string {
  return JSON.stringify({ error: { code: error.code, message: error.message, ...(error.rows ? { rows: error.rows } : {}) } });
}

// ---------------------------------------------------------------------------------------------------------
// Media types

export const JSON_TYPE = "application/json";
export { ARROW_STREAM_MEDIA_TYPE as ARROW_STREAM_TYPE, ARROW_FILE_MEDIA_TYPE as ARROW_FILE_TYPE };
const ARROW_STREAM_TYPE = ARROW_STREAM_MEDIA_TYPE;
const ARROW_FILE_TYPE = ARROW_FILE_MEDIA_TYPE;

export type BodyFormat = "json" | "arrow";

/** `application/json; charset=utf-8` -> `application/json`; undefined when the header is absent or empty. */
export function mediaType(header: string | undefined): string | undefined {
  const type = header?.split(";")[0]!.trim().toLowerCase();
  return type ? type : undefined;
}

/** The format of a score request's body, from its Content-Type. */
export function requestFormat(contentType: string | undefined): BodyFormat {
  const type = mediaType(contentType);
  if (type === JSON_TYPE) return "json";
  if (type === ARROW_STREAM_TYPE || type === ARROW_FILE_TYPE) return "arrow";
  throw new ProtocolError(
    "unsupported_media_type",
    `${type === undefined ? "no Content-Type" : `Content-Type \`${type}\` is not supported`}: send ${JSON_TYPE}, ${ARROW_STREAM_TYPE} or ${ARROW_FILE_TYPE}`,
  );
}

/** Arrow only when the client lists the Arrow stream type with a non-zero quality; anything else gets JSON. */
export function replyFormat(accept: string | undefined): BodyFormat {
  for (const item of (accept ?? "").split(",")) {
    const [type, ...parameters] = item.split(";").map((s) => s.trim().toLowerCase());
    if (type !== ARROW_STREAM_TYPE) continue;
    const q = parameters.find((p) => p.startsWith("q="));
    if (q === undefined || Number(q.slice(2)) > 0) return "arrow";
  }
  return "json";
}

// ---------------------------------------------------------------------------------------------------------
// Requests

/**
 * Parses a JSON body: UTF-8 (a byte order mark is skipped), valid JSON, and no object that spells a key twice
 * (JSON.parse would silently keep the last value). `code` is what a failure is reported as.
 */
export function parseJsonBody(body: Uint8Array, code: ErrorCode = "bad_json"): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new ProtocolError(code, "the body is not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ProtocolError(code, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const repeated = repeatedKeyPath(text, value);
  if (repeated !== null) {
    const [top, row, field] = repeated;
    if (code === "bad_json" && top === "rows" && typeof row === "number" && typeof field === "string" && repeated.length === 3) {
      throw new ProtocolError("bad_rows", `row ${row}: field \`${field}\` appears more than once`, [{ row, field, message: `field \`${field}\` appears more than once` }]);
    }
    throw new ProtocolError(code, `key \`${String(repeated[repeated.length - 1])}\` appears more than once in the same object (at ${pathText(repeated.slice(0, -1))})`);
  }
  return value;
}

/** A score request's JSON body -> a batch, or the request's problems. */
export function batchFromJsonBody(module: IrModule, body: Uint8Array): Batch {
  const doc = parseJsonBody(body);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new ProtocolError("bad_request", `the body must be a JSON object {"rows": [...]} or {"columns": {...}}, found ${describeValue(doc)}`);
  }
  const keys = Object.keys(doc);
  const unknown = keys.filter((k) => k !== "rows" && k !== "columns");
  if (unknown.length > 0) throw new ProtocolError("bad_request", `unknown key ${unknown.map((k) => `\`${k}\``).join(", ")} in the body: give either \`rows\` or \`columns\``);
  if (keys.length !== 1) throw new ProtocolError("bad_request", `the body must have exactly one of \`rows\` and \`columns\`, found ${keys.length === 0 ? "neither" : "both"}`);
  const { rows, columns } = doc as { rows?: unknown; columns?: unknown };
  if (rows !== undefined) {
    if (!Array.isArray(rows)) throw new ProtocolError("bad_request", `\`rows\` must be an array of objects, one per rollout, found ${describeValue(rows)}`);
    return batchOrRowErrors(module, rows);
  }
  return batchOrRowErrors(module, rowsFromColumns(columns));
}

/** A score request's Arrow IPC body (stream or file format) -> a batch, or the request's problems. */
export function batchFromArrowBody(module: IrModule, body: Uint8Array): Batch {
  let built: ReturnType<typeof batchFromArrow>;
  try {
    built = batchFromArrow(module, body);
  } catch (e) {
    // Problems of the table as a whole: not Arrow IPC, a missing column, a column of the wrong type.
    if (e instanceof RuntimeInputError) throw new ProtocolError("bad_request", e.message);
    throw e;
  }
  if ("errors" in built) throw rowsError(built.errors);
  return built.batch;
}

/**
 * A score request's body in either format -> a batch. A batch of no rollouts is refused: scoring it would
 * count a step and run the state updates with every batch reduction over nothing (0), moving e.g. a Lagrange
 * multiplier for no data.
 */
export function decodeScoreBody(module: IrModule, format: BodyFormat, body: Uint8Array): Batch {
  const batch = format === "json" ? batchFromJsonBody(module, body) : batchFromArrowBody(module, body);
  if (batch.size === 0) throw new ProtocolError("bad_request", "the batch has no rollouts: an empty batch would apply the state updates to no rollouts");
  return batch;
}

/** `{"columns": {x: [..N..], ...}}` -> the N row objects the same request would send as rows. */
function rowsFromColumns(columns: unknown): Record<string, unknown>[] {
  if (typeof columns !== "object" || columns === null || Array.isArray(columns)) {
    throw new ProtocolError("bad_request", `\`columns\` must be an object of arrays, one per field, found ${describeValue(columns)}`);
  }
  const entries = Object.entries(columns);
  for (const [name, values] of entries) {
    if (!Array.isArray(values)) throw new ProtocolError("bad_request", `column \`${name}\` must be an array with one value per rollout, found ${describeValue(values)}`);
  }
  const arrays = entries as [string, unknown[]][];
  const size = arrays.length > 0 ? arrays[0]![1].length : 0;
  const uneven = arrays.find(([, values]) => values.length !== size);
  if (uneven) throw new ProtocolError("bad_request", `every column must have one value per rollout: \`${arrays[0]![0]}\` has ${size}, \`${uneven[0]}\` has ${uneven[1].length}`);
  const rows: Record<string, unknown>[] = new Array(size);
  for (let i = 0; i < size; i++) {
    const row: Record<string, unknown> = {};
    for (const [name, values] of arrays) row[name] = values[i];
    rows[i] = row;
  }
  return rows;
}

function batchOrRowErrors(module: IrModule, rows: readonly unknown[]): Batch {
  const built = batchFromRows(module, rows);
  if ("batch" in built) return built.batch;
  throw rowsError(built.errors);
}

/** Row errors of the runtime (1-based `line`, here the row's position + 1) as a `bad_rows` error. */
export function rowsError(errors: readonly RowError[]): ProtocolError {
  const rows = errors.map((e) => ({ row: e.line - 1, field: e.field, message: e.message }));
  const lines = rows.map((r) => (r.message.startsWith("... and ") ? r.message : `row ${r.row}: ${r.message}`));
  return new ProtocolError("bad_rows", `invalid rows:\n${lines.map((l) => `  ${l}`).join("\n")}`, rows);
}

/**
 * The path to the first key that a valid JSON text spells twice in one object (`["rows", 3, "x"]`), or null.
 * `parsed` is the text's value: a text with no more colons than the value has keys repeats none, which settles
 * most bodies without the scan.
 */
function repeatedKeyPath(text: string, parsed: unknown): (string | number)[] | null {
  const keyCount = countKeys(parsed);
  let colons = 0;
  for (let at = text.indexOf(":"); at !== -1 && colons <= keyCount; at = text.indexOf(":", at + 1)) colons++;
  if (colons <= keyCount) return null;

  type Frame = { keys: Set<string>; key: string; expectingKey: boolean } | { index: number };
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let end = i + 1;
      let escaped = false;
      while (text.charCodeAt(end) !== 0x22) {
        if (text.charCodeAt(end) === 0x5c /* \ */) {
          escaped = true;
          end += 2;
        } else end++;
      }
      const top = stack[stack.length - 1];
      if (top && "keys" in top && top.expectingKey) {
        const key = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        if (top.keys.has(key)) return [...stack.slice(0, -1).map(frameStep), key];
        top.keys.add(key);
        top.key = key;
        top.expectingKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) stack.push({ keys: new Set(), key: "", expectingKey: true });
    else if (c === 0x5b /* [ */) stack.push({ index: 0 });
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1]!;
      if ("keys" in top) top.expectingKey = true;
      else top.index++;
    }
  }
  return null;

  function frameStep(frame: Frame): string | number {
    return "keys" in frame ? frame.key : frame.index;
  }
}

/** Keys of every object in a JSON value, without recursion (a deeply nested body must not overflow the stack). */
function countKeys(value: unknown): number {
  let count = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v !== "object" || v === null) continue;
    if (Array.isArray(v)) {
      for (const e of v) if (typeof e === "object" && e !== null) pending.push(e);
    } else {
      for (const k in v) {
        count++;
        const e = (v as Record<string, unknown>)[k];
        if (typeof e === "object" && e !== null) pending.push(e);
      }
    }
  }
  return count;
}

function pathText(path: (string | number)[]): string {
  return path.length === 0 ? "the top level" : path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("").replace(/^\./, "");
}

// ---------------------------------------------------------------------------------------------------------
// Replies

/** A float32 value as JSON: the shortest decimal that reads back to it; NaN and infinities as strings. */
export function jsonFloat(x: number): number | string {
  return Number.isFinite(x) ? shortestF32(x) : String(x);
}

/** A typed value (bools held as 0/1) as JSON. */
export function jsonValue(type: Scalar, x: number): number | string | boolean {
  return type === "bool" ? x !== 0 : type === "f32" ? jsonFloat(x) : x;
}

/** State values by name, as the reply shows them. */
export function stateJson(module: IrModule, state: Record<string, number>): Record<string, number | string | boolean> {
  return Object.fromEntries(module.states.map((s) => [s.name, jsonValue(s.type, state[s.name]!)]));
}

/** Metric values by name (float32), as the reply shows them. */
export function metricsJson(metrics: ReadonlyMap<string, number>): Record<string, number | string> {
  return Object.fromEntries([...metrics].map(([name, v]) => [name, jsonFloat(v)]));
}

/** Everything a score reply reports about one scored batch. */
export interface Scored {
  batch: Batch;
  result: ScoreResult;
  /** Batches scored so far, this one included. */
  step: number;
  /** State after this batch's updates. */
  state: Record<string, number>;
}

/** The JSON reply to a score request. */
export function encodeScoreJson(module: IrModule, scored: Scored): string {
  const { batch, result } = scored;
  const outputs = outputsPerRollout(module, batch.size, batch.axes, result.outputs, jsonFloat);
  return JSON.stringify({
    outputs: Object.fromEntries(outputs),
    metrics: metricsJson(result.metrics),
    step: scored.step,
    state: stateJson(module, scored.state),
  });
}

/** A declared bound: JSON has no infinities, so `in 0..inf` is written with the string "Infinity". */
const jsonBound = (x: number): number | string => (Number.isFinite(x) ? x : String(x));

/** The Arrow reply to a score request: outputs as columns; metrics, step and state in the schema metadata. */
export function encodeScoreArrow(module: IrModule, scored: Scored): Uint8Array {
  return scoresToArrow(module, scored.batch, scored.result, {
    metadata: { "rewardc.step": String(scored.step), "rewardc.state": JSON.stringify(stateJson(module, scored.state)) },
  });
}

/** The reply to GET /v1/spec; `maxRequestBytes` lets a client refuse a body the server would refuse, before sending it. */
export function describeSpec(module: IrModule, params: Record<string, number>, backend: "cpu" | "webgpu", maxRequestBytes: number): string {
  return JSON.stringify({
    name: module.name,
    groupKey: module.groupKey,
    inputs: module.inputs.filter((d) => d.feature === undefined).map((d) => ({ name: d.name, type: typeName(d.type), axis: d.axis, range: d.range?.map(jsonBound) ?? null })),
    texts: (module.texts ?? []).map((t) => t.name),
    params: Object.fromEntries(module.params.map((p) => [p.name, jsonValue(p.type, params[p.name]!)])),
    states: module.states.map((s) => s.name),
    outputs: module.outputs.map((o) => o.name),
    metrics: module.metrics.map((m) => m.name),
    backend,
    maxRequestBytes,
    protocol: PROTOCOL_VERSION,
  });
}
