/**
 * The CPU backend: a vectorised interpreter of the IR, and the reference every other backend is held to.
 *
 * Each node is computed as one typed array at its level's size: const/param/batch -> 1, group ->
 * groupCount, rollout -> size, element of axis a -> offsets(a)[size]. A node reading a coarser argument
 * broadcasts it through index maps built once per batch (element -> rollout via the offsets, rollout ->
 * group via groupIds, uniform -> [0]); broadcast and converted arguments are cached per (node, level, type).
 * All reduction, scan and group-map numerics come from `compiler/reducers.ts`, element-wise built-ins from
 * `compiler/builtins.ts`, so constant folding and this backend cannot drift apart.
 *
 * Fast paths, each held bit for bit to the plain interpreter (`plain: true`) by test/runtime/fusion.test.ts:
 * chains of element-wise nodes run as one generated loop (`cpuFusion.ts`); unmasked or masked float32
 * reductions, softmax and discounted scans read their ranges in place (`reducers.ts` range reducers); mean,
 * var and std of the same values and mask share each range's centre (count, shift, centred mean), so
 * `group.mean(x)` and `group.std(x)` read x twice, not three times; the centre of ints and bools (a pass
 * rate's mean) is computed exactly from the integers when float32 would be exact too; groups that are already
 * ranges (sorted batches) skip the counting sort and the batch-order permutation.
 *
 * Numeric conventions (the WGSL backend must match them):
 *  - f32 values live in Float32Array: every result is rounded to float32 on store. +, -, *, / of two
 *    float32 values computed in float64 and rounded once equal the float32 operation exactly.
 *  - i32 values live in Int32Array: add/sub/neg wrap (the typed-array store is ToInt32), mul uses
 *    Math.imul. Integer `div` (the checker normally casts to f32 first) truncates toward zero and, like
 *    WGSL, yields x for x / 0 and INT_MIN for INT_MIN / -1. Integer `mod` is WGSL's truncated remainder
 *    (sign of the dividend); x % 0 = 0 and INT_MIN % -1 = 0.
 *  - f32 `mod` is the exact truncated remainder (JS `%`, sign of the dividend); x % 0 is NaN.
 *  - bool values live in Uint8Array as 0/1.
 *  - cast: f32 -> i32 truncates toward zero, saturates at the int32 bounds, NaN -> 0; anything -> bool is
 *    `x != 0` (so NaN -> true, as in WGSL); bool -> number is 0/1; i32 -> f32 rounds to nearest even.
 *  - comparisons convert both sides to the wider argument type (bool < i32 < f32); `and`/`or` are on bools.
 *  - reductions of i32 values: sum/mean/var/std see the values converted to f32 (as a kernel would);
 *    min/max/first/last/argmax/argmin/count/any/all/len see them exactly.
 *  - masked argmax/argmin/first_index return the position in the rollout's full array, not among the
 *    selected elements; -1 when nothing is selected.
 *  - axis_at: an index that is not an integer in [0, len) gives 0.
 *  - axis_distinct compares window values exactly (ints and bools only); a window length below 1 is a bug
 *    the checker rules out (constants are checked, params must declare a range starting at 1 or more).
 *  - group_map rank = #members with a strictly smaller value, count_eq = #members with an equal value
 *    (self included); both follow IEEE comparisons, so a NaN member has rank 0 and count_eq 0.
 *  - batch_reduce reduces over the items of its finest argument (x, or `where` when that is finer);
 *    group_reduce over the member rollouts in input order; axis_reduce over each rollout's elements.
 */
import { roots, type AxisOnlyReduceFn, type GroupMapFn, type IrModule, type Level, type Node, type ReduceFn, type Scalar, type ScanFn } from "../compiler/ir.js";
import { ELEMENTWISE_BY_NAME } from "../compiler/builtins.js";
import { CENTRED_REDUCERS, integerRangeCentre, rangeCentre, rangeCentres, reduceCentred, type RangeCentres, discountedScan, distinctWindows, extremumScan, intSum, leaveOneOutMean, leaveOneOutStd, INT_RANGE_REDUCERS, RANGE_REDUCERS, reduce, reduceIntRange, reduceRange, discountedScanRange, softmax, softmaxRange, treeSum } from "../compiler/reducers.js";
import { InternalError } from "../diagnostics/diagnostic.js";
import { columnMatchesType, type Batch } from "./batch.js";
import { allocColumn, binaryColumns, binaryOperandType, castScalar, convertColumn, toI32, unaryColumns, type Column } from "../compiler/columnOps.js";
import { RuntimeInputError } from "./errors.js";
import { fusionPlan, type Chain } from "./cpuFusion.js";

export interface CpuResult {
  /**
   * Value of every node the roots need, at the node's own level; undefined for the others and for element-wise
   * nodes computed inside a fused chain (roots are always materialised).
   */
  values: (Column | undefined)[];
  /** Output name -> values per rollout (per element for an element-level advantage), in input order. */
  outputs: Map<string, Column>;
  metrics: Map<string, number>;
  nextState: Record<string, number>;
}

/** Level classes: 0 uniform (const, param, batch), 1 group, 2 rollout, 3 element of `axis`. */
interface Lv {
  cls: 0 | 1 | 2 | 3;
  axis: string | null;
  key: string;
}

const UNIFORM: Lv = { cls: 0, axis: null, key: "u" };
const GROUP: Lv = { cls: 1, axis: null, key: "g" };
const ROLLOUT: Lv = { cls: 2, axis: null, key: "r" };

function lv(level: Level): Lv {
  switch (level.kind) {
    case "const":
    case "param":
    case "batch":
      return UNIFORM;
    case "group":
      return GROUP;
    case "rollout":
      return ROLLOUT;
    case "element":
      return elementLv(level.axis);
  }
}

const elementLvs = new Map<string, Lv>();
function elementLv(axis: string): Lv {
  let l = elementLvs.get(axis);
  if (l === undefined) {
    l = { cls: 3, axis, key: `e:${axis}` };
    elementLvs.set(axis, l);
  }
  return l;
}

function finer(a: Lv, b: Lv): Lv {
  if (a.cls === 3 && b.cls === 3 && a.axis !== b.axis) throw new InternalError(`a node mixes axes \`${a.axis}\` and \`${b.axis}\``);
  return b.cls > a.cls ? b : a;
}

/** Reductions that must see i32 values exactly (the others see them as f32). */
const EXACT = new Set<string>(["sum", "min", "max", "first", "last", "argmax", "argmin", "count", "any", "all", "first_index", "len"]);

/** A reduction over values of type `xType`: sums of ints are exact int32 sums, everything else as `reduce`. */
function reduceValues(fn: ReduceFn | AxisOnlyReduceFn, xType: Scalar, values: ArrayLike<number>, n: number, ddof: number, mask: ArrayLike<number> | null): number {
  return fn === "sum" && xType === "i32" ? intSum(values, n, mask) : reduce(fn, values, n, ddof, mask);
}
interface Groups {
  start: Int32Array;
  members: Int32Array;
  maxSize: number;
  /** Every group's members are a range of rollouts in order (members is the identity). */
  contiguous: boolean;
}

/**
 * 0, 1, ..., n - 1, shared by every batch whose groups are ranges: nothing writes `Groups.members`. It is kept
 * for the life of the process at the largest batch size seen (4 bytes per rollout).
 */
let identityOrder = new Int32Array(0);
function identity(n: number): Int32Array {
  if (identityOrder.length < n) {
    identityOrder = new Int32Array(Math.max(n, identityOrder.length * 2));
    for (let i = 0; i < identityOrder.length; i++) identityOrder[i] = i;
  }
  return identityOrder.subarray(0, n);
}

/** Group maps above this size use a sort for rank/count_eq instead of comparing every pair. */
const PAIRWISE_LIMIT = 32;

class Evaluator {
  readonly values: (Column | undefined)[];
  private readonly nodes: Node[];
  private readonly cache = new Map<string, Column>();
  private readonly centreCache = new Map<string, RangeCentres>();
  private readonly rolloutOfAxis = new Map<string, Int32Array>();
  private readonly maxLengths = new Map<string, number>();
  private csr: Groups | null = null;
  private f32s = new Float32Array(64);
  private f32o = new Float32Array(64);
  private f64s = new Float64Array(64);
  private masks = new Uint8Array(64);
  private i32o = new Int32Array(64);

  constructor(
    private readonly module: IrModule,
    private readonly batch: Batch,
    private readonly params: Record<string, number>,
    private readonly state: Record<string, number>,
    private readonly perturbSeed?: number,
    private readonly fast: boolean = true,
  ) {
    this.nodes = module.nodes;
    this.values = new Array(module.nodes.length);
  }

  // ----- sizes and maps

  private offsets(axis: string): Int32Array {
    const o = this.batch.axes.get(axis);
    if (o === undefined) throw new RuntimeInputError(`batch has no offsets for axis \`${axis}\``);
    if (o.length !== this.batch.size + 1) throw new RuntimeInputError(`offsets of axis \`${axis}\` have ${o.length} entries, expected ${this.batch.size + 1}`);
    return o;
  }

  private sizeOf(l: Lv): number {
    switch (l.cls) {
      case 0:
        return 1;
      case 1:
        return this.batch.groupCount;
      case 2:
        return this.batch.size;
      case 3:
        return this.offsets(l.axis!)[this.batch.size]!;
    }
  }

  private rolloutOf(axis: string): Int32Array {
    let map = this.rolloutOfAxis.get(axis);
    if (map === undefined) {
      const off = this.offsets(axis);
      const n = this.batch.size;
      map = new Int32Array(off[n]!);
      for (let r = 0; r < n; r++) map.fill(r, off[r]!, off[r + 1]!);
      this.rolloutOfAxis.set(axis, map);
    }
    return map;
  }

  private maxLength(axis: string): number {
    let m = this.maxLengths.get(axis);
    if (m === undefined) {
      const off = this.offsets(axis);
      m = 0;
      for (let r = 0; r < this.batch.size; r++) m = Math.max(m, off[r + 1]! - off[r]!);
      this.maxLengths.set(axis, m);
    }
    return m;
  }

  /** Members of each group in input order (a stable counting sort), built once per batch. */
  private groups(): Groups {
    if (this.csr === null && this.fast) this.csr = this.contiguousGroups();
    if (this.csr === null) {
      const { groupIds, groupCount, size } = this.batch;
      const start = new Int32Array(groupCount + 1);
      for (let i = 0; i < size; i++) {
        const g = groupIds[i]!;
        if (g < 0 || g >= groupCount) throw new RuntimeInputError(`rollout ${i} has group index ${g}, outside 0..${groupCount - 1}`);
        start[g + 1]!++;
      }
      let maxSize = 0;
      for (let g = 0; g < groupCount; g++) {
        maxSize = Math.max(maxSize, start[g + 1]!);
        start[g + 1]! += start[g]!;
      }
      const cursor = start.slice(0, groupCount);
      const members = new Int32Array(size);
      let contiguous = true;
      for (let i = 0; i < size; i++) {
        const at = cursor[groupIds[i]!]!++;
        members[at] = i;
        if (at !== i) contiguous = false;
      }
      this.csr = { start, members, maxSize, contiguous };
    }
    return this.csr;
  }

  /** `groups()` in one pass when the ids run 0, 0, 1, 2, 2, ... (each group a range, in order); null otherwise. */
  private contiguousGroups(): Groups | null {
    const { groupIds, groupCount, size } = this.batch;
    const start = new Int32Array(groupCount + 1);
    let g = -1;
    let maxSize = 0;
    for (let i = 0; i < size; i++) {
      const id = groupIds[i]!;
      if (id === g) continue;
      if (id !== g + 1 || id >= groupCount) return null;
      if (g >= 0) maxSize = Math.max(maxSize, i - start[g]!);
      g = id;
      start[g] = i;
    }
    if (g !== groupCount - 1) return null;
    if (g >= 0) maxSize = Math.max(maxSize, size - start[g]!);
    start[groupCount] = size;
    return { start, members: identity(size), maxSize, contiguous: true };
  }

  /**
   * For mean/var/std: the centres of the ranges a node reduces, shared by every node that reduces the same
   * values and mask over the same ranges (`over`: "group", or "axis NAME"); `fresh` when this node must fill
   * them. Null for other reductions.
   */
  private centres(fn: string, over: string, node: Node, ranges: number): { c: RangeCentres; fresh: boolean } | null {
    if (!CENTRED_REDUCERS.has(fn)) return null;
    const key = `${over}|${node.args.join(",")}`;
    const c = this.centreCache.get(key);
    if (c !== undefined) return { c, fresh: false };
    const fresh = rangeCentres(ranges);
    this.centreCache.set(key, fresh);
    return { c: fresh, fresh: true };
  }

  private readonly batchCentre = rangeCentres(1);

  /**
   * The integer column (int32, or bools) whose values node `id` holds as float32 at `level`: the node itself
   * when it is an int or bool, or the argument of its cast to float. Exact reductions of float32 values that
   * are integers (`integerRangeCentre`) read it. Null when there is none at hand (not at this level, or computed
   * inside a fused chain).
   */
  private integerSource(id: number, level: Lv): Int32Array | Uint8Array | null {
    // Perturbation nudges the cast's float32 values: the integers behind them are no longer what is reduced.
    if (this.perturbSeed !== undefined) return null;
    let node = this.node(id);
    if (node.op === "cast" && node.type === "f32") {
      const from = this.node(node.args[0]!);
      if (from.type !== "f32") node = from;
    }
    if (node.type === "f32" || lv(node.level).key !== level.key) return null;
    const v = this.values[node.id];
    return v instanceof Int32Array || v instanceof Uint8Array ? v : null;
  }

  private scratchF32(n: number): Float32Array {
    if (this.f32s.length < n) this.f32s = new Float32Array(Math.max(n, this.f32s.length * 2));
    return this.f32s;
  }
  private scratchOutF32(n: number): Float32Array {
    if (this.f32o.length < n) this.f32o = new Float32Array(Math.max(n, this.f32o.length * 2));
    return this.f32o;
  }
  private scratchF64(n: number): Float64Array {
    if (this.f64s.length < n) this.f64s = new Float64Array(Math.max(n, this.f64s.length * 2));
    return this.f64s;
  }
  private scratchMask(n: number): Uint8Array {
    if (this.masks.length < n) this.masks = new Uint8Array(Math.max(n, this.masks.length * 2));
    return this.masks;
  }
  private scratchOutI32(n: number): Int32Array {
    if (this.i32o.length < n) this.i32o = new Int32Array(Math.max(n, this.i32o.length * 2));
    return this.i32o;
  }

  // ----- arguments

  private node(id: number): Node {
    const n = this.nodes[id];
    if (n === undefined) throw new InternalError(`node ${id} does not exist`);
    return n;
  }

  private typeOf(id: number): Scalar {
    return this.node(id).type;
  }

  private levelOf(id: number): Lv {
    return lv(this.node(id).level);
  }

  /** The value of node `id` broadcast to level `target` and converted to `type`. */
  arg(id: number, target: Lv, type: Scalar): Column {
    const node = this.node(id);
    const value = this.values[id];
    if (value === undefined) throw new InternalError(`node ${id} is read before it is computed`);
    const source = lv(node.level);
    let expanded = value;
    if (source.key !== target.key) {
      const key = `${id}|${target.key}|${node.type}`;
      let hit = this.cache.get(key);
      if (hit === undefined) {
        hit = this.expand(value, node.type, source, target);
        this.cache.set(key, hit);
      }
      expanded = hit;
    }
    if (type === node.type) return expanded;
    const key = `${id}|${target.key}|${type}`;
    let hit = this.cache.get(key);
    if (hit === undefined) {
      hit = convertColumn(expanded, node.type, type);
      this.cache.set(key, hit);
    }
    return hit;
  }

  private expand(v: Column, type: Scalar, from: Lv, to: Lv): Column {
    if (from.cls > to.cls || (from.cls === 3 && to.cls === 3 && from.axis !== to.axis)) {
      throw new InternalError(`a value at level ${from.key} is read element-wise at level ${to.key}`);
    }
    const n = this.sizeOf(to);
    const out = allocColumn(type, n);
    if (from.cls === 0) {
      out.fill(v[0]!);
      return out;
    }
    const gid = this.batch.groupIds;
    if (from.cls === 1 && to.cls === 2) {
      for (let i = 0; i < n; i++) out[i] = v[gid[i]!]!;
      return out;
    }
    const off = this.offsets(to.axis!);
    const size = this.batch.size;
    if (from.cls === 1) {
      for (let r = 0; r < size; r++) {
        const x = v[gid[r]!]!;
        for (let e = off[r]!, end = off[r + 1]!; e < end; e++) out[e] = x;
      }
      return out;
    }
    for (let r = 0; r < size; r++) {
      const x = v[r]!;
      for (let e = off[r]!, end = off[r + 1]!; e < end; e++) out[e] = x;
    }
    return out;
  }

  // ----- nodes

  run(): void {
    const nodes = this.nodes;
    const needed = new Uint8Array(nodes.length);
    for (const id of roots(this.module)) {
      if (!(id >= 0 && id < nodes.length)) throw new InternalError(`root ${id} is not a node`);
      needed[id] = 1;
    }
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      if (node.id !== i) throw new InternalError(`node at index ${i} has id ${node.id}`);
      if (needed[i] === 0) continue;
      for (const a of node.args) {
        if (!(a >= 0 && a < i)) throw new InternalError(`node ${i} reads node ${a}, which does not come before it`);
        needed[a] = 1;
      }
    }
    // Perturbation nudges every node's values, so it needs every node materialised.
    const plan = this.fast && this.perturbSeed === undefined ? fusionPlan(this.module) : null;
    for (let i = 0; i < nodes.length; i++) {
      if (needed[i] === 0 || (plan !== null && plan.internal[i] === 1)) continue;
      const node = nodes[i]!;
      const chain = plan?.chains.get(i);
      let value = chain !== undefined ? this.runChain(chain, node) : this.evaluate(node);
      if (this.perturbSeed !== undefined && value instanceof Float32Array && PERTURBED_OPS.has(node.op)) value = perturbed(value, this.perturbSeed + i);
      const expected = this.sizeOf(lv(node.level));
      if (value.length !== expected || !columnMatchesType(value, node.type)) {
        throw new InternalError(`node ${i} (${node.op}) produced ${value.length} values, expected ${expected} of type ${node.type}`);
      }
      this.values[i] = value;
    }
  }

  private runChain(chain: Chain, node: Node): Column {
    const n = this.sizeOf(lv(node.level));
    const out = allocColumn(node.type, n);
    const leafColumns = chain.leaves.map((id) => {
      const v = this.values[id];
      if (v === undefined) throw new InternalError(`node ${id} is read before it is computed`);
      return v;
    });
    const offsets = chain.cls === 3 ? this.offsets(chain.axis!) : null;
    chain.kernel(out, leafColumns, n, this.batch.groupIds, offsets, this.batch.size, chain.builtins, toI32);
    return out;
  }

  private evaluate(node: Node): Column {
    const level = lv(node.level);
    const n = this.sizeOf(level);
    switch (node.op) {
      case "const": {
        const out = allocColumn(node.type, 1);
        out[0] = castScalar(node.value, node.type);
        return out;
      }
      case "param":
      case "state": {
        const decls = node.op === "param" ? this.module.params : this.module.states;
        const decl = decls.find((d) => d.name === node.name);
        if (decl === undefined) throw new InternalError(`${node.op} \`${node.name}\` is not declared`);
        const source = node.op === "param" ? this.params : this.state;
        const given = Object.prototype.hasOwnProperty.call(source, node.name) ? source[node.name] : undefined;
        const fallback = "default" in decl ? decl.default : decl.initial;
        const out = allocColumn(node.type, 1);
        out[0] = castScalar(given ?? fallback, node.type);
        return out;
      }
      case "input":
        return this.input(node.name, node.type, level, n);
      case "unary": {
        const a = this.arg(node.args[0]!, level, node.fn === "not" ? "bool" : node.type);
        const out = allocColumn(node.type, n);
        unaryColumns(node.fn, a, out, n);
        return out;
      }
      case "binary": {
        if (node.args.length !== 2) throw new InternalError(`binary node ${node.id} has ${node.args.length} arguments`);
        const types = node.args.map((a) => this.typeOf(a));
        const opType = binaryOperandType(node.fn, node.type, types);
        const a = this.arg(node.args[0]!, level, opType);
        const b = this.arg(node.args[1]!, level, opType);
        const out = allocColumn(node.type, n);
        binaryColumns(node.fn, opType, a, b, out, n);
        return out;
      }
      case "math":
        return this.math(node.fn, node, level, n);
      case "cast": {
        const from = this.typeOf(node.args[0]!);
        const a = this.arg(node.args[0]!, level, from);
        return convertColumn(a, from, node.type);
      }
      case "select": {
        const c = this.arg(node.args[0]!, level, "bool");
        const t = this.arg(node.args[1]!, level, node.type);
        const e = this.arg(node.args[2]!, level, node.type);
        const out = allocColumn(node.type, n);
        for (let i = 0; i < n; i++) out[i] = c[i] !== 0 ? t[i]! : e[i]!;
        return out;
      }
      case "axis_reduce":
        return this.axisReduce(node.fn, node.axis, node.ddof, node.masked, node);
      case "axis_scan":
        return this.axisScan(node.fn, node.axis, node);
      case "axis_shift": {
        const el = elementLv(node.axis);
        const x = this.arg(node.args[0]!, el, node.type);
        const fb = this.arg(node.args[1]!, el, node.type);
        const off = this.offsets(node.axis);
        const out = allocColumn(node.type, n);
        const prev = node.dir === "prev";
        for (let r = 0; r < this.batch.size; r++) {
          const s = off[r]!;
          const end = off[r + 1]!;
          if (s === end) continue;
          if (prev) {
            out[s] = fb[s]!;
            for (let e = s + 1; e < end; e++) out[e] = x[e - 1]!;
          } else {
            for (let e = s; e < end - 1; e++) out[e] = x[e + 1]!;
            out[end - 1] = fb[end - 1]!;
          }
        }
        return out;
      }
      case "axis_index": {
        const off = this.offsets(node.axis);
        const out = allocColumn(node.type, n);
        for (let r = 0; r < this.batch.size; r++) {
          const s = off[r]!;
          for (let e = s, end = off[r + 1]!; e < end; e++) out[e] = e - s;
        }
        return out;
      }
      case "axis_at": {
        const x = this.arg(node.args[0]!, elementLv(node.axis), node.type);
        const off = this.offsets(node.axis);
        const out = allocColumn(node.type, n);
        const pick = (r: number, k: number): number => {
          const s = off[r]!;
          // Out of range (or not an integer) gives 0.
          return k >= 0 && k < off[r + 1]! - s && k === Math.floor(k) ? x[s + k]! : 0;
        };
        if (level.cls === 2) {
          const idx = this.arg(node.args[1]!, ROLLOUT, this.typeOf(node.args[1]!));
          for (let r = 0; r < n; r++) out[r] = pick(r, idx[r]!);
        } else {
          // A gather: each element of the index's axis picks from its own rollout's array.
          const idx = this.arg(node.args[1]!, level, this.typeOf(node.args[1]!));
          if (this.fast) {
            // Rollout by rollout along the index's axis: no element -> rollout map, one range test per element.
            if (idx instanceof Int32Array) gatherByInt(x, off, idx, this.offsets(level.axis!), this.batch.size, out);
            else gather(x, off, idx, this.offsets(level.axis!), this.batch.size, out);
            return out;
          }
          const rolloutOf = this.rolloutOf(level.axis!);
          for (let e = 0; e < n; e++) out[e] = pick(rolloutOf[e]!, idx[e]!);
        }
        return out;
      }
      case "axis_distinct": {
        const x = this.arg(node.args[0]!, elementLv(node.axis), this.typeOf(node.args[0]!));
        const window = this.arg(node.args[1]!, UNIFORM, "i32")[0]!;
        if (window < 1) throw new InternalError(`axis_distinct node ${node.id} has window length ${window}`);
        const off = this.offsets(node.axis);
        const out = allocColumn(node.type, n);
        for (let r = 0; r < n; r++) out[r] = distinctWindows(x, off[r]!, off[r + 1]! - off[r]!, window);
        return out;
      }
      case "group_reduce":
        return this.groupReduce(node.fn, node.ddof, node.masked, node);
      case "group_map":
        return this.groupMap(node.fn, node.ddof, node);
      case "group_size": {
        const { start } = this.groups();
        const out = allocColumn(node.type, n);
        for (let g = 0; g < n; g++) out[g] = start[g + 1]! - start[g]!;
        return out;
      }
      case "batch_reduce":
        return this.batchReduce(node.fn, node.ddof, node.masked, node);
      case "batch_size": {
        const out = allocColumn(node.type, 1);
        out[0] = this.batch.size;
        return out;
      }
    }
    throw new InternalError(`unknown op \`${(node as { op: string }).op}\``);
  }

  private input(name: string, type: Scalar, level: Lv, n: number): Column {
    const col = this.batch.columns.get(name);
    if (col === undefined) throw new RuntimeInputError(`batch has no column for input \`${name}\``);
    if (!columnMatchesType(col, type)) throw new RuntimeInputError(`column \`${name}\` is a ${col.constructor.name}, expected one for type ${type}`);
    if (col.length !== n) throw new RuntimeInputError(`column \`${name}\` has ${col.length} values, expected ${n}${level.cls === 3 ? ` (the end of axis \`${level.axis}\`)` : ""}`);
    return col;
  }

  private math(fn: string, node: Node, level: Lv, n: number): Column {
    const builtin = ELEMENTWISE_BY_NAME.get(fn);
    if (builtin === undefined) throw new InternalError(`unknown built-in \`${fn}\``);
    const argTypes = node.args.map((a) => this.typeOf(a));
    if (argTypes.length !== builtin.params.length) throw new InternalError(`\`${fn}\` takes ${builtin.params.length} arguments, node ${node.id} has ${argTypes.length}`);
    let numType: Scalar = "i32";
    if (builtin.result === "num" && node.type !== "bool") numType = node.type;
    else builtin.params.forEach((p, k) => {
      if (p === "num" && argTypes[k] === "f32") numType = "f32";
    });
    const args = builtin.params.map((p, k) => this.arg(node.args[k]!, level, p === "float" ? "f32" : p === "bool" ? "bool" : numType));
    const out = allocColumn(node.type, n);
    const f = builtin.cpu;
    const a = args[0]!;
    switch (args.length) {
      case 1:
        for (let i = 0; i < n; i++) out[i] = f(a[i]!);
        break;
      case 2: {
        const b = args[1]!;
        for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!);
        break;
      }
      case 3: {
        const b = args[1]!;
        const c = args[2]!;
        for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!, c[i]!);
        break;
      }
      default: {
        const xs: number[] = new Array(args.length);
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < args.length; k++) xs[k] = args[k]![i]!;
          out[i] = f(...xs);
        }
      }
    }
    return out;
  }

  private axisReduce(fn: ReduceFn | AxisOnlyReduceFn, axis: string, ddof: number, masked: boolean, node: Node): Column {
    const el = elementLv(axis);
    const off = this.offsets(axis);
    const size = this.batch.size;
    const out = allocColumn(node.type, size);
    if (lv(node.level).cls !== 2) throw new InternalError(`axis_reduce node ${node.id} is not at rollout level`);
    if (fn === "len" && !masked) {
      for (let r = 0; r < size; r++) out[r] = off[r + 1]! - off[r]!;
      return out;
    }
    const xType = this.typeOf(node.args[0]!);
    const x = this.arg(node.args[0]!, el, xType);
    const m = masked ? this.arg(node.args[1]!, el, "bool") : null;
    if (this.fast && x instanceof Float32Array && (m === null || m instanceof Uint8Array) && RANGE_REDUCERS.has(fn)) {
      const centres = this.centres(fn, `axis ${axis}`, node, size);
      if (centres === null) for (let r = 0; r < size; r++) out[r] = reduceRange(fn, x, off[r]!, off[r + 1]! - off[r]!, ddof, m);
      else {
        const ints = centres.fresh ? this.integerSource(node.args[0]!, el) : null;
        for (let r = 0; r < size; r++) {
          const s = off[r]!;
          const n = off[r + 1]! - s;
          if (centres.fresh && (ints === null || !integerRangeCentre(ints, s, n, m, centres.c, r))) rangeCentre(x, s, n, m, centres.c, r);
          out[r] = reduceCentred(fn, x, s, n, ddof, m, centres.c, r);
        }
      }
      return out;
    }
    if (this.fast && xType === "i32" && x instanceof Int32Array && (m === null || m instanceof Uint8Array) && INT_RANGE_REDUCERS.has(fn)) {
      for (let r = 0; r < size; r++) out[r] = reduceIntRange(fn, x, off[r]!, off[r + 1]! - off[r]!, m);
      return out;
    }
    const maxLen = this.maxLength(axis);
    const sc = xType === "i32" && EXACT.has(fn) ? this.scratchF64(maxLen) : this.scratchF32(maxLen);
    const mk = m === null ? null : this.scratchMask(maxLen);
    for (let r = 0; r < size; r++) {
      const s = off[r]!;
      const n = off[r + 1]! - s;
      for (let k = 0; k < n; k++) sc[k] = x[s + k]!;
      if (mk !== null) for (let k = 0; k < n; k++) mk[k] = m![s + k]!;
      out[r] = reduceValues(fn, xType, sc, n, ddof, mk);
    }
    return out;
  }

  private axisScan(fn: ScanFn, axis: string, node: Node): Column {
    const el = elementLv(axis);
    const off = this.offsets(axis);
    const size = this.batch.size;
    const xType = this.typeOf(node.args[0]!);
    const x = this.arg(node.args[0]!, el, xType);
    const out = allocColumn(node.type, this.sizeOf(el));
    const maxLen = this.maxLength(axis);
    const isExtremum = fn !== "prefix_sum" && fn !== "suffix_sum" && fn !== "softmax";
    const input = isExtremum && xType === "i32" ? this.scratchF64(maxLen) : this.scratchF32(maxLen);
    const result = isExtremum && xType === "i32" ? this.scratchOutI32(maxLen) : this.scratchOutF32(maxLen);
    // The discount (args[1], 1 when absent) may be per rollout or per element (a reset at episode ends).
    const discounted = fn === "prefix_sum" || fn === "suffix_sum";
    if (this.fast && fn === "softmax" && x instanceof Float32Array && out instanceof Float32Array) {
      for (let r = 0; r < size; r++) softmaxRange(x, off[r]!, out, off[r]!, off[r + 1]! - off[r]!);
      return out;
    }
    if (this.fast && discounted && x instanceof Float32Array && out instanceof Float32Array) {
      // A coarser discount is read per rollout instead of being expanded to the elements.
      const g = node.args.length > 1 ? node.args[1]! : -1;
      const gLevel = g < 0 ? UNIFORM : this.levelOf(g);
      const gammas = g < 0 ? null : (this.arg(g, gLevel.cls === 3 ? el : gLevel.cls === 0 ? UNIFORM : ROLLOUT, "f32") as Float32Array);
      const perElement = gLevel.cls === 3 ? gammas : null;
      const suffix = fn === "suffix_sum";
      for (let r = 0; r < size; r++) {
        const gamma = gammas === null ? 1 : perElement !== null ? 0 : gammas[gLevel.cls === 0 ? 0 : r]!;
        discountedScanRange(x, out, off[r]!, off[r + 1]! - off[r]!, perElement, gamma, suffix);
      }
      return out;
    }
    const gamma = discounted ? (node.args.length > 1 ? (this.arg(node.args[1]!, el, "f32") as Float32Array) : new Float32Array(this.sizeOf(el)).fill(1)) : null;
    for (let r = 0; r < size; r++) {
      const s = off[r]!;
      const len = off[r + 1]! - s;
      if (len === 0) continue;
      for (let k = 0; k < len; k++) input[k] = x[s + k]!;
      switch (fn) {
        case "prefix_sum":
        case "suffix_sum":
          discountedScan(input, result as Float32Array, len, gamma!.subarray(s, s + len), fn === "suffix_sum");
          break;
        case "prefix_min":
        case "suffix_min":
        case "prefix_max":
        case "suffix_max":
          extremumScan(input, result, len, fn.endsWith("min"), fn.startsWith("suffix"));
          break;
        case "softmax":
          softmax(input, result as Float32Array, len);
          break;
      }
      for (let k = 0; k < len; k++) out[s + k] = result[k]!;
    }
    return out;
  }

  private groupReduce(fn: ReduceFn, ddof: number, masked: boolean, node: Node): Column {
    const { start, members, maxSize, contiguous } = this.groups();
    const groupCount = this.batch.groupCount;
    const xType = this.typeOf(node.args[0]!);
    const x = this.arg(node.args[0]!, ROLLOUT, xType);
    const m = masked ? this.arg(node.args[1]!, ROLLOUT, "bool") : null;
    const sc = xType === "i32" && EXACT.has(fn) ? this.scratchF64(maxSize) : this.scratchF32(maxSize);
    const mk = m === null ? null : this.scratchMask(maxSize);
    const out = allocColumn(node.type, groupCount);
    if (this.fast && contiguous && xType === "i32" && x instanceof Int32Array && (m === null || m instanceof Uint8Array) && INT_RANGE_REDUCERS.has(fn)) {
      for (let g = 0; g < groupCount; g++) out[g] = reduceIntRange(fn, x, start[g]!, start[g + 1]! - start[g]!, m);
      return out;
    }
    if (this.fast && sc instanceof Float32Array && (m === null || m instanceof Uint8Array) && RANGE_REDUCERS.has(fn)) {
      // Values as the generic path copies them (ints rounded to float32), read in place when the groups are ranges.
      const inPlace = contiguous && x instanceof Float32Array;
      const centres = this.centres(fn, "group", node, groupCount);
      const ints = contiguous && centres?.fresh === true ? this.integerSource(node.args[0]!, ROLLOUT) : null;
      for (let g = 0; g < groupCount; g++) {
        const s = start[g]!;
        const n = start[g + 1]! - s;
        let centred = centres !== null && !centres.fresh;
        if (ints !== null) centred = integerRangeCentre(ints, s, n, m, centres!.c, g);
        // A mean is its centre: no values to read.
        if (centred && fn === "mean") {
          out[g] = reduceCentred(fn, sc, 0, n, ddof, null, centres!.c, g);
          continue;
        }
        const values = inPlace ? x : sc;
        const at = inPlace ? s : 0;
        const mask = inPlace ? m : mk;
        if (!inPlace) {
          for (let k = 0; k < n; k++) sc[k] = x[members[s + k]!]!;
          if (mk !== null) for (let k = 0; k < n; k++) mk[k] = m![members[s + k]!]!;
        }
        if (centres === null) out[g] = reduceRange(fn, values, at, n, ddof, mask);
        else {
          if (!centred) rangeCentre(values, at, n, mask, centres.c, g);
          out[g] = reduceCentred(fn, values, at, n, ddof, mask, centres.c, g);
        }
      }
      return out;
    }
    for (let g = 0; g < groupCount; g++) {
      const s = start[g]!;
      const n = start[g + 1]! - s;
      for (let k = 0; k < n; k++) sc[k] = x[members[s + k]!]!;
      if (mk !== null) for (let k = 0; k < n; k++) mk[k] = m![members[s + k]!]!;
      out[g] = reduceValues(fn, xType, sc, n, ddof, mk);
    }
    return out;
  }

  private groupMap(fn: GroupMapFn, ddof: number, node: Node): Column {
    const { start, members, maxSize } = this.groups();
    const groupCount = this.batch.groupCount;
    const xType = this.typeOf(node.args[0]!);
    const x = this.arg(node.args[0]!, ROLLOUT, xType);
    const exact = (fn === "rank" || fn === "count_eq") && xType === "i32";
    const sc = exact ? this.scratchF64(maxSize) : this.scratchF32(maxSize);
    const res = this.scratchOutF32(maxSize);
    const out = allocColumn(node.type, this.batch.size);
    let sorted: Float64Array | null = null;
    for (let g = 0; g < groupCount; g++) {
      const s = start[g]!;
      const n = start[g + 1]! - s;
      for (let k = 0; k < n; k++) sc[k] = x[members[s + k]!]!;
      switch (fn) {
        case "rank":
        case "count_eq":
          if (n <= PAIRWISE_LIMIT) {
            for (let k = 0; k < n; k++) {
              const v = sc[k]!;
              let c = 0;
              if (fn === "rank") for (let j = 0; j < n; j++) c += sc[j]! < v ? 1 : 0;
              else for (let j = 0; j < n; j++) c += sc[j] === v ? 1 : 0;
              out[members[s + k]!] = c;
            }
          } else {
            if (sorted === null || sorted.length < n) sorted = new Float64Array(Math.max(n, maxSize));
            const view = sorted.subarray(0, n);
            for (let k = 0; k < n; k++) view[k] = sc[k]!;
            view.sort(); // numeric, NaN last; NaN is never < or == anything, so it is never counted
            for (let k = 0; k < n; k++) {
              const v = sc[k]!;
              let c = 0;
              if (v === v) {
                const lo = lowerBound(view, v);
                c = fn === "rank" ? lo : upperBound(view, v) - lo;
              }
              out[members[s + k]!] = c;
            }
          }
          break;
        case "loo_mean": {
          const total = treeSum(sc, n);
          for (let k = 0; k < n; k++) out[members[s + k]!] = leaveOneOutMean(total, sc[k]!, n);
          break;
        }
        case "loo_std":
          for (let k = 0; k < n; k++) out[members[s + k]!] = leaveOneOutStd(sc, n, k, ddof);
          break;
        case "softmax":
          softmax(sc, res, n);
          for (let k = 0; k < n; k++) out[members[s + k]!] = res[k]!;
          break;
      }
    }
    return out;
  }

  /**
   * Batch reductions visit items in the canonical batch order: groups in order of first appearance, the
   * rollouts of a group in input order, the elements of a rollout in order. It is the order the WebGPU
   * backend keeps in memory, so both sum the same sequence.
   */
  private batchReduce(fn: ReduceFn, ddof: number, masked: boolean, node: Node): Column {
    const xId = node.args[0]!;
    const xType = this.typeOf(xId);
    let domain = this.levelOf(xId);
    if (masked) domain = finer(domain, this.levelOf(node.args[1]!));
    const x = this.arg(xId, domain, xType);
    const m = masked ? this.arg(node.args[1]!, domain, "bool") : null;
    const order = this.batchOrder(domain);
    const n = order === null ? this.sizeOf(domain) : order.length;
    if (this.fast && order === null && x instanceof Float32Array && (m === null || m instanceof Uint8Array) && RANGE_REDUCERS.has(fn)) {
      const out = allocColumn(node.type, 1);
      const ints = fn === "mean" ? this.integerSource(xId, domain) : null;
      if (ints !== null && integerRangeCentre(ints, 0, n, m, this.batchCentre, 0)) out[0] = reduceCentred(fn, x, 0, n, ddof, m, this.batchCentre, 0);
      else out[0] = reduceRange(fn, x, 0, n, ddof, m);
      return out;
    }
    const values = xType === "i32" && !EXACT.has(fn) ? new Float32Array(n) : xType === "i32" ? new Int32Array(n) : new Float32Array(n);
    const mask = m === null ? null : new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const at = order === null ? i : order[i]!;
      values[i] = x[at]!;
      if (mask !== null) mask[i] = m![at]!;
    }
    const out = allocColumn(node.type, 1);
    out[0] = reduceValues(fn, xType, values, n, ddof, mask);
    return out;
  }

  /** Item indices of a level in canonical batch order (null when it is the identity). */
  private batchOrder(level: Lv): Int32Array | null {
    if (level.cls !== 2 && level.cls !== 3) return null;
    const { members, contiguous } = this.groups();
    if (contiguous && this.fast) return null;
    if (level.cls === 2) return members;
    const off = this.offsets(level.axis!);
    const order = new Int32Array(off[this.batch.size]!);
    let k = 0;
    for (let j = 0; j < members.length; j++) {
      const r = members[j]!;
      for (let e = off[r]!; e < off[r + 1]!; e++) order[k++] = e;
    }
    return order;
  }

  // ----- roots

  outputs(): Map<string, Column> {
    const outputs = new Map<string, Column>();
    const inputs = new Set<Column>(this.batch.columns.values());
    for (const o of this.module.outputs) {
      const node = this.node(o.node);
      const level = lv(node.level);
      let value = this.arg(o.node, level.cls >= 2 ? level : ROLLOUT, node.type);
      // Never hand out the batch's own arrays: a caller writing into an output must not change its input.
      if (inputs.has(value)) value = value.slice();
      outputs.set(o.name, value);
    }
    return outputs;
  }

  metrics(): Map<string, number> {
    const metrics = new Map<string, number>();
    for (const m of this.module.metrics) metrics.set(m.name, this.uniform(m.node, `metric \`${m.name}\``));
    return metrics;
  }

  nextState(): Record<string, number> {
    const next: Record<string, number> = {};
    for (const s of this.module.states) {
      if (s.update !== null) next[s.name] = castScalar(this.uniform(s.update, `update of state \`${s.name}\``), s.type);
      else {
        const given = Object.prototype.hasOwnProperty.call(this.state, s.name) ? this.state[s.name] : undefined;
        next[s.name] = castScalar(given ?? s.initial, s.type);
      }
    }
    return next;
  }

  private uniform(id: number, what: string): number {
    const node = this.node(id);
    if (lv(node.level).cls !== 0) throw new InternalError(`${what} is at level ${node.level.kind}, not batch level`);
    return this.values[id]![0]!;
  }
}

/** out[e] = x[index idx[e] of e's rollout] along the rows of `off`, 0 out of range or not an integer; `at` lays out idx and out. */
function gather(x: Column, off: Int32Array, idx: Column, at: Int32Array, size: number, out: Column): void {
  for (let r = 0; r < size; r++) {
    const s = off[r]!;
    const len = off[r + 1]! - s;
    for (let e = at[r]!, end = at[r + 1]!; e < end; e++) {
      const k = idx[e]!;
      out[e] = k >= 0 && k < len && k === Math.floor(k) ? x[s + k]! : 0;
    }
  }
}

/** `gather` with int indices (always integers). */
function gatherByInt(x: Column, off: Int32Array, idx: Int32Array, at: Int32Array, size: number, out: Column): void {
  for (let r = 0; r < size; r++) {
    const s = off[r]!;
    const len = off[r + 1]! - s;
    for (let e = at[r]!, end = at[r + 1]!; e < end; e++) {
      const k = idx[e]!;
      out[e] = k >= 0 && k < len ? x[s + k]! : 0;
    }
  }
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Runs `module` on `batch`. `params` and `state` give values by name (bools as 0/1); missing names take
 * the declared default / initial value. Overrides are validated by the caller (see `Session`).
 */
/** Ops that compute a float (inputs, params and state are given, not computed). */
const PERTURBED_OPS = new Set<string>(["unary", "binary", "math", "cast", "axis_reduce", "axis_scan", "group_reduce", "group_map", "batch_reduce"]);

/** A copy of `values` with each element moved by -1, 0 or +1 ulp (xorshift from the seed). */
function perturbed(values: Float32Array, seed: number): Float32Array {
  const out = new Float32Array(values);
  const bits = new Int32Array(out.buffer);
  let x = (seed * 2654435761) | 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const step = (x >>> 0) % 3 - 1;
    const v = out[i]!;
    if (step === 0 || !Number.isFinite(v) || v === 0) continue;
    bits[i] = bits[i]! + step; // one ulp toward or away from zero, sign-magnitude
  }
  return out;
}

export interface CpuOptions {
  /**
   * Perturbation analysis: a seed makes every computed float32 value off by up to one unit in the last
   * place, in a pseudo-random direction (as Monte Carlo arithmetic does). How far outputs then move is how
   * far any faithful float32 implementation (a GPU with its own exp, or one that reassociates) may land
   * from this one: `src/testing/agreement.ts` uses it to compare backends on ill-conditioned outputs.
   */
  perturb?: number;
  /**
   * Run the plain interpreter: no fused element-wise loops (`cpuFusion.ts`), no range reducers. The fast paths
   * are tested against it bit for bit (test/runtime/fusion.test.ts).
   */
  plain?: boolean;
}

export function runCpu(module: IrModule, batch: Batch, params: Record<string, number>, state: Record<string, number>, options: CpuOptions = {}): CpuResult {
  const ev = new Evaluator(module, batch, params, state, options.perturb, options.plain !== true);
  ev.run();
  return { values: ev.values, outputs: ev.outputs(), metrics: ev.metrics(), nextState: ev.nextState() };
}
