/**
 * fast-check arbitraries for batches of a compiled spec, derived from its input declarations: types, declared
 * ranges (their edges weighted in), ragged axes (empty arrays included), fixed-width vectors, and groups
 * (singletons and all-equal groups weighted in). Rollouts of a group are scattered through the batch, so groups
 * are not adjacent; every structure shrinks towards fewer groups, fewer members, shorter arrays and adjacent
 * groups, so a failing batch shrinks to a small, readable one.
 *
 * A generated row is what `rewardc run` reads: the group key (when the spec has one), every input the caller gives
 * (not the derived ones: the host computes those) and every `string` input (see arbitraryText.ts).
 * In a pair batch, a string the pair differs in is either drawn anew or a's with its digits shifted (as long as
 * a's, with other numbers, as a wrong answer reasoned alike would be), whichever differs from a's first.
 */
import fc from "fast-check";
import type { InputDecl, IrModule, PropertySettings } from "../compiler/ir.js";
import { arbitraryText, arbitraryTexts, shiftDigits } from "./arbitraryText.js";

export type Row = Record<string, unknown>;

/** Generator settings; anything left out takes the default. */
export interface BatchSettings {
  /** Number of groups (default 1..4). */
  groups?: [number, number];
  /** Rollouts per group (default 1..8). */
  groupSize?: [number, number];
  /** Lengths of ragged arrays per axis, `*` for every axis (default 0..8). */
  lengths?: Record<string, [number, number]>;
  /** Value ranges of inputs (default: the declared range, else -1000..1000 for ints and -100..100 for floats). */
  ranges?: Record<string, [number, number]>;
  /** Inputs fixed to one value (bools as true/false or 0/1). */
  fixed?: Record<string, number | boolean>;
}

export const DEFAULT_GROUPS: [number, number] = [1, 4];
export const DEFAULT_GROUP_SIZE: [number, number] = [1, 8];
export const DEFAULT_LENGTH: [number, number] = [0, 8];

/** The settings of a compiled property as `BatchSettings`. */
export function settingsOf(settings: PropertySettings): BatchSettings {
  return {
    ...(settings.groups ? { groups: settings.groups } : {}),
    ...(settings.groupSize ? { groupSize: settings.groupSize } : {}),
    lengths: settings.lengths,
    ranges: settings.ranges,
    fixed: settings.fixed,
  };
}

/** The JSON value of a scalar of `input` (bools as true/false). */
function jsonScalar(input: InputDecl, v: number | boolean): number | boolean {
  return input.type === "bool" ? v === true || v === 1 : (v as number);
}

/** Values of one scalar input: range edges and the middle weighted in, floats exactly representable in float32. */
export function arbitraryValue(input: InputDecl, settings: BatchSettings = {}): fc.Arbitrary<number | boolean> {
  const fixed = settings.fixed?.[input.name];
  if (fixed !== undefined) return fc.constant(jsonScalar(input, fixed));
  if (input.type === "bool") return fc.boolean();
  const [lo, hi] = settings.ranges?.[input.name] ?? input.range ?? (input.type === "i32" ? [-1000, 1000] : [-100, 100]);
  if (input.type === "i32") {
    return fc.oneof({ weight: 6, arbitrary: fc.integer({ min: lo, max: hi }) }, { weight: 1, arbitrary: fc.constantFrom(lo, hi) });
  }
  // The float32 values within [lo, hi]: a bound that is not a float32 is rounded inwards.
  const flo = Math.fround(lo) < lo ? nextUp(lo) : Math.fround(lo);
  const fhi = Math.fround(hi) > hi ? nextDown(hi) : Math.fround(hi);
  const mid = Math.fround((flo + fhi) / 2);
  // Subnormals become 0: WGSL lets a GPU flush them to zero, so backends may rightly differ on them.
  const inner = fc.float({ min: flo, max: fhi, noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) || Math.abs(x) < 1.1754944e-38 ? 0 : x));
  // Small integers shrink well and read well in a counterexample; they are weighted in where the range has them.
  const ints = Math.ceil(flo) <= Math.floor(fhi) ? [{ weight: 2, arbitrary: fc.integer({ min: Math.ceil(flo), max: Math.floor(fhi) }) }] : [];
  return fc.oneof({ weight: 4, arbitrary: inner }, ...ints, { weight: 1, arbitrary: fc.constantFrom(flo, fhi, mid) });
}

function nextUp(x: number): number {
  const f = new Float32Array([x]);
  const bits = new Int32Array(f.buffer);
  bits[0]! += f[0]! >= 0 ? 1 : -1;
  return f[0]!;
}

function nextDown(x: number): number {
  return -nextUp(-x);
}

/** The length range of ragged axis `axis`. */
function lengthRange(axis: string, settings: BatchSettings): [number, number] {
  return settings.lengths?.[axis] ?? settings.lengths?.["*"] ?? DEFAULT_LENGTH;
}

/**
 * One rollout's inputs (without the group key). Arrays along a ragged axis share one length per rollout: each
 * array is generated at the axis's longest length and cut, so lengths and values shrink independently.
 */
export function arbitraryRollout(module: IrModule, settings: BatchSettings = {}): fc.Arbitrary<Row> {
  const ragged = module.axes.filter((a) => a.kind === "ragged").map((a) => a.name);
  const inputs = givenInputs(module);
  const texts = (module.texts ?? []).map((t) => t.name);
  const lengths = ragged.map((axis) => {
    const [lo, hi] = lengthRange(axis, settings);
    const edges = lo === 0 ? [{ weight: 1, arbitrary: fc.constant(0) }] : [];
    return fc.oneof({ weight: 4, arbitrary: fc.integer({ min: lo, max: hi }) }, ...edges);
  });
  const fields = inputs.map((input) => {
    if (input.axis === null) return arbitraryValue(input, settings) as fc.Arbitrary<unknown>;
    const axis = module.axes.find((a) => a.name === input.axis)!;
    const n = axis.kind === "fixed" ? axis.width! : lengthRange(axis.name, settings)[1];
    return fc.array(arbitraryValue(input, settings), { minLength: n, maxLength: n }) as fc.Arbitrary<unknown>;
  });
  return fc.tuple(fc.tuple(...lengths), fc.tuple(...fields), arbitraryTexts(module, texts.length)).map(([ls, values, strings]) => {
    const lengthOf = new Map(ragged.map((axis, i) => [axis, ls[i]!]));
    const row: Row = {};
    inputs.forEach((input, i) => {
      const v = values[i];
      const n = input.axis === null ? undefined : lengthOf.get(input.axis);
      row[input.name] = n === undefined ? v : (v as unknown[]).slice(0, n);
    });
    texts.forEach((name, i) => {
      row[name] = strings[i];
    });
    return row;
  });
}

/** The inputs a row gives: every input but the group key and the derived ones. */
function givenInputs(module: IrModule): InputDecl[] {
  return module.inputs.filter((i) => i.name !== module.groupKey && i.feature === undefined);
}

/** One group's members: all equal in about one group of four (when more than one member). */
function arbitraryMembers(module: IrModule, settings: BatchSettings, size: [number, number]): fc.Arbitrary<Row[]> {
  return fc
    .tuple(fc.array(arbitraryRollout(module, settings), { minLength: size[0], maxLength: size[1] }), fc.nat({ max: 3 }))
    .map(([members, equal]) => (equal === 3 && members.length > 1 ? members.map(() => ({ ...members[0]! })) : members));
}

/** The key of group `g`: an int when the key is a declared (int) input, else a string. */
function groupKeyOf(module: IrModule, g: number): string | number {
  return module.inputs.some((i) => i.name === module.groupKey) ? g : `p${g}`;
}

/**
 * Scatters rows through the batch with a permutation drawn from `seed` (0 keeps them in order: counterexamples
 * shrink towards groups in a row).
 */
function scatter<T>(rows: T[], seed: number): T[] {
  if (seed === 0) return rows;
  const out = [...rows];
  let state = seed >>> 0;
  const next = (): number => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function keyed(module: IrModule, groups: Row[][]): Row[][] {
  if (module.groupKey === null) return groups;
  const key = module.groupKey;
  return groups.map((members, g) => members.map((m) => ({ [key]: groupKeyOf(module, g), ...m })));
}

/** A batch of rows of `module`: what `rewardc run` reads, one object per rollout. */
export function arbitraryBatch(module: IrModule, settings: BatchSettings = {}): fc.Arbitrary<Row[]> {
  const groups = module.groupKey === null ? ([1, 1] as [number, number]) : (settings.groups ?? DEFAULT_GROUPS);
  // Without groups the batch is one "group" of rollouts; its size is the batch size.
  const size = module.groupKey === null ? scaled(settings.groupSize ?? DEFAULT_GROUP_SIZE, settings.groups ?? DEFAULT_GROUPS) : (settings.groupSize ?? DEFAULT_GROUP_SIZE);
  return fc
    .tuple(fc.array(arbitraryMembers(module, settings, size), { minLength: groups[0], maxLength: groups[1] }), fc.oneof(fc.constant(0), fc.nat()))
    .map(([members, seed]) => scatter(keyed(module, members).flat(), seed));
}

function scaled(size: [number, number], groups: [number, number]): [number, number] {
  return [size[0] * groups[0], size[1] * groups[1]];
}

/** A batch with a marked pair of rollouts: `rows[a]` and `rows[b]` are in one group. */
export interface PairBatch {
  rows: Row[];
  a: number;
  b: number;
}

/**
 * A batch in which two rollouts a and b of one group are equal in every input but `differ` (bools there are
 * negated; numbers and arrays are drawn anew, arrays keeping a's lengths), with other members and other groups
 * around them.
 */
export function arbitraryPairBatch(module: IrModule, differ: readonly string[], settings: BatchSettings = {}): fc.Arbitrary<PairBatch> {
  const size = settings.groupSize ?? DEFAULT_GROUP_SIZE;
  const groups = module.groupKey === null ? ([0, 0] as [number, number]) : (settings.groups ?? DEFAULT_GROUPS);
  const others = Math.max(0, size[1] - 2);
  const inputs = givenInputs(module).filter((i) => differ.includes(i.name));
  const texts = (module.texts ?? []).filter((t) => differ.includes(t.name)).map((t) => t.name);
  const alternative = fc.tuple(...inputs.map((input) => (input.axis === null ? arbitraryValue(input, settings) : fc.array(arbitraryValue(input, settings), { minLength: maxLength(module, input, settings), maxLength: maxLength(module, input, settings) })) as fc.Arbitrary<unknown>));
  // b's string: a's with its digits shifted (as long, other numbers) or one drawn anew; the first that differs
  // from a's (a pair differs in what it says it differs in).
  const text = arbitraryText(module);
  const otherStrings = fc.tuple(...texts.map(() => fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 9 }), text, text)));
  return fc
    .record({
      a: arbitraryRollout(module, settings),
      alt: alternative,
      altTexts: otherStrings,
      members: fc.array(arbitraryRollout(module, settings), { minLength: Math.max(0, size[0] - 2), maxLength: others }),
      rest: fc.array(arbitraryMembers(module, settings, size), { minLength: Math.max(0, groups[0] - 1), maxLength: Math.max(0, groups[1] - 1) }),
      swap: fc.boolean(),
      seed: fc.oneof(fc.constant(0), fc.nat()),
    })
    .map(({ a, alt, altTexts, members, rest, swap, seed }) => {
      const b: Row = { ...a };
      texts.forEach((name, i) => {
        const [fresh, shift, first, second] = altTexts[i]!;
        const own = a[name] as string;
        const candidates = fresh ? [first, second, shiftDigits(own, shift)] : [shiftDigits(own, shift), first, second];
        b[name] = candidates.find((s) => s !== own) ?? `${own} `;
      });
      inputs.forEach((input, i) => {
        const v = alt[i];
        if (input.type === "bool" && input.axis === null && settings.fixed?.[input.name] === undefined) b[input.name] = !(a[input.name] as boolean);
        else if (input.axis !== null) b[input.name] = (v as unknown[]).slice(0, (a[input.name] as unknown[]).length);
        else b[input.name] = v;
      });
      const A = { row: a, mark: "a" };
      const B = { row: b, mark: "b" };
      const first = [swap ? B : A, swap ? A : B, ...members.map((row) => ({ row, mark: "" }))];
      const all = keyed(module, [first.map((m) => m.row), ...rest]);
      const marked = all.flatMap((group, g) => group.map((row, i) => ({ row, mark: g === 0 ? first[i]!.mark : "" })));
      const order = scatter(marked, seed);
      return { rows: order.map((m) => m.row), a: order.findIndex((m) => m.mark === "a"), b: order.findIndex((m) => m.mark === "b") };
    });
}

function maxLength(module: IrModule, input: InputDecl, settings: BatchSettings): number {
  const axis = module.axes.find((a) => a.name === input.axis)!;
  return axis.kind === "fixed" ? axis.width! : lengthRange(axis.name, settings)[1];
}
