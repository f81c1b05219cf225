/**
 * Checks of untrusted Arrow IPC bytes around apache-arrow's reader, which trusts them: a flatbuffer vector
 * length is used as a loop bound as read, and a row count as the length of the arrays it describes. One flipped
 * byte in a 760-byte schema made the reader build 2^31 child fields (4 GB, tens of seconds, on the server's
 * only thread). So:
 *
 *   verifyIpcMetadata(bytes)   before decoding: the message framing (every metadata and body length within the
 *                              bytes) and every flatbuffer the reader will walk (Message, Schema, Field, KeyValue,
 *                              RecordBatch, DictionaryBatch, the file Footer): tables, vectors and strings within
 *                              their buffer, nesting and the number of tables visited bounded by its size; each
 *                              buffer within its message body; counts and lengths non-negative and below 2^31.
 *   verifyTableData(table)     after decoding: every array's buffers hold its `length` values (offsets
 *                              non-decreasing, within the values or the child they index), children as long as
 *                              their parent needs, so no later loop or allocation is sized by a length alone.
 *
 * Both throw `RuntimeInputError` ("not Arrow IPC data: ..."); the work is linear in the input's size.
 */
import { DataType, type Data, type Table } from "apache-arrow";
import { RuntimeInputError } from "./errors.js";

const MAX_NESTING = 64;
const MAX_COUNT = 2 ** 31 - 1;

function bad(why: string): never {
  throw new RuntimeInputError(`not Arrow IPC data: ${why}`);
}

// ---------------------------------------------------------------------------------------------------------
// Metadata

/** A flatbuffer within `bytes[start, end)`, read with bounds checks; `budget` caps the tables visited. */
class FlatBuffer {
  private readonly view: DataView;
  private budget: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly start: number,
    readonly end: number,
    readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.budget = Math.floor((end - start) / 4) + 1;
  }

  private need(at: number, size: number): void {
    if (!(at >= this.start && at + size <= this.end)) bad(`the ${this.what} metadata points outside itself`);
  }

  u8(at: number): number {
    this.need(at, 1);
    return this.view.getUint8(at);
  }
  i16(at: number): number {
    this.need(at, 2);
    return this.view.getInt16(at, true);
  }
  u32(at: number): number {
    this.need(at, 4);
    return this.view.getUint32(at, true);
  }
  i32(at: number): number {
    this.need(at, 4);
    return this.view.getInt32(at, true);
  }
  /** An int64 that must be a count or a length: 0..2^31 - 1. */
  count(at: number, what: string): number {
    this.need(at, 8);
    const v = this.view.getBigInt64(at, true);
    if (v < 0n || v > BigInt(MAX_COUNT)) bad(`${what} ${v} in the ${this.what} metadata is out of range`);
    return Number(v);
  }

  /** The table a uoffset at `at` points to. */
  deref(at: number): number {
    return at + this.u32(at);
  }

  /** A table at `t`: its vtable and inline part within the buffer. Returns the position of field `i`, or 0 when absent. */
  table(t: number): (i: number, size: number) => number {
    if (--this.budget < 0) bad(`the ${this.what} metadata refers to more tables than it can hold`);
    const vtable = t - this.i32(t);
    const vtableSize = this.u32(vtable) & 0xffff;
    const tableSize = this.view.getUint16(vtable + 2, true);
    this.need(vtable, vtableSize);
    this.need(t, tableSize);
    if (vtableSize < 4 || tableSize < 4) bad(`a table in the ${this.what} metadata is malformed`);
    return (i, size) => {
      if (4 + 2 * i + 2 > vtableSize) return 0;
      const offset = this.view.getUint16(vtable + 4 + 2 * i, true);
      if (offset === 0) return 0;
      if (offset + size > tableSize) bad(`a field in the ${this.what} metadata lies outside its table`);
      return t + offset;
    };
  }

  /** A vector of `n` elements of `size` bytes at the uoffset at `at`: the position of its first element and n. */
  vector(at: number, size: number): { first: number; n: number } {
    const v = this.deref(at);
    const n = this.u32(v);
    this.need(v + 4, n * size);
    return { first: v + 4, n };
  }

  string(at: number): void {
    const { first, n } = this.vector(at, 1);
    this.need(first, n + 1);
  }
}

type Field = (i: number, size: number) => number;

function keyValues(fb: FlatBuffer, field: Field, index: number): void {
  const at = field(index, 4);
  if (at === 0) return;
  const { first, n } = fb.vector(at, 4);
  for (let k = 0; k < n; k++) {
    const kv = fb.table(fb.deref(first + 4 * k));
    const key = kv(0, 4);
    const value = kv(1, 4);
    if (key !== 0) fb.string(key);
    if (value !== 0) fb.string(value);
  }
}

/** Type ids (Schema.fbs `Type`) whose tables hold a vector or a string: Union's typeIds, Timestamp's timezone. */
const UNION_TYPE = 14;
const TIMESTAMP_TYPE = 10;

function field(fb: FlatBuffer, t: number, depth: number): void {
  if (depth > MAX_NESTING) bad(`the schema nests more than ${MAX_NESTING} levels`);
  const f = fb.table(t);
  const name = f(0, 4);
  if (name !== 0) fb.string(name);
  const typeType = f(2, 1) === 0 ? 0 : fb.u8(f(2, 1));
  const type = f(3, 4);
  if (type !== 0) {
    const ty = fb.table(fb.deref(type));
    if (typeType === UNION_TYPE && ty(1, 4) !== 0) fb.vector(ty(1, 4), 4);
    if (typeType === TIMESTAMP_TYPE && ty(1, 4) !== 0) fb.string(ty(1, 4));
  }
  const dictionary = f(4, 4);
  if (dictionary !== 0) {
    const d = fb.table(fb.deref(dictionary));
    if (d(1, 4) !== 0) fb.table(fb.deref(d(1, 4)));
  }
  const children = f(5, 4);
  if (children !== 0) {
    const { first, n } = fb.vector(children, 4);
    for (let k = 0; k < n; k++) field(fb, fb.deref(first + 4 * k), depth + 1);
  }
  keyValues(fb, f, 6);
}

function schema(fb: FlatBuffer, t: number): void {
  const s = fb.table(t);
  const fields = s(1, 4);
  if (fields !== 0) {
    const { first, n } = fb.vector(fields, 4);
    for (let k = 0; k < n; k++) field(fb, fb.deref(first + 4 * k), 1);
  }
  keyValues(fb, s, 2);
  if (s(3, 4) !== 0) fb.vector(s(3, 4), 8);
}

function recordBatch(fb: FlatBuffer, t: number, bodyLength: number): void {
  const r = fb.table(t);
  if (r(0, 8) !== 0) fb.count(r(0, 8), "the row count");
  if (r(1, 4) !== 0) {
    const { first, n } = fb.vector(r(1, 4), 16);
    for (let k = 0; k < n; k++) {
      const length = fb.count(first + 16 * k, "an array length");
      if (fb.count(first + 16 * k + 8, "a null count") > length) bad("an array has more nulls than values");
    }
  }
  if (r(2, 4) !== 0) {
    const { first, n } = fb.vector(r(2, 4), 16);
    for (let k = 0; k < n; k++) {
      const offset = fb.count(first + 16 * k, "a buffer offset");
      const length = fb.count(first + 16 * k + 8, "a buffer length");
      if (offset + length > bodyLength) bad(`a buffer (${offset}..${offset + length}) lies outside its message body of ${bodyLength} bytes`);
    }
  }
  if (r(3, 4) !== 0) fb.table(fb.deref(r(3, 4)));
  if (r(4, 4) !== 0) {
    const { first, n } = fb.vector(r(4, 4), 8);
    for (let k = 0; k < n; k++) fb.count(first + 8 * k, "a variadic buffer count");
  }
}

const SCHEMA_MESSAGE = 1;
const DICTIONARY_MESSAGE = 2;
const RECORD_BATCH_MESSAGE = 3;

/** One Message flatbuffer at `bytes[start, end)`: a schema, a dictionary batch or a record batch. */
function message(bytes: Uint8Array, start: number, end: number): { headerType: number; bodyLength: number } {
  const fb = new FlatBuffer(bytes, start, end, "message");
  const m = fb.table(fb.deref(start));
  const bodyLength = m(3, 8) === 0 ? 0 : fb.count(m(3, 8), "the body length");
  const headerType = m(1, 1) === 0 ? 0 : fb.u8(m(1, 1));
  const header = m(2, 4);
  if (header !== 0) {
    const h = fb.deref(header);
    if (headerType === SCHEMA_MESSAGE) schema(fb, h);
    else if (headerType === RECORD_BATCH_MESSAGE) recordBatch(fb, h, bodyLength);
    else if (headerType === DICTIONARY_MESSAGE) {
      const d = fb.table(h);
      if (d(0, 8) !== 0) fb.count(d(0, 8), "a dictionary id");
      if (d(1, 4) !== 0) recordBatch(fb, fb.deref(d(1, 4)), bodyLength);
    }
  }
  // Anything else (a tensor, a type from a newer format, a flipped byte) the reader would skip, or, in a file,
  // read again and again in place of the record batch it expects.
  if (headerType !== SCHEMA_MESSAGE && headerType !== DICTIONARY_MESSAGE && headerType !== RECORD_BATCH_MESSAGE) bad(`a message of unknown type ${headerType}`);
  if (header === 0) bad("a message has no header");
  keyValues(fb, m, 4);
  return { headerType, bodyLength };
}

/**
 * The framed message at `at` (continuation marker or not, length, metadata, body) within `end`: where the next
 * starts and its type, or null at the end-of-stream marker.
 */
function framedMessage(bytes: Uint8Array, at: number, end: number): { next: number; headerType: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (at + 4 > end) return null;
  let prefix = 4;
  let length = view.getInt32(at, true);
  if (length === -1) {
    if (at + 8 > end) return null;
    prefix = 8;
    length = view.getInt32(at + 4, true);
  }
  if (length === 0) return null;
  if (length < 0 || at + prefix + length > end) bad(`a message's metadata length (${length}) runs past the end of the data`);
  const { headerType, bodyLength } = message(bytes, at + prefix, at + prefix + length);
  const next = at + prefix + length + bodyLength;
  if (next > end) bad(`a message's body (${bodyLength} bytes) runs past the end of the data`);
  return { next, headerType };
}

const FILE_MAGIC = "ARROW1";

/** Throws `RuntimeInputError` when the bytes' framing or metadata would make the reader go astray. */
export function verifyIpcMetadata(bytes: Uint8Array): void {
  const isFile = bytes.length >= 6 && String.fromCharCode(...bytes.subarray(0, 6)) === FILE_MAGIC;
  if (!isFile) {
    for (let at: number | undefined = 0; at !== undefined; ) at = framedMessage(bytes, at, bytes.length)?.next;
    return;
  }
  // The file reader works from the footer: its schema, and blocks locating each message.
  const end = bytes.length;
  if (end < 6 + 2 + 4 + 6 || String.fromCharCode(...bytes.subarray(end - 6)) !== FILE_MAGIC) bad("an Arrow file must end with `ARROW1`");
  const footerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(end - 10, true);
  const footerStart = end - 10 - footerLength;
  if (footerLength <= 0 || footerStart < 8) bad(`the file footer's length (${footerLength}) does not fit the file`);
  const fb = new FlatBuffer(bytes, footerStart, end - 10, "footer");
  const footer = fb.table(fb.deref(footerStart));
  if (footer(1, 4) !== 0) schema(fb, fb.deref(footer(1, 4)));
  for (const [index, expected] of [
    [2, DICTIONARY_MESSAGE],
    [3, RECORD_BATCH_MESSAGE],
  ] as const) {
    const at = footer(index, 4);
    if (at === 0) continue;
    const { first, n } = fb.vector(at, 24);
    for (let k = 0; k < n; k++) {
      const offset = fb.count(first + 24 * k, "a block offset");
      const metadataLength = fb.i32(first + 24 * k + 8);
      const bodyLength = fb.count(first + 24 * k + 16, "a block's body length");
      const blockEnd = offset + metadataLength + bodyLength;
      if (offset < 8 || metadataLength <= 0 || blockEnd > footerStart) bad("a block of the file footer lies outside the file");
      if (framedMessage(bytes, offset, blockEnd)?.headerType !== expected) bad(`a block of the file footer does not locate a ${index === 2 ? "dictionary" : "record"} batch`);
    }
  }
  keyValues(fb, footer, 4);
}

// ---------------------------------------------------------------------------------------------------------
// Decoded arrays

/** Throws `RuntimeInputError` when an array of the decoded table claims more values than its buffers hold. */
export function verifyTableData(table: Table): void {
  let rows = 0;
  for (const batch of table.batches) {
    rows += batch.numRows;
    for (const child of batch.data.children) {
      if (child.length !== batch.numRows) bad(`a column has ${child.length} values in a record batch of ${batch.numRows} rows`);
      verifyData(child, 1);
    }
  }
  if (rows > MAX_COUNT) bad(`the table has ${rows} rows, more than 2^31 - 1`);
}

function verifyData(data: Data, depth: number): void {
  if (depth > MAX_NESTING) bad(`the arrays nest more than ${MAX_NESTING} levels`);
  const type = data.type as DataType;
  const n = data.length;
  const short = (what: string): never => bad(`an array of type ${String(type)} and length ${n} has too short a ${what}`);
  if (data.nullCount > 0 && (data.nullBitmap?.length ?? 0) * 8 < n) short("validity bitmap");
  const values = data.values as ArrayLike<unknown> | undefined;
  const valueCount = values?.length ?? 0;

  if (DataType.isDictionary(type)) {
    if (valueCount < n) short("buffer of indices");
    for (const chunk of (data.dictionary?.data ?? []) as Data[]) verifyData(chunk, depth + 1);
    return;
  }
  if (DataType.isBool(type)) {
    if (valueCount * 8 < n) short("values buffer");
    return;
  }
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isBinary(type) || DataType.isLargeBinary(type)) {
    verifyOffsets(data, valueCount, short);
    return;
  }
  if (DataType.isList(type) || DataType.isLargeList(type) || DataType.isMap(type)) {
    const child = data.children[0];
    if (child === undefined) return short("child");
    verifyOffsets(data, child.length, short);
    verifyData(child, depth + 1);
    return;
  }
  if (DataType.isFixedSizeList(type)) {
    const child = data.children[0];
    if (child === undefined || child.length < n * type.listSize) return short("child");
    verifyData(child, depth + 1);
    return;
  }
  if (DataType.isStruct(type)) {
    for (const child of data.children) {
      if (child.length < n) short("child");
      verifyData(child, depth + 1);
    }
    return;
  }
  if (DataType.isUnion(type)) {
    if ((data.typeIds?.length ?? 0) < n) short("type id buffer");
    if (DataType.isDenseUnion(type) && (data.valueOffsets?.length ?? 0) < n) short("offsets buffer");
    for (const child of data.children) verifyData(child, depth + 1);
    return;
  }
  if (DataType.isNull(type)) return;
  // Fixed width (ints, floats, decimals, dates, times, durations, intervals, fixed-size binary, views): `stride`
  // elements of the values array per value.
  if (valueCount < n * data.stride) short("values buffer");
  for (const child of data.children) verifyData(child, depth + 1);
}

function verifyOffsets(data: Data, limit: number, short: (what: string) => never): void {
  const n = data.length;
  if (n === 0) return;
  const offsets = data.valueOffsets as Int32Array | BigInt64Array | undefined;
  if (offsets === undefined || offsets.length < n + 1) short("offsets buffer");
  let previous = Number(offsets[0]!);
  if (previous < 0) bad(`an array of type ${String(data.type)} has a negative offset`);
  for (let i = 1; i <= n; i++) {
    const o = Number(offsets[i]!);
    if (o < previous) bad(`an array of type ${String(data.type)} has decreasing offsets`);
    previous = o;
  }
  if (previous > limit) bad(`an array of type ${String(data.type)} has offsets past the end of its values (${previous} > ${limit})`);
}
