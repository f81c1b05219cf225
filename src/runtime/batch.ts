/**
 * The columnar batch every backend reads: one typed array per input, a group index per rollout and CSR
 * offsets per axis. There is no object per rollout. Rollouts of a group need not be adjacent: groups are
 * numbered in order of first appearance and every output comes back in input order.
 *
 * Layout:
 *  - scalar input: one value per rollout (`size` values);
 *  - array input along axis `a`: the rollouts' arrays concatenated; rollout i owns
 *    `[offsets[i], offsets[i+1])` of `axes.get(a)`. Every input along one axis has the same per-rollout
 *    lengths, so one offsets array serves them all. Fixed axes (`float[3]`) have offsets `i * width`.
 *  - f32 in Float32Array, i32 in Int32Array, bool in Uint8Array holding 0/1.
 *  - without `group by` (module.groupKey === null) the whole batch is one group, keyed "" (no group when
 *    the batch is empty).
 *  - `string` inputs (module.texts) are given as one string per rollout and kept in `texts`; the derived inputs
 *    computed from them (`InputDecl.feature`, see text.ts) are ordinary scalar columns, filled by the batch
 *    constructors and never given by callers. Backends read only `columns`.
 */
import { allocColumn, type Column } from "../compiler/columnOps.js";
import type { Axis, IrModule, Scalar } from "../compiler/ir.js";
import { InternalError } from "../diagnostics/diagnostic.js";
import { RuntimeInputError, MAX_REPORTED_ERRORS, describeValue } from "./errors.js";
import { computeTextFeatures } from "./text.js";
import { checkJsonValue, checkRange } from "./values.js";

export type GroupKey = string | number;

export interface Batch {
  /** Number of rollouts. */
  size: number;
  /** Group index of each rollout (length `size`). */
  groupIds: Int32Array;
  groupCount: number;
  /** The key of each group, by group index. */
  groupKeys: GroupKey[];
  /** Input name -> values (see the layout above). */
  columns: Map<string, Column>;
  /** Axis name -> offsets of length size + 1. */
  axes: Map<string, Int32Array>;
  /**
   * `string` input name -> one string per rollout; absent when the module has none. The derived columns were
   * computed from these; they are kept (by reference, not copied) so a batch can be reordered or rebuilt with
   * its features recomputed, and shown to people. Backends never read them.
   */
  texts?: ReadonlyMap<string, readonly string[]>;
}


export function columnMatchesType(column: Column, type: Scalar): boolean {
  return type === "f32" ? column instanceof Float32Array : type === "i32" ? column instanceof Int32Array : column instanceof Uint8Array;
}

export function findAxis(module: IrModule, name: string): Axis {
  const axis = module.axes.find((a) => a.name === name);
  if (!axis) throw new InternalError(`input uses axis \`${name}\`, which the module does not declare`);
  return axis;
}

function fixedWidth(axis: Axis): number {
  if (axis.kind !== "fixed") return -1;
  if (axis.width === undefined || !Number.isInteger(axis.width) || axis.width < 0) {
    throw new InternalError(`fixed axis \`${axis.name}\` has no valid width`);
  }
  return axis.width;
}

function fixedOffsets(size: number, width: number): Int32Array {
  const o = new Int32Array(size + 1);
  for (let i = 0; i <= size; i++) o[i] = i * width;
  return o;
}

/** Numbers group keys in order of first appearance. `1` and `"1"` are different keys. */
function numberGroups(keys: ArrayLike<GroupKey>, n: number): { groupIds: Int32Array; groupKeys: GroupKey[] } {
  const groupIds = new Int32Array(n);
  const index = new Map<GroupKey, number>();
  const groupKeys: GroupKey[] = [];
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    let g = index.get(k);
    if (g === undefined) {
      g = groupKeys.length;
      index.set(k, g);
      groupKeys.push(k);
    }
    groupIds[i] = g;
  }
  return { groupIds, groupKeys };
}

function ungrouped(size: number): { groupIds: Int32Array; groupKeys: GroupKey[] } {
  return { groupIds: new Int32Array(size), groupKeys: size > 0 ? [""] : [] };
}

// ---------------------------------------------------------------------------------------------------------
// From typed columns

export interface ColumnInput {
  /** One group key per rollout (string or finite number); required with `group by`, ignored without. */
  groupKeys?: ArrayLike<GroupKey>;
  /**
   * Input name -> values. Arrays of the right typed-array class are used as they are, never copied. Derived inputs
   * (computed from `texts`) are not given here.
   */
  columns: Record<string, ArrayLike<number | boolean>> | ReadonlyMap<string, ArrayLike<number | boolean>>;
  /** `string` input name -> one string per rollout, for each of `module.texts`. Kept by reference, not copied. */
  texts?: Record<string, readonly string[]> | ReadonlyMap<string, readonly string[]>;
  /** Ragged axis name -> offsets (length size + 1). Fixed axes need none. */
  offsets?: Record<string, ArrayLike<number>> | ReadonlyMap<string, ArrayLike<number>>;
  /** Number of rollouts; inferred from the group keys or columns when absent. */
  size?: number;
}

function lookup<T>(source: Record<string, T> | ReadonlyMap<string, T> | undefined, name: string): T | undefined {
  if (source === undefined) return undefined;
  if (source instanceof Map) return (source as ReadonlyMap<string, T>).get(name);
  return Object.prototype.hasOwnProperty.call(source, name) ? (source as Record<string, T>)[name] : undefined;
}

/**
 * Builds a batch from typed arrays, checking every length, offset and value (types, finiteness, ranges).
 * Throws `RuntimeInputError` listing every problem (at most 20, then `... and N more`).
 */
export function batchFromColumns(module: IrModule, input: ColumnInput): Batch {
  const problems: string[] = [];
  let omitted = 0;
  const problem = (message: string): void => {
    if (problems.length < MAX_REPORTED_ERRORS) problems.push(message);
    else omitted++;
  };
  const fail = (): never => {
    const lines = omitted > 0 ? [...problems, `... and ${omitted} more`] : problems;
    throw new RuntimeInputError(`invalid batch:\n${lines.map((l) => `  ${l}`).join("\n")}`);
  };

  // The batch size.
  let size = input.size;
  if (size === undefined && module.groupKey !== null && input.groupKeys !== undefined) size = input.groupKeys.length;
  if (size === undefined) {
    for (const decl of module.inputs) {
      const col = lookup(input.columns, decl.name);
      if (decl.axis === null && decl.feature === undefined && col !== undefined) {
        size = col.length;
        break;
      }
    }
  }
  if (size === undefined) {
    for (const decl of module.texts ?? []) {
      const strings = lookup(input.texts, decl.name);
      if (Array.isArray(strings)) {
        size = strings.length;
        break;
      }
    }
  }
  if (size === undefined) {
    for (const axis of module.axes) {
      const o = lookup(input.offsets, axis.name);
      if (axis.kind === "ragged" && o !== undefined) {
        size = Math.max(0, o.length - 1);
        break;
      }
    }
  }
  if (size === undefined) {
    for (const decl of module.inputs) {
      const col = lookup(input.columns, decl.name);
      if (decl.axis !== null && col !== undefined) {
        const w = fixedWidth(findAxis(module, decl.axis));
        if (w > 0) {
          size = Math.floor(col.length / w);
          break;
        }
      }
    }
  }
  if (size === undefined) {
    if (module.inputs.length === 0 && (module.texts ?? []).length === 0 && module.groupKey === null) size = 0;
    else throw new RuntimeInputError("invalid batch: cannot tell the number of rollouts; give `size`");
  }
  if (!Number.isInteger(size) || size < 0) throw new RuntimeInputError(`invalid batch: size must be a non-negative integer, found ${describeValue(size)}`);

  // Groups.
  let groups = ungrouped(size);
  if (module.groupKey !== null) {
    const keys = input.groupKeys;
    if (keys === undefined) problem(`group key column \`${module.groupKey}\` is missing`);
    else if (keys.length !== size) problem(`group key column \`${module.groupKey}\` has ${keys.length} values, expected ${size} (one per rollout)`);
    else {
      let bad = false;
      for (let i = 0; i < size; i++) {
        const k = keys[i] as unknown;
        if (!(typeof k === "string" || (typeof k === "number" && Number.isFinite(k)))) {
          problem(`group key \`${module.groupKey}\`[${i}]: expected a string or a finite number, found ${describeValue(k)}`);
          bad = true;
        }
      }
      if (!bad) groups = numberGroups(keys, size);
    }
  }

  // Offsets.
  const axes = new Map<string, Int32Array>();
  for (const axis of module.axes) {
    const w = fixedWidth(axis);
    if (w >= 0) {
      axes.set(axis.name, fixedOffsets(size, w));
      continue;
    }
    const given = lookup(input.offsets, axis.name);
    if (given === undefined) {
      if (module.inputs.some((d) => d.axis === axis.name)) problem(`offsets for axis \`${axis.name}\` are missing`);
      else axes.set(axis.name, new Int32Array(size + 1));
      continue;
    }
    if (given.length !== size + 1) {
      problem(`offsets for axis \`${axis.name}\` have ${given.length} entries, expected ${size + 1} (rollouts + 1)`);
      continue;
    }
    let ok = given[0] === 0;
    for (let i = 1; ok && i <= size; i++) {
      const v = given[i]!;
      if (!Number.isInteger(v) || v < given[i - 1]! || v > 2147483647) ok = false;
    }
    if (!ok) {
      problem(`offsets for axis \`${axis.name}\` must start at 0 and never decrease`);
      continue;
    }
    axes.set(axis.name, given instanceof Int32Array ? given : Int32Array.from(given));
  }

  // Strings.
  const texts = new Map<string, readonly string[]>();
  for (const decl of module.texts ?? []) {
    const given = lookup(input.texts, decl.name) as unknown;
    if (given === undefined) {
      problem(`strings \`${decl.name}\` are missing (give them in \`texts\`)`);
      continue;
    }
    if (!Array.isArray(given)) {
      problem(`strings \`${decl.name}\`: expected an array of strings, found ${describeValue(given)}`);
      continue;
    }
    if (given.length !== size) {
      problem(`strings \`${decl.name}\` have ${given.length} values, expected ${size} (one per rollout)`);
      continue;
    }
    let bad = false;
    for (let i = 0; i < size; i++) {
      const v = given[i] as unknown;
      if (typeof v !== "string") {
        problem(`strings \`${decl.name}\`[${i}]: expected string, found ${describeValue(v)}`);
        bad = true;
      }
    }
    if (!bad) texts.set(decl.name, given as readonly string[]);
  }

  // Columns.
  const columns = new Map<string, Column>();
  for (const decl of module.inputs) {
    const given = lookup(input.columns, decl.name);
    if (decl.feature !== undefined) {
      if (given !== undefined) problem(`column \`${decl.name}\` is computed from the string inputs; give the strings in \`texts\`, not this column`);
      continue;
    }
    if (given === undefined) {
      problem(`column \`${decl.name}\` is missing`);
      continue;
    }
    let expected = size;
    if (decl.axis !== null) {
      const offsets = axes.get(decl.axis);
      if (offsets === undefined) continue; // its offsets were already reported
      expected = offsets[size]!;
    }
    if (given.length !== expected) {
      const what = decl.axis === null ? "one per rollout" : `the offsets of axis \`${decl.axis}\` end at ${expected}`;
      problem(`column \`${decl.name}\` has ${given.length} values, expected ${expected} (${what})`);
      continue;
    }
    const column = toColumn(decl.type, given, decl.range, (i, message) => problem(`column \`${decl.name}\`[${i}]: ${message}`));
    if (column !== null) columns.set(decl.name, column);
  }

  if (problems.length > 0) fail();
  return withTexts(module, { size, groupIds: groups.groupIds, groupCount: groups.groupKeys.length, groupKeys: groups.groupKeys, columns, axes }, texts);
}

/** `batch` with its `string` inputs set and the derived columns computed from them (no-op without string inputs). */
function withTexts(module: IrModule, batch: Batch, texts: Map<string, readonly string[]>): Batch {
  if ((module.texts ?? []).length === 0 && !module.inputs.some((d) => d.feature !== undefined)) return batch;
  for (const [name, column] of computeTextFeatures(module, texts, batch.size)) batch.columns.set(name, column);
  return { ...batch, texts };
}

/** Checks and, when the class differs, converts a column. Returns null when some value was bad. */
function toColumn(
  type: Scalar,
  given: ArrayLike<number | boolean>,
  range: [number, number] | null,
  problem: (index: number, message: string) => void,
): Column | null {
  const n = given.length;
  let bad = false;
  if (columnMatchesType(given as Column, type)) {
    const col = given as Column;
    // Typed arrays can still hold values the row loader would reject: NaN, Inf, bools other than 0/1.
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      let message: string | null = null;
      if (type === "f32" && !Number.isFinite(v)) message = `expected float, found ${describeValue(v)}`;
      else if (type === "bool" && v > 1) message = `expected bool (0 or 1), found ${v}`;
      else message = checkRange(range, v);
      if (message !== null) {
        problem(i, message);
        bad = true;
      }
    }
    return bad ? null : col;
  }
  const out = allocColumn(type, n);
  for (let i = 0; i < n; i++) {
    const raw = given[i];
    let v: unknown = raw;
    // In a numeric column a bool is 0/1; booleans are accepted too.
    if (type === "bool" && (raw === 0 || raw === 1)) v = raw === 1;
    const message = checkJsonValue(type, v) ?? checkRange(range, Number(v));
    if (message !== null) {
      problem(i, message);
      bad = true;
      continue;
    }
    out[i] = Number(v);
  }
  return bad ? null : out;
}

// ---------------------------------------------------------------------------------------------------------
// Incremental builder (used by the row loader)

class Growable {
  data: Column;
  length = 0;
  constructor(readonly type: Scalar, capacity: number) {
    this.data = allocColumn(type, Math.max(capacity, 16));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = allocColumn(this.type, this.data.length * 2);
      next.set(this.data as never);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  finish(): Column {
    return this.data.slice(0, this.length);
  }
}

/**
 * Appends rollouts one at a time. Values are taken as given (the caller has checked types and ranges);
 * only the axis bookkeeping is checked, since a wrong length would corrupt every later rollout. The derived
 * inputs are computed from the strings once, for the whole batch, in `finish`.
 */
export class BatchBuilder {
  private size = 0;
  private readonly keys: GroupKey[] = [];
  private readonly columns: Growable[];
  private readonly offsets = new Map<string, Growable>();
  private readonly widths = new Map<string, number>();
  private readonly lengths = new Map<string, number>();
  private readonly strings: string[][];

  constructor(private readonly module: IrModule, capacity = 1024) {
    this.columns = module.inputs.map((d) => new Growable(d.type, d.feature === undefined ? capacity : 0));
    this.strings = (module.texts ?? []).map(() => []);
    for (const axis of module.axes) {
      const w = fixedWidth(axis);
      if (w >= 0) this.widths.set(axis.name, w);
      else {
        const o = new Growable("i32", capacity + 1);
        o.push(0);
        this.offsets.set(axis.name, o);
      }
    }
  }

  /**
   * Adds one rollout. `values[k]` belongs to `module.inputs[k]`: a number for a scalar input (bools as
   * 0/1), an array of numbers for an array input; the entries of derived inputs are ignored (they are computed).
   * `texts[t]` is the rollout's string for `module.texts[t]`. `groupKey` is ignored without `group by`.
   */
  add(groupKey: GroupKey | null, values: ReadonlyArray<number | ArrayLike<number>>, texts: readonly string[] = []): void {
    const inputs = this.module.inputs;
    if (values.length !== inputs.length) throw new InternalError(`BatchBuilder.add got ${values.length} values for ${inputs.length} inputs`);
    if (texts.length !== this.strings.length) throw new InternalError(`BatchBuilder.add got ${texts.length} strings for ${this.strings.length} string inputs`);
    this.lengths.clear();
    for (let k = 0; k < inputs.length; k++) {
      const axis = inputs[k]!.axis;
      const v = values[k]!;
      if (axis === null || inputs[k]!.feature !== undefined) continue;
      if (typeof v === "number") throw new RuntimeInputError(`input \`${inputs[k]!.name}\` is an array; got a single number`);
      const width = this.widths.get(axis);
      const seen = width ?? this.lengths.get(axis);
      if (seen !== undefined && seen !== v.length) {
        throw new RuntimeInputError(`input \`${inputs[k]!.name}\` has ${v.length} elements where axis \`${axis}\` has ${seen}`);
      }
      this.lengths.set(axis, v.length);
    }
    for (let k = 0; k < inputs.length; k++) {
      if (inputs[k]!.feature !== undefined) continue;
      const v = values[k]!;
      const col = this.columns[k]!;
      if (typeof v === "number") col.push(v);
      else for (let j = 0; j < v.length; j++) col.push(v[j]!);
    }
    for (let t = 0; t < texts.length; t++) this.strings[t]!.push(texts[t]!);
    for (const [axis, o] of this.offsets) o.push(o.data[o.length - 1]! + (this.lengths.get(axis) ?? 0));
    if (this.module.groupKey !== null) {
      if (groupKey === null) throw new RuntimeInputError(`rollout ${this.size} has no group key`);
      this.keys.push(groupKey);
    }
    this.size++;
  }

  get count(): number {
    return this.size;
  }

  finish(): Batch {
    const size = this.size;
    const groups = this.module.groupKey !== null ? numberGroups(this.keys, size) : ungrouped(size);
    const columns = new Map<string, Column>();
    this.module.inputs.forEach((d, k) => {
      if (d.feature === undefined) columns.set(d.name, this.columns[k]!.finish());
    });
    const axes = new Map<string, Int32Array>();
    for (const axis of this.module.axes) {
      const w = this.widths.get(axis.name);
      axes.set(axis.name, w !== undefined ? fixedOffsets(size, w) : (this.offsets.get(axis.name)!.finish() as Int32Array));
    }
    const texts = new Map((this.module.texts ?? []).map((d, t) => [d.name, this.strings[t]!.slice()] as const));
    return withTexts(this.module, { size, groupIds: groups.groupIds, groupCount: groups.groupKeys.length, groupKeys: groups.groupKeys, columns, axes }, texts);
  }
}

// ---------------------------------------------------------------------------------------------------------

/**
 * The batch made of the rollouts `indices` (in that order; repeats allowed). Groups are renumbered in
 * order of first appearance. Useful to permute a batch, or to keep the rollouts a `keep` mask selected.
 */
export function takeRollouts(module: IrModule, batch: Batch, indices: ArrayLike<number>): Batch {
  const n = indices.length;
  for (let k = 0; k < n; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= batch.size) throw new RuntimeInputError(`rollout index ${i} is out of range 0..${batch.size - 1}`);
  }
  const keys: GroupKey[] = new Array(n);
  for (let k = 0; k < n; k++) keys[k] = batch.groupKeys[batch.groupIds[indices[k]!]!]!;
  const groups = numberGroups(keys, n);
  const axes = new Map<string, Int32Array>();
  for (const [name, offsets] of batch.axes) {
    const o = new Int32Array(n + 1);
    for (let k = 0; k < n; k++) {
      const i = indices[k]!;
      o[k + 1] = o[k]! + offsets[i + 1]! - offsets[i]!;
    }
    axes.set(name, o);
  }
  const columns = new Map<string, Column>();
  for (const decl of module.inputs) {
    const col = batch.columns.get(decl.name);
    if (col === undefined) throw new RuntimeInputError(`batch has no column for input \`${decl.name}\``);
    if (decl.axis === null) {
      const out = allocColumn(decl.type, n);
      for (let k = 0; k < n; k++) out[k] = col[indices[k]!]!;
      columns.set(decl.name, out);
    } else {
      const from = batch.axes.get(decl.axis);
      const to = axes.get(decl.axis);
      if (from === undefined || to === undefined) throw new RuntimeInputError(`batch has no offsets for axis \`${decl.axis}\``);
      const out = allocColumn(decl.type, to[n]!);
      for (let k = 0; k < n; k++) {
        const i = indices[k]!;
        out.set(col.subarray(from[i]!, from[i + 1]!) as never, to[k]!);
      }
      columns.set(decl.name, out);
    }
  }
  const taken: Batch = { size: n, groupIds: groups.groupIds, groupCount: groups.groupKeys.length, groupKeys: groups.groupKeys, columns, axes };
  if (batch.texts !== undefined) {
    const texts = new Map<string, readonly string[]>();
    for (const [name, strings] of batch.texts) texts.set(name, Array.from(indices, (i) => strings[i]!));
    taken.texts = texts;
  }
  return taken;
}

export { allocColumn, type Column };
