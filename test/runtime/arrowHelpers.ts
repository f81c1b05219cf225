/** Rows -> an Arrow table typed after a spec, as a user's Arrow writer would produce: for the Arrow tests. */
import { Bool, DataType, Field, FixedSizeList, Float32, Int32, List, Table, Utf8, vectorFromArray, type Vector } from "apache-arrow";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileSource } from "../../src/compiler/compile.js";
import type { IrModule, Scalar } from "../../src/compiler/ir.js";

export const root = join(import.meta.dirname, "../..");

export function loadExample(name: string): { module: IrModule; rows: Record<string, unknown>[]; jsonl: string } {
  const file = join(root, "examples", `${name}.reward`);
  const result = compileSource(file, readFileSync(file, "utf8"));
  if (!result.module) throw new Error(`example ${name} does not compile`);
  const jsonl = readFileSync(join(root, "examples/data", `${name}.jsonl`), "utf8");
  const rows = jsonl.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { module: result.module, rows, jsonl };
}

function scalarType(type: Scalar): DataType {
  return type === "f32" ? new Float32() : type === "i32" ? new Int32() : new Bool();
}

/** The spec's columns of `rows`; `types` overrides the Arrow type of a column by name. */
export function tableOf(module: IrModule, rows: Record<string, unknown>[], types: Record<string, DataType> = {}): Table {
  const columns: Record<string, Vector> = {};
  const column = (name: string, type: DataType): void => {
    columns[name] = vectorFromArray(rows.map((r) => (r[name] === undefined ? null : r[name])), types[name] ?? type);
  };
  if (module.groupKey !== null) column(module.groupKey, typeof rows[0]?.[module.groupKey] === "number" ? new Int32() : new Utf8());
  for (const decl of module.inputs) {
    if (decl.feature) continue;
    if (decl.axis === null) column(decl.name, scalarType(decl.type));
    else {
      const axis = module.axes.find((a) => a.name === decl.axis)!;
      const item = new Field("item", scalarType(decl.type), true);
      column(decl.name, axis.kind === "fixed" ? new FixedSizeList(axis.width!, item) : new List(item));
    }
  }
  for (const t of module.texts ?? []) column(t.name, new Utf8());
  return new Table(columns);
}
