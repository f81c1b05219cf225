/** Small I/O helpers shared by the commands: atomic writes, reading inputs and telling their format. */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { DataType, Field, makeData, RecordBatch, Schema, Struct, Table, vectorFromArray, Utf8, Int32, Float64, type Data, type Vector } from "apache-arrow";
import type { IrModule } from "../compiler/ir.js";
import { columnData, hasArrowMagic } from "../runtime/arrow.js";
import type { Batch } from "../runtime/batch.js";
import { shortestF32 } from "../util/numbers.js";

/**
 * Writes through a temporary file, synced to disk, and a rename (then syncs the directory), so a failed run
 * never leaves a partial file behind and a written file survives a crash. A failure
 * names `path`, the file the user asked for, not the temporary file next to it.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    // Synced before the rename: else a crash soon after could leave the new name on empty or partial contents.
    const fd = openSync(tmp, "w");
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UsageError(`cannot write \`${path}\`: ${reasonOf(e)}`);
  }
  syncDirectory(dir);
}

/** Makes a rename in `dir` durable. Not every platform can open or sync a directory (Windows): there it is skipped. */
function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, "r");
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EINVAL / EISDIR / EPERM where directories cannot be synced: the rename itself is done.
  } finally {
    closeSync(fd);
  }
}

/** `no such file or directory` from Node's `ENOENT: no such file or directory, open '/tmp/.x.123.tmp'`. */
function reasonOf(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return /^E[A-Z]+: ([^,]+),/.exec(message)?.[1] ?? message;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export type DataFormat = "jsonl" | "arrow";
export const DATA_FORMATS: readonly DataFormat[] = ["jsonl", "arrow"];

const EXTENSIONS: Record<string, DataFormat> = {
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
  ".arrow": "arrow",
  ".arrows": "arrow",
  ".feather": "arrow",
  ".ipc": "arrow",
};

/** `--format` / `--out-format` as given, checked. */
export function parseFormat(flag: string, value: string | undefined): DataFormat | undefined {
  if (value === undefined) return undefined;
  if ((DATA_FORMATS as readonly string[]).includes(value)) return value as DataFormat;
  throw new UsageError(`${flag} takes ${DATA_FORMATS.join(" or ")}, found \`${value}\``);
}

/** The format a file name says (`.jsonl`, `.ndjson`; `.arrow`, `.arrows`, `.feather`, `.ipc`), or undefined. */
export function formatOfPath(path: string): DataFormat | undefined {
  return EXTENSIONS[extname(path).toLowerCase()];
}

/**
 * The format the bytes are in, from their first bytes: an Arrow IPC stream starts with the continuation
 * marker 0xFFFFFFFF, an Arrow file with `ARROW1`; JSONL never starts with either (it is text, and a JSON
 * text cannot start with 0xFF or `A`). Anything else is taken as JSONL, whose parser then reports it.
 */
export function sniffFormat(bytes: Uint8Array): DataFormat {
  return hasArrowMagic(bytes) ? "arrow" : "jsonl";
}

/** The bytes of `path` (`-`: stdin); a missing or unreadable file is a usage error naming it. */
export function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path === "-" ? 0 : path);
  } catch (e) {
    throw new UsageError(`cannot read \`${path}\`: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : reasonOf(e)}`);
  }
}

/**
 * Each row of an Arrow table as a JSON object's text, columns in schema order (`skip` left out): 64-bit ints
 * keep every digit, Float32 values print with the fewest digits that read back, NaN and infinities as null,
 * lists as arrays, structs as objects; other types (dates, decimals, binary) as their string form.
 */
export function tableToJsonLines(table: Table, skip: ReadonlySet<string>): string[] {
  const columns = table.schema.fields
    .map((f, k) => ({ f, vector: table.getChildAt(k)! }))
    .filter(({ f }) => !skip.has(f.name))
    .map(({ f, vector }) => ({ key: JSON.stringify(f.name), type: f.type as DataType, vector }));
  const lines: string[] = new Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    lines[i] = `{${columns.map(({ key, type, vector }) => `${key}:${jsonOf(type, vector.isValid(i) ? vector.get(i) : null)}`).join(",")}}`;
  }
  return lines;
}

function jsonOf(type: DataType, v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (DataType.isDictionary(type)) return jsonOf(type.dictionary, v);
  if (typeof v === "bigint") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return "null";
    return String(DataType.isFloat(type) && type.precision !== 2 ? shortestF32(v) : v);
  }
  if (typeof v === "string") return JSON.stringify(v);
  if (DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type)) {
    const element = type.children[0]!.type as DataType;
    const vector = v as Vector;
    const parts: string[] = [];
    for (let j = 0; j < vector.length; j++) parts.push(jsonOf(element, vector.isValid(j) ? vector.get(j) : null));
    return `[${parts.join(",")}]`;
  }
  if (DataType.isStruct(type)) {
    const row = v as Record<string, unknown>;
    return `{${type.children.map((f) => `${JSON.stringify(f.name)}:${jsonOf(f.type as DataType, row[f.name] ?? null)}`).join(",")}}`;
  }
  return JSON.stringify(String(v));
}

/**
 * The spec's columns of JSONL rows as an Arrow table (group key, inputs, string inputs), one record batch per
 * scored batch, for Arrow output from JSONL input. Inputs come from the batches, exactly as they were scored.
 * Returns a message when the rows cannot be one Arrow table: group keys mixing strings and numbers.
 */
export function specTableFromRows(module: IrModule, rows: Record<string, unknown>[], batches: Batch[]): Table | string {
  const fields: Field[] = [];
  let keyType: DataType | null = null;
  if (module.groupKey !== null) {
    const keys = rows.map((r) => r[module.groupKey!]);
    const strings = keys.filter((k) => typeof k === "string").length;
    if (strings > 0 && strings < keys.length) {
      return `group \`${module.groupKey}\` mixes string and number keys, which one Arrow column cannot hold (and "1" and 1 are different groups): write JSONL, or give keys of one type`;
    }
    keyType = strings > 0 ? new Utf8() : keys.every((k) => Number.isInteger(k) && (k as number) >= -2147483648 && (k as number) <= 2147483647) ? new Int32() : new Float64();
    fields.push(new Field(module.groupKey, keyType, false));
  }
  const given = module.inputs.filter((d) => d.feature === undefined);
  const texts = module.texts ?? [];
  const recordBatches: RecordBatch[] = [];
  let start = 0;
  let schema: Schema | null = null;
  for (const batch of batches) {
    const children: Data[] = [];
    const batchFields: Field[] = [...fields];
    if (keyType !== null) children.push(vectorFromArray(rows.slice(start, start + batch.size).map((r) => r[module.groupKey!]), keyType).data[0]!);
    for (const decl of given) {
      const made = columnData(decl.name, decl.type, batch.columns.get(decl.name)!, decl.axis === null ? null : batch.axes.get(decl.axis)!, batch.size);
      batchFields.push(made.field);
      children.push(made.data);
    }
    for (const t of texts) {
      batchFields.push(new Field(t.name, new Utf8(), false));
      children.push(vectorFromArray(rows.slice(start, start + batch.size).map((r) => r[t.name] as string), new Utf8()).data[0]!);
    }
    schema ??= new Schema(batchFields);
    recordBatches.push(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.size, nullCount: 0, children })));
    start += batch.size;
  }
  return new Table(schema ?? new Schema(fields), recordBatches);
}
