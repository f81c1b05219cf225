/**
 * Apache Arrow IPC in and out: the columnar twin of JSONL, for `rewardc run`, `rewardc serve` and the API.
 *
 * In: one column per input, named like the JSONL fields (the group key, every input, every `string` input);
 * other columns are ignored. Several record batches in one stream (or file) are concatenated. Type mapping:
 *   float input      Float32 (used in place, no copy), Float64, Float16, or any integer column; rounded to
 *                    float32 as JSONL numbers are, and out of float32 range is an error, never infinity
 *   int input        Int8/16/32/64, Uint8/16/32/64; a value outside int32 is an error (never wrapped)
 *   bool input       Bool only (0/1 integers are not bools, as in JSONL)
 *   array input      List, LargeList or FixedSizeList of the element types above; along a ragged axis every
 *                    input of the axis has the same per-row lengths; along a fixed axis the width matches
 *   group key        Utf8, LargeUtf8, Utf8View, Dictionary<Utf8>, or an integer (or finite float) column
 *   string input     Utf8, LargeUtf8, Utf8View, Dictionary<Utf8>
 * A Float32 (Int32) column, or a List of Float32 (Int32) whose offsets start at 0, with no nulls and one record
 * batch, reaches the batch as a typed-array view of the IPC buffer; anything else is copied once.
 *
 * Problems of the table as a whole throw `RuntimeInputError`, every one listed:
 *   not Arrow IPC data: <the reader's message>
 *   column `x` is missing
 *   column `x` appears 2 times
 *   column `x` has type Utf8: float input `x` needs Float32, Float64, Float16 or an integer type
 *   column `probs` has type FixedSizeList[2]<Float32>: input `probs` has 3 elements per row
 * Problems of values are `RowError`s, as JSONL's (line = row + 1, counting from `firstRow`, 0-based rows):
 *   field `x`: expected float, found null
 *   field `x`: expected float, found NaN        field `n`: expected int, found 3000000000 (out of int32 range)
 *   field `x`: value 2 is outside the declared range 0..1
 *   field `steps`: expected array of float, found null      field `steps`[3]: expected float, found null
 *   field `probs`: expected 3 elements, found 2
 *   fields `a` and `b` are both along axis `tokens` but have different lengths (3 and 4)
 *   field `prompt`: expected a string or a finite number (group key), found null
 *   field `prompt`: expected a string or a finite number (group key), found 9007199254740993n (beyond 2^53)
 *   field `completion`: expected string, found null
 *   field `completion`: not valid UTF-8           (also a string group key; never decoded to U+FFFD)
 *
 * Out: an IPC stream with one column per output, in `module.outputs` order and input row order (float ->
 * Float32, int -> Int32, bool -> Bool, per element -> List of those), and the metrics as JSON in the schema
 * metadata `rewardc.metrics`. Optionally the input table's columns come first.
 */
import {
  Bool,
  DataType,
  Field,
  Float32,
  Int32,
  List,
  RecordBatch,
  Schema,
  Struct,
  Table,
  makeData,
  makeVector,
  tableFromIPC,
  tableToIPC,
  type Data,
} from "apache-arrow";
import type { InputDecl, IrModule, Scalar } from "../compiler/ir.js";
import { shortestF32 } from "../util/numbers.js";
import { allocColumn, batchFromColumns, findAxis, type Batch, type Column, type ColumnInput, type GroupKey } from "./batch.js";
import { MAX_REPORTED_ERRORS, RuntimeInputError, describeValue, type RowError } from "./errors.js";
import { checkGroupKey, checkJsonValue, checkRange, typeName } from "./values.js";
import { verifyIpcMetadata, verifyTableData } from "./ipcVerify.js";

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

/** The IPC media types: `application/vnd.apache.arrow.stream` and `application/vnd.apache.arrow.file`. */
export const ARROW_STREAM_MEDIA_TYPE = "application/vnd.apache.arrow.stream";
export const ARROW_FILE_MEDIA_TYPE = "application/vnd.apache.arrow.file";

/** The schema metadata key holding the metrics as JSON. */
export const METRICS_METADATA_KEY = "rewardc.metrics";

/** Arrow IPC bytes (stream or file format) -> a table. Throws `RuntimeInputError` when the bytes are not Arrow IPC. */
export function readArrowTable(bytes: Uint8Array): Table {
  if (bytes.length === 0) throw new RuntimeInputError("not Arrow IPC data: the input is empty");
  // The reader takes a few stray bytes (`{}\n`) for an empty table: insist on the marks every writer since
  // Arrow 0.15 puts first, the continuation marker 0xFFFFFFFF of a stream or the magic `ARROW1` of a file.
  if (!hasArrowMagic(bytes)) throw new RuntimeInputError("not Arrow IPC data: it starts with neither the stream marker 0xFFFFFFFF nor the file magic `ARROW1`");
  // apache-arrow trusts the lengths in the bytes: check them before and after it decodes (see ipcVerify.ts).
  verifyIpcMetadata(bytes);
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (e) {
    throw new RuntimeInputError(`not Arrow IPC data: ${e instanceof Error ? e.message : String(e)}`);
  }
  verifyTableData(table);
  return table;
}

/** Whether `bytes` start like an Arrow IPC stream (0xFFFFFFFF) or file (`ARROW1`). */
export function hasArrowMagic(bytes: Uint8Array): boolean {
  const stream = bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff;
  const file = bytes.length >= 6 && String.fromCharCode(...bytes.subarray(0, 6)) === "ARROW1";
  return stream || file;
}

// ---------------------------------------------------------------------------------------------------------
// In

/**
 * An Arrow table (or its IPC bytes) -> a batch. Problems of the table as a whole (not Arrow IPC, a missing
 * column, a column of a type that cannot hold the input) throw `RuntimeInputError`, every one listed; problems
 * of values (nulls, out of range, ragged lengths) are `RowError`s with `line` = row + 1, as JSONL's.
 */
export function batchFromArrow(module: IrModule, source: Uint8Array | Table, options: ArrowBatchOptions = {}): ArrowBatchResult {
  const table = source instanceof Uint8Array ? readArrowTable(source) : source;
  const size = table.numRows;
  const firstLine = (options.firstRow ?? 0) + 1;
  const given = module.inputs.filter((d) => d.feature === undefined);
  const texts = module.texts ?? [];

  // As with a JSON key spelled twice, which of two same-named columns is meant cannot be guessed.
  const schemaProblems = repeatedColumns(table);
  const chunksOf = (name: string, accepts: (type: DataType) => string | null): Data[] | null => {
    const field = table.schema.fields.find((f) => f.name === name);
    if (field === undefined) {
      schemaProblems.push(`column \`${name}\` is missing`);
      return null;
    }
    const why = accepts(field.type);
    if (why !== null) {
      schemaProblems.push(`column \`${name}\` has type ${String(field.type)}: ${why}`);
      return null;
    }
    return table.getChild(name)!.data as Data[];
  };

  const groupChunks = module.groupKey === null ? null : chunksOf(module.groupKey, acceptsGroupKey);
  const inputChunks = given.map((d) => chunksOf(d.name, (t) => acceptsInput(module, d, t)));
  const textChunks = texts.map((t) => chunksOf(t.name, (type) => (isStringType(type) ? null : `string input \`${t.name}\` needs Utf8, LargeUtf8, Utf8View or Dictionary<Utf8>`)));
  if (schemaProblems.length > 0) {
    throw new RuntimeInputError(schemaProblems.length === 1 ? `invalid Arrow table: ${schemaProblems[0]}` : `invalid Arrow table:\n${schemaProblems.map((p) => `  ${p}`).join("\n")}`);
  }

  const errors = new ColumnErrors(firstLine);
  const columnInput: ColumnInput = { size, columns: {}, offsets: {} };
  const columns = columnInput.columns as Record<string, ArrayLike<number | boolean>>;
  const offsets = columnInput.offsets as Record<string, ArrayLike<number>>;

  if (groupChunks !== null) columnInput.groupKeys = readGroupKeys(module.groupKey!, groupChunks, size, errors.column(module.groupKey!));

  // Ragged axes: the first input along each axis (in declaration order) sets the per-row lengths.
  const axisLengths = new Map<string, { field: string; lengths: Int32Array }>();
  given.forEach((decl, k) => {
    const chunks = inputChunks[k]!;
    const sink = errors.column(decl.name);
    if (decl.axis === null) {
      const column = readScalars(decl, chunks, size, sink);
      if (column !== null) columns[decl.name] = column;
      return;
    }
    const axis = findAxis(module, decl.axis);
    const read = readArrays(decl, axis.kind === "fixed" ? (axis.width ?? 0) : -1, chunks, size, sink, axisLengths.get(decl.axis));
    if (read.values !== null) columns[decl.name] = read.values;
    // Set even when this input had errors: the next inputs of the axis are still compared with its lengths.
    if (axis.kind === "ragged" && !axisLengths.has(decl.axis)) {
      axisLengths.set(decl.axis, { field: decl.name, lengths: read.lengths });
      offsets[decl.axis] = read.offsets;
    }
  });

  if (texts.length > 0) {
    const textColumns: Record<string, string[]> = {};
    texts.forEach((t, k) => {
      const strings = readStrings(t.name, textChunks[k]!, size, errors.column(t.name));
      if (strings !== null) textColumns[t.name] = strings;
    });
    columnInput.texts = textColumns;
  }

  if (errors.count > 0) return { errors: errors.finish() };
  return { batch: batchFromColumns(module, columnInput) };
}

type Sink = (row: number, message: string) => void;

/** `column \`x\` appears 2 times` for each name that several columns share, in schema order. */
function repeatedColumns(table: Table): string[] {
  const counts = new Map<string, number>();
  for (const f of table.schema.fields) counts.set(f.name, (counts.get(f.name) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([name, n]) => `column \`${name}\` appears ${n} times`);
}

/**
 * Errors of each column in row order, at most the cap each: the first `MAX_REPORTED_ERRORS` errors of the
 * table in row order are then among them (a column can place at most that many among the first), so the
 * report reads like JSONL's, row by row, whichever column a problem is in.
 */
class ColumnErrors {
  private readonly collected: { line: number; field: string; message: string; order: number }[] = [];
  private total = 0;
  private columns = 0;

  constructor(private readonly firstLine: number) {}

  get count(): number {
    return this.total;
  }

  column(field: string): Sink {
    const order = this.columns++;
    let kept = 0;
    return (row, message) => {
      this.total++;
      if (kept >= MAX_REPORTED_ERRORS) return;
      kept++;
      this.collected.push({ line: this.firstLine + row, field, message, order });
    };
  }

  finish(): RowError[] {
    const sorted = this.collected.sort((a, b) => a.line - b.line || a.order - b.order);
    const shown = sorted.slice(0, MAX_REPORTED_ERRORS).map(({ line, field, message }) => ({ line, field, message }));
    const omitted = this.total - shown.length;
    if (omitted === 0) return shown;
    const firstOmitted = sorted[MAX_REPORTED_ERRORS] ?? sorted[sorted.length - 1]!;
    return [...shown, { line: firstOmitted.line, field: "", message: `... and ${omitted} more` }];
  }
}

// Types ----------------------------------------------------------------------------------------------------

function isStringType(type: DataType): boolean {
  if (DataType.isDictionary(type)) return isStringType(type.dictionary);
  return DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type);
}

function isNumberType(type: DataType): boolean {
  return DataType.isInt(type) || DataType.isFloat(type);
}

function acceptsGroupKey(type: DataType): string | null {
  return isStringType(type) || isNumberType(type) ? null : "a group key needs a string (Utf8, LargeUtf8, Utf8View, Dictionary<Utf8>) or number column";
}

/** Why an element of Arrow type `type` cannot be a value of `scalar`, or null. */
function scalarMismatch(scalar: Scalar, type: DataType, what: string): string | null {
  switch (scalar) {
    case "f32":
      return isNumberType(type) ? null : `float ${what} needs Float32, Float64, Float16 or an integer type`;
    case "i32":
      return DataType.isInt(type) ? null : `int ${what} needs an integer type (Int8..Int64, Uint8..Uint64)${DataType.isFloat(type) ? "; floats are not converted to ints" : ""}`;
    case "bool":
      return DataType.isBool(type) ? null : `bool ${what} needs Bool`;
  }
}

function acceptsInput(module: IrModule, decl: InputDecl, type: DataType): string | null {
  const what = `input \`${decl.name}\``;
  if (decl.axis === null) return scalarMismatch(decl.type, type, what);
  const axis = findAxis(module, decl.axis);
  const listName = `List, LargeList or FixedSizeList of ${typeName(decl.type)}`;
  if (DataType.isFixedSizeList(type)) {
    if (axis.kind === "fixed" && type.listSize !== axis.width) return `${what} has ${axis.width} elements per row`;
  } else if (!DataType.isList(type) && !DataType.isLargeList(type)) {
    return `array ${what} needs ${listName}`;
  }
  const element = type.children[0]!.type as DataType;
  return scalarMismatch(decl.type, element, `${what} (array elements)`);
}

// Values ---------------------------------------------------------------------------------------------------

/** Reads element `i` (relative to the chunk) of a number or bool chunk, ignoring validity. */
function valueReader(data: Data): (i: number) => number | bigint | boolean {
  const type = data.type as DataType;
  if (DataType.isBool(type)) {
    const bits = data.values as Uint8Array;
    const start = data.offset;
    return (i) => ((bits[(start + i) >> 3]! >> ((start + i) & 7)) & 1) === 1;
  }
  if (DataType.isFloat(type) && type.precision === 0) {
    const vector = makeVector(data);
    return (i) => vector.get(i) as number;
  }
  const values = data.values as ArrayLike<number | bigint>;
  return (i) => values[i]!;
}

/** Why `v` (read from Arrow) is not a value of `type` within `range`, or null; `store` gets the number. */
function checkValue(type: Scalar, range: [number, number] | null, v: number | bigint | boolean | null): { message: string } | { value: number } {
  if (v === null) return { message: checkJsonValue(type, null)! };
  let x: unknown = v;
  if (typeof v === "bigint") {
    // Arrow's 64-bit ints: compare exactly before converting, so 2^63 - 1 is not mistaken for a nearby double.
    if (type === "i32" && (v < -2147483648n || v > 2147483647n)) return { message: `expected int, found ${v} (out of int32 range)` };
    x = Number(v);
  }
  const message = checkJsonValue(type, x) ?? checkRange(range, typeof x === "boolean" ? (x ? 1 : 0) : (x as number));
  if (message !== null) return { message };
  return { value: x === true ? 1 : x === false ? 0 : (x as number) };
}

function exactType(scalar: Scalar, type: DataType): boolean {
  if (scalar === "f32") return DataType.isFloat(type) && type.precision === 1;
  if (scalar === "i32") return DataType.isInt(type) && type.bitWidth === 32 && type.isSigned;
  return false;
}

/** Values of `data` (a whole chunk, offsets at 0) that can be used as they are: null when a copy is needed. */
function viewOf(scalar: Scalar, data: Data, count: number): Column | null {
  if (!exactType(scalar, data.type as DataType) || data.nullCount > 0) return null;
  return (data.values as Float32Array | Int32Array).subarray(0, count);
}

function readScalars(decl: InputDecl, chunks: Data[], size: number, problem: Sink): Column | null {
  const only = chunks.length === 1 ? viewOf(decl.type, chunks[0]!, size) : null;
  if (only !== null) {
    // Used in place; still checked, since a typed column can hold NaN or values outside the range.
    let bad = false;
    for (let i = 0; i < size; i++) {
      const checked = checkValue(decl.type, decl.range, only[i]!);
      if ("message" in checked) {
        problem(i, `field \`${decl.name}\`: ${checked.message}`);
        bad = true;
      }
    }
    return bad ? null : only;
  }
  const out = allocColumn(decl.type, size);
  let bad = false;
  let row = 0;
  for (const data of chunks) {
    const read = valueReader(data);
    const nullable = data.nullCount > 0;
    for (let i = 0; i < data.length; i++, row++) {
      const checked = checkValue(decl.type, decl.range, nullable && !data.getValid(i) ? null : read(i));
      if ("message" in checked) {
        problem(row, `field \`${decl.name}\`: ${checked.message}`);
        bad = true;
      } else out[row] = checked.value;
    }
  }
  return bad ? null : out;
}

interface ListChunk {
  data: Data;
  /** Start of row i's elements in `child`, relative to the child's own start. */
  start: (i: number) => number;
  length: (i: number) => number;
  child: Data;
}

function listChunk(data: Data): ListChunk {
  const type = data.type as DataType;
  const child = data.children[0]!;
  if (DataType.isFixedSizeList(type)) {
    const w = type.listSize;
    return { data, child, start: (i) => i * w, length: () => w };
  }
  const o = data.valueOffsets as Int32Array | BigInt64Array;
  if (o instanceof BigInt64Array) return { data, child, start: (i) => Number(o[i]!), length: (i) => Number(o[i + 1]! - o[i]!) };
  return { data, child, start: (i) => o[i]!, length: (i) => o[i + 1]! - o[i]! };
}

/**
 * An array input: the rows' arrays concatenated, their lengths and offsets. `width` is the fixed axis' width
 * (-1 for a ragged axis); `first` is the input that set the lengths of this ragged axis, if one did.
 */
function readArrays(
  decl: InputDecl,
  width: number,
  chunks: Data[],
  size: number,
  problem: Sink,
  first: { field: string; lengths: Int32Array } | undefined,
): { values: Column | null; lengths: Int32Array; offsets: Int32Array } {
  const lists = chunks.map(listChunk);
  const lengths = new Int32Array(size);
  let bad = false;
  let row = 0;
  for (const list of lists) {
    const nullable = list.data.nullCount > 0;
    for (let i = 0; i < list.data.length; i++, row++) {
      if (nullable && !list.data.getValid(i)) {
        problem(row, `field \`${decl.name}\`: expected array of ${typeName(decl.type)}, found null`);
        lengths[row] = -1;
        bad = true;
        continue;
      }
      const n = list.length(i);
      lengths[row] = n;
      if (width >= 0 && n !== width) {
        problem(row, `field \`${decl.name}\`: expected ${width} elements, found ${n}`);
        bad = true;
      } else if (first !== undefined && first.lengths[row]! >= 0 && first.lengths[row] !== n) {
        problem(row, `fields \`${first.field}\` and \`${decl.name}\` are both along axis \`${decl.axis}\` but have different lengths (${first.lengths[row]} and ${n})`);
        bad = true;
      }
    }
  }
  // A row whose first array was null takes its length from this one, as JSONL compares with the first array seen.
  if (first !== undefined) for (let i = 0; i < size; i++) if (first.lengths[i]! < 0) first.lengths[i] = lengths[i]!;

  const offsets = new Int32Array(size + 1);
  for (let i = 0; i < size; i++) {
    const n = Math.max(0, lengths[i]!);
    if (offsets[i]! + n > 2147483647) {
      problem(i, `field \`${decl.name}\`: the arrays of this column hold more than 2^31 - 1 elements in all`);
      return { values: null, lengths, offsets };
    }
    offsets[i + 1] = offsets[i]! + n;
  }

  if (!bad && lists.length === 1) {
    const zeroCopy = listView(decl.type, lists[0]!, size, offsets);
    if (zeroCopy !== null) {
      for (let j = 0; j < zeroCopy.values.length; j++) {
        const checked = checkValue(decl.type, decl.range, zeroCopy.values[j]!);
        if ("message" in checked) {
          const r = rowOfElement(offsets, j);
          problem(r, `field \`${decl.name}\`[${j - offsets[r]!}]: ${checked.message}`);
          bad = true;
        }
      }
      return { values: bad ? null : zeroCopy.values, lengths, offsets: zeroCopy.offsets ?? offsets };
    }
  }

  const values = allocColumn(decl.type, offsets[size]!);
  row = 0;
  for (const list of lists) {
    const read = valueReader(list.child);
    const nullable = list.child.nullCount > 0;
    for (let i = 0; i < list.data.length; i++, row++) {
      if (lengths[row]! < 0) continue;
      const start = list.start(i);
      const n = lengths[row]!;
      for (let e = 0; e < n; e++) {
        const at = start + e;
        const checked = checkValue(decl.type, decl.range, nullable && !list.child.getValid(at) ? null : read(at));
        if ("message" in checked) {
          problem(row, `field \`${decl.name}\`[${e}]: ${checked.message}`);
          bad = true;
        } else values[offsets[row]! + e] = checked.value;
      }
    }
  }
  return { values: bad ? null : values, lengths, offsets };
}

/** The list's values (and, for a List, its offsets) as views, when they need no copy; else null. */
function listView(scalar: Scalar, list: ListChunk, size: number, offsets: Int32Array): { values: Column; offsets: Int32Array | null } | null {
  const type = list.data.type as DataType;
  const total = offsets[size]!;
  if (DataType.isFixedSizeList(type)) {
    const values = viewOf(scalar, list.child, total);
    return values === null ? null : { values, offsets: null };
  }
  const given = list.data.valueOffsets;
  if (!(given instanceof Int32Array) || given[0] !== 0) return null;
  const values = viewOf(scalar, list.child, total);
  return values === null ? null : { values, offsets: given.subarray(0, size + 1) };
}

function rowOfElement(offsets: Int32Array, j: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= j) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function readGroupKeys(name: string, chunks: Data[], size: number, problem: Sink): GroupKey[] {
  const keys: GroupKey[] = new Array(size);
  let row = 0;
  for (const data of chunks) {
    const vector = makeVector(data);
    const notUtf8 = invalidUtf8(data);
    for (let i = 0; i < data.length; i++, row++) {
      if (notUtf8.has(i)) {
        problem(row, `field \`${name}\`: not valid UTF-8`);
        continue;
      }
      const k = data.getValid(i) ? (vector.get(i) as unknown) : null;
      const message = checkGroupKey(k);
      if (message !== null) problem(row, `field \`${name}\`: ${message}`);
      else keys[row] = typeof k === "bigint" ? Number(k) : (k as GroupKey);
    }
  }
  return keys;
}

function readStrings(name: string, chunks: Data[], size: number, problem: Sink): string[] | null {
  const strings: string[] = new Array(size);
  let bad = false;
  let row = 0;
  for (const data of chunks) {
    const vector = makeVector(data);
    const notUtf8 = invalidUtf8(data);
    for (let i = 0; i < data.length; i++, row++) {
      const s = notUtf8.has(i) ? undefined : data.getValid(i) ? (vector.get(i) as unknown) : null;
      if (s === undefined) {
        problem(row, `field \`${name}\`: not valid UTF-8`);
        bad = true;
      } else if (typeof s === "string") strings[row] = s;
      else {
        problem(row, `field \`${name}\`: expected string, found ${describeValue(s)}`);
        bad = true;
      }
    }
  }
  return bad ? null : strings;
}


const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    fatalUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Value `i` of a Utf8View chunk, per the Arrow format: a 16-byte view, its bytes inline up to 12, else in a data buffer. */
function utf8ViewBytes(data: Data, i: number): Uint8Array {
  const views = data.values as Uint8Array;
  const view = new DataView(views.buffer, views.byteOffset + i * 16, 16);
  const length = view.getInt32(0, true);
  if (length <= 12) return views.subarray(i * 16 + 4, i * 16 + 4 + Math.max(0, length));
  const buffer = (data.variadicBuffers as Uint8Array[])[view.getInt32(8, true)] ?? new Uint8Array(0);
  const offset = view.getInt32(12, true);
  return buffer.subarray(offset, offset + length);
}

/**
 * The values (chunk-relative indices, nulls excepted) of a string chunk whose bytes are not UTF-8; empty for
 * other types. Arrow's reader would decode them to U+FFFD, and two different keys could become one.
 */
function invalidUtf8(data: Data): Set<number> {
  const type = data.type as DataType;
  const bad = new Set<number>();
  const valid = (i: number): boolean => data.nullCount === 0 || data.getValid(i);
  if (DataType.isDictionary(type)) {
    const dictionary = (data.dictionary?.data ?? []) as Data[];
    const badEntries = new Set<number>();
    let base = 0;
    for (const chunk of dictionary) {
      for (const e of invalidUtf8(chunk)) badEntries.add(base + e);
      base += chunk.length;
    }
    if (badEntries.size === 0) return bad;
    const indices = data.values as ArrayLike<number | bigint>;
    for (let i = 0; i < data.length; i++) if (valid(i) && badEntries.has(Number(indices[i]!))) bad.add(i);
    return bad;
  }
  if (DataType.isUtf8View(type)) {
    for (let i = 0; i < data.length; i++) if (valid(i) && !isUtf8(utf8ViewBytes(data, i))) bad.add(i);
    return bad;
  }
  if (!DataType.isUtf8(type) && !DataType.isLargeUtf8(type)) return bad;
  const bytes = data.values as Uint8Array;
  const o = data.valueOffsets as Int32Array | BigInt64Array;
  const at = (i: number): number => Number(o[i]!);
  // One check of the whole span settles the usual column: it holds valid UTF-8 and no value starts inside a
  // character (at a continuation byte 10xxxxxx), so each value is valid on its own too.
  const start = at(0);
  const end = at(data.length);
  let whole = isUtf8(bytes.subarray(start, end));
  for (let i = 0; whole && i < data.length; i++) if (at(i) < at(i + 1) && (bytes[at(i)]! & 0xc0) === 0x80) whole = false;
  if (whole) return bad;
  for (let i = 0; i < data.length; i++) if (valid(i) && !isUtf8(bytes.subarray(at(i), at(i + 1)))) bad.add(i);
  return bad;
}

// ---------------------------------------------------------------------------------------------------------
// Out

/**
 * Scores as an Arrow IPC stream: one column per output in `module.outputs` order (float -> Float32, int ->
 * Int32, bool -> Bool; a per-element output such as per-token advantage -> List<Float32>), one row per rollout
 * in input order; metrics as JSON in the schema metadata `rewardc.metrics` (NaN and infinities as the strings
 * "NaN", "Infinity", "-Infinity").
 */
export function scoresToArrow(
  module: IrModule,
  batch: Pick<Batch, "size" | "axes">,
  result: { outputs: Map<string, Column>; metrics: Map<string, number> },
  extra: ScoresToArrowExtra = {},
): Uint8Array {
  const size = batch.size;
  const passthrough = extra.passthrough;
  if (passthrough !== undefined && passthrough.numRows !== size) {
    throw new RuntimeInputError(`the table to pass through has ${passthrough.numRows} rows, the scores ${size}`);
  }
  const outputNames = new Set(module.outputs.map((o) => o.name));
  const outputs = module.outputs.map((o) => outputData(module, batch, o.name, o.node, result.outputs.get(o.name)));

  const metadata = new Map<string, string>(passthrough?.schema.metadata ?? []);
  metadata.set(METRICS_METADATA_KEY, metricsJson(result.metrics));
  for (const [k, v] of Object.entries(extra.metadata ?? {})) metadata.set(k, v);

  const kept = (passthrough?.schema.fields ?? []).map((f, k) => ({ f, k })).filter(({ f }) => !outputNames.has(f.name));
  const fields = [...kept.map(({ f }) => f), ...outputs.map((o) => o.field)];
  const schema = new Schema(fields, metadata);

  // Output columns follow the input's record batches, so the input's columns are written as they came.
  const spans = passthrough !== undefined && passthrough.batches.length > 0 ? passthrough.batches : null;
  const batches: RecordBatch[] = [];
  if (spans === null) batches.push(recordBatch(schema, size, outputs.map((o) => o.data)));
  else {
    let start = 0;
    for (const rb of spans) {
      const children = [...kept.map(({ k }) => rb.data.children[k]!), ...outputs.map((o) => o.data.slice(start, rb.numRows))];
      batches.push(recordBatch(schema, rb.numRows, children));
      start += rb.numRows;
    }
  }
  return tableToIPC(new Table(schema, batches), "stream");
}

function recordBatch(schema: Schema, length: number, children: Data[]): RecordBatch {
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}

function arrowScalar(type: Scalar): DataType {
  return type === "f32" ? new Float32() : type === "i32" ? new Int32() : new Bool();
}

function flatData(type: Scalar, values: Column): Data {
  if (type === "bool") {
    const bits = new Uint8Array((values.length + 7) >> 3);
    for (let i = 0; i < values.length; i++) if (values[i] !== 0) bits[i >> 3]! |= 1 << (i & 7);
    return makeData({ type: new Bool(), length: values.length, nullCount: 0, data: bits });
  }
  if (type === "f32") return makeData({ type: new Float32(), length: values.length, nullCount: 0, data: values as Float32Array });
  return makeData({ type: new Int32(), length: values.length, nullCount: 0, data: values as Int32Array });
}

function outputData(module: IrModule, batch: Pick<Batch, "size" | "axes">, name: string, node: number, column: Column | undefined): { field: Field; data: Data } {
  const { type, level } = module.nodes[node]!;
  if (column === undefined) throw new RuntimeInputError(`the scores have no output \`${name}\``);
  const offsets = level.kind === "element" ? batch.axes.get(level.axis) : null;
  if (offsets === undefined) throw new RuntimeInputError(`the batch has no offsets for axis \`${(level as { axis: string }).axis}\``);
  return columnData(name, type, column, offsets, batch.size);
}

/**
 * One column of `size` rows as Arrow: the values of a scalar (`offsets` null), or rows' arrays concatenated with
 * their CSR offsets (List of the element type). Float32 and Int32 values are used as they are.
 */
export function columnData(name: string, type: Scalar, values: Column, offsets: Int32Array | null, size: number): { field: Field; data: Data } {
  if (offsets === null) return { field: new Field(name, arrowScalar(type), false), data: flatData(type, values.subarray(0, size)) };
  const listType = new List(new Field("item", arrowScalar(type), false));
  const child = flatData(type, values.subarray(0, offsets[size]!));
  return { field: new Field(name, listType, false), data: makeData({ type: listType, length: size, nullCount: 0, valueOffsets: offsets.subarray(0, size + 1), child }) };
}

/** Metrics as JSON: float32 values with the fewest digits, NaN and infinities as strings (JSON has neither). */
export function metricsJson(metrics: Map<string, number>): string {
  return JSON.stringify(Object.fromEntries([...metrics].map(([k, v]) => [k, Number.isFinite(v) ? shortestF32(v) : String(v)])));
}
