/**
 * Rollouts given as JSON objects (one per JSONL line) -> a columnar `Batch`. Every input field is checked
 * against its declaration; nothing is coerced. All errors are collected (the first 20 reported one by one,
 * then `... and N more`); no JSON value makes this throw. Fields the spec does not declare are ignored.
 *
 * Messages (field = the input's name, or "" for the whole row):
 *   missing field `x`
 *   field `x`: expected float, found "a"           (float: finite JSON number within float32)
 *   field `x`: expected float, found 1e+39 (out of float32 range)
 *   field `x`: expected int, found 1.5              (int: integral JSON number)
 *   field `x`: expected int, found 3000000000 (out of int32 range)
 *   field `x`: expected bool, found 1               (bool: JSON true/false only)
 *   field `completion`: expected string, found 3    (string: JSON strings only; derived inputs are computed)
 *   field `x`: value 2 is outside the declared range 0..1
 *   field `steps`: expected array of float, found 3
 *   field `steps`[3]: expected float, found "x"     (also: `[3]: value ... is outside the declared range`)
 *   field `probs`: expected 3 elements, found 2     (fixed-width axis)
 *   fields `a` and `b` are both along axis `tokens` but have different lengths (3 and 4)   (field = b)
 *   field `prompt`: expected a string or a finite number (group key), found null
 *   field `prompt`: expected a string or a finite number (group key), found 9007199254740992 (beyond 2^53)
 *   expected a JSON object, found an array          (field "")
 */
import type { IrModule } from "../compiler/ir.js";
import { BatchBuilder, findAxis, type Batch, type GroupKey } from "./batch.js";
import { ErrorSink, describeValue, type RowError } from "./errors.js";
import { checkGroupKey, checkJsonValue, checkRange, typeName } from "./values.js";

export type RowsResult = { batch: Batch } | { errors: RowError[] };

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Checks and loads `rows`. `lineNumbers[i]` is the 1-based line of `rows[i]` for messages (default i + 1).
 */
export function batchFromRows(module: IrModule, rows: readonly unknown[], lineNumbers?: readonly number[]): RowsResult {
  const sink = new ErrorSink();
  const builder = new BatchBuilder(module, Math.max(16, rows.length));
  const inputs = module.inputs;
  const widths = inputs.map((d) => {
    if (d.axis === null) return -1;
    const axis = findAxis(module, d.axis);
    return axis.kind === "fixed" ? (axis.width ?? 0) : -1;
  });
  const values: (number | number[])[] = new Array(inputs.length).fill(0);
  const textDecls = module.texts ?? [];
  const texts: string[] = new Array(textDecls.length);
  // Per-row: the first array seen on each ragged axis, to compare lengths against.
  const axisFirst = new Map<string, { field: string; length: number }>();

  for (let r = 0; r < rows.length; r++) {
    const line = lineNumbers?.[r] ?? r + 1;
    const row = rows[r];
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      sink.add(line, "", `expected a JSON object, found ${describeValue(row)}`);
      continue;
    }
    const obj = row as Record<string, unknown>;

    let key: GroupKey | null = null;
    if (module.groupKey !== null) {
      const name = module.groupKey;
      if (!hasOwn(obj, name)) sink.add(line, name, `missing field \`${name}\``);
      else {
        const k = obj[name];
        const message = checkGroupKey(k);
        if (message === null) key = k as GroupKey;
        else sink.add(line, name, `field \`${name}\`: ${message}`);
      }
    }

    for (let t = 0; t < textDecls.length; t++) {
      const name = textDecls[t]!.name;
      if (!hasOwn(obj, name)) sink.add(line, name, `missing field \`${name}\``);
      else {
        const v = obj[name];
        if (typeof v === "string") texts[t] = v;
        else sink.add(line, name, `field \`${name}\`: expected string, found ${describeValue(v)}`);
      }
    }

    axisFirst.clear();
    for (let k = 0; k < inputs.length; k++) {
      const decl = inputs[k]!;
      if (decl.feature !== undefined) continue;
      const name = decl.name;
      if (!hasOwn(obj, name)) {
        sink.add(line, name, `missing field \`${name}\``);
        continue;
      }
      const v = obj[name];
      if (decl.axis === null) {
        const message = checkJsonValue(decl.type, v) ?? checkRange(decl.range, v as number);
        if (message !== null) sink.add(line, name, `field \`${name}\`: ${message}`);
        else values[k] = v === true ? 1 : v === false ? 0 : (v as number);
        continue;
      }
      if (!Array.isArray(v)) {
        sink.add(line, name, `field \`${name}\`: expected array of ${typeName(decl.type)}, found ${describeValue(v)}`);
        continue;
      }
      const arr = v as unknown[];
      const width = widths[k]!;
      if (width >= 0) {
        if (arr.length !== width) sink.add(line, name, `field \`${name}\`: expected ${width} elements, found ${arr.length}`);
      } else {
        const first = axisFirst.get(decl.axis);
        if (first === undefined) axisFirst.set(decl.axis, { field: name, length: arr.length });
        else if (first.length !== arr.length) {
          sink.add(
            line,
            name,
            `fields \`${first.field}\` and \`${name}\` are both along axis \`${decl.axis}\` but have different lengths (${first.length} and ${arr.length})`,
          );
        }
      }
      const out: number[] = new Array(arr.length);
      for (let j = 0; j < arr.length; j++) {
        const e = arr[j];
        const message = checkJsonValue(decl.type, e) ?? checkRange(decl.range, e as number);
        if (message !== null) sink.add(line, name, `field \`${name}\`[${j}]: ${message}`);
        else out[j] = e === true ? 1 : e === false ? 0 : (e as number);
      }
      values[k] = out;
    }

    // Once any row is bad there is no batch to build; keep checking to report every error.
    if (sink.count === 0) builder.add(key, values, texts);
  }

  if (sink.count > 0) return { errors: sink.finish() };
  return { batch: builder.finish() };
}
