/**
 * Builds IR modules by hand for runtime tests, so they do not depend on the compiler front end.
 * Levels and types of element-wise nodes are inferred the way the checker would (finest argument level;
 * f32 when any argument is f32), so a test reads like the math it checks.
 */
import type { Axis, BinaryFn, IrModule, Level, Node, Op, ReduceFn, Scalar, TextFeature } from "../../src/compiler/ir.js";
import { FEATURE_TYPES } from "../../src/runtime/text.js";
import { LEVEL_RANK } from "../../src/compiler/ir.js";

type OpOf<K extends Op["op"]> = Extract<Op, { op: K }>;
type Payload<K extends Op["op"]> = Omit<OpOf<K>, "op">;

const COMPARISONS = new Set<BinaryFn>(["eq", "ne", "lt", "le", "gt", "ge"]);

export class IrBuilder {
  readonly nodes: Node[] = [];
  private readonly module: IrModule;

  constructor(name = "test", groupKey: string | null = "prompt") {
    this.module = { name, groupKey, axes: [], inputs: [], params: [], states: [], nodes: this.nodes, spans: [], outputs: [], metrics: [] };
  }

  axis(name: string, width?: number): this {
    const axis: Axis = width === undefined ? { name, kind: "ragged" } : { name, kind: "fixed", width };
    this.module.axes.push(axis);
    return this;
  }

  node<K extends Op["op"]>(op: K, payload: Payload<K>, type: Scalar, level: Level, args: number[] = []): number {
    const id = this.nodes.length;
    this.nodes.push({ op, ...payload, id, type, level, args } as unknown as Node);
    this.module.spans.push(undefined);
    return id;
  }

  level(id: number): Level {
    return this.nodes[id]!.level;
  }
  type(id: number): Scalar {
    return this.nodes[id]!.type;
  }

  finest(ids: number[]): Level {
    let best: Level = { kind: "const" };
    for (const id of ids) {
      const l = this.level(id);
      if (LEVEL_RANK[l.kind] > LEVEL_RANK[best.kind]) best = l;
    }
    return best;
  }

  input(name: string, type: Scalar = "f32", axis: string | null = null, range: [number, number] | null = null): number {
    this.module.inputs.push({ name, type, axis, range });
    return this.node("input", { name }, type, axis === null ? { kind: "rollout" } : { kind: "element", axis });
  }

  /** A `string` input (no node: only derived inputs read it). */
  text(name: string): this {
    (this.module.texts ??= []).push({ name });
    return this;
  }

  /** A derived input computed on the host from strings. */
  derived(name: string, feature: TextFeature): number {
    const type = FEATURE_TYPES[feature.fn];
    this.module.inputs.push({ name, type, axis: null, range: null, feature });
    return this.node("input", { name }, type, { kind: "rollout" });
  }

  param(name: string, type: Scalar, value: number, range: [number, number] | null = null): number {
    this.module.params.push({ name, type, default: value, range });
    return this.node("param", { name }, type, { kind: "param" });
  }

  state(name: string, type: Scalar, initial: number): number {
    this.module.states.push({ name, type, initial, update: null });
    return this.node("state", { name }, type, { kind: "batch" });
  }

  c(value: number, type: Scalar = "f32"): number {
    return this.node("const", { value }, type, { kind: "const" });
  }

  bin(fn: BinaryFn, a: number, b: number): number {
    const ta = this.type(a);
    const tb = this.type(b);
    const type: Scalar = COMPARISONS.has(fn) || fn === "and" || fn === "or" ? "bool" : fn === "div" || fn === "pow" || ta === "f32" || tb === "f32" ? "f32" : "i32";
    return this.node("binary", { fn }, type, this.finest([a, b]), [a, b]);
  }
  add(a: number, b: number): number {
    return this.bin("add", a, b);
  }
  sub(a: number, b: number): number {
    return this.bin("sub", a, b);
  }
  mul(a: number, b: number): number {
    return this.bin("mul", a, b);
  }
  div(a: number, b: number): number {
    return this.bin("div", a, b);
  }

  neg(a: number): number {
    return this.node("unary", { fn: "neg" }, this.type(a), this.level(a), [a]);
  }
  not(a: number): number {
    return this.node("unary", { fn: "not" }, "bool", this.level(a), [a]);
  }

  math(fn: string, args: number[], type?: Scalar): number {
    const t = type ?? (args.some((a) => this.type(a) === "f32") ? "f32" : "i32");
    return this.node("math", { fn }, t, this.finest(args), args);
  }

  cast(a: number, type: Scalar): number {
    return this.node("cast", {}, type, this.level(a), [a]);
  }

  select(cond: number, then: number, otherwise: number): number {
    return this.node("select", {}, this.type(then), this.finest([cond, then, otherwise]), [cond, then, otherwise]);
  }

  axisReduce(fn: OpOf<"axis_reduce">["fn"], x: number, axis: string, opts: { ddof?: number; where?: number } = {}): number {
    const type: Scalar = ["count", "len", "argmax", "argmin", "first_index"].includes(fn) ? "i32" : fn === "any" || fn === "all" ? "bool" : this.type(x);
    const args = opts.where === undefined ? [x] : [x, opts.where];
    return this.node("axis_reduce", { fn, axis, ddof: opts.ddof ?? 0, masked: opts.where !== undefined }, type, { kind: "rollout" }, args);
  }

  axisScan(fn: OpOf<"axis_scan">["fn"], x: number, axis: string, gamma?: number): number {
    const type: Scalar = fn.endsWith("sum") || fn === "softmax" ? "f32" : this.type(x);
    return this.node("axis_scan", { fn, axis }, type, { kind: "element", axis }, gamma === undefined ? [x] : [x, gamma]);
  }

  shift(dir: "prev" | "next", x: number, fallback: number, axis: string): number {
    return this.node("axis_shift", { dir, axis }, this.type(x), { kind: "element", axis }, [x, fallback]);
  }

  index(axis: string): number {
    return this.node("axis_index", { axis }, "i32", { kind: "element", axis });
  }

  at(x: number, i: number, axis: string): number {
    return this.node("axis_at", { axis }, this.type(x), { kind: "rollout" }, [x, i]);
  }

  groupReduce(fn: ReduceFn, x: number, opts: { ddof?: number; where?: number } = {}): number {
    const type: Scalar = fn === "count" ? "i32" : fn === "any" || fn === "all" ? "bool" : this.type(x);
    const args = opts.where === undefined ? [x] : [x, opts.where];
    return this.node("group_reduce", { fn, ddof: opts.ddof ?? 0, masked: opts.where !== undefined }, type, { kind: "group" }, args);
  }

  groupMap(fn: OpOf<"group_map">["fn"], x: number, ddof = 0): number {
    const type: Scalar = fn === "rank" || fn === "count_eq" ? "i32" : "f32";
    return this.node("group_map", { fn, ddof }, type, { kind: "rollout" }, [x]);
  }

  groupSize(): number {
    return this.node("group_size", {}, "i32", { kind: "group" });
  }

  batchReduce(fn: ReduceFn, x: number, opts: { ddof?: number; where?: number } = {}): number {
    const type: Scalar = fn === "count" ? "i32" : fn === "any" || fn === "all" ? "bool" : this.type(x);
    const args = opts.where === undefined ? [x] : [x, opts.where];
    return this.node("batch_reduce", { fn, ddof: opts.ddof ?? 0, masked: opts.where !== undefined }, type, { kind: "batch" }, args);
  }

  output(name: string, id: number): this {
    this.module.outputs.push({ name, node: id });
    return this;
  }
  metric(name: string, id: number): this {
    this.module.metrics.push({ name, node: id });
    return this;
  }
  update(state: string, id: number): this {
    const s = this.module.states.find((x) => x.name === state);
    if (!s) throw new Error(`no state ${state}`);
    s.update = id;
    return this;
  }

  build(): IrModule {
    return this.module;
  }
}

/** verl GRPO: (r - group mean) / (unbiased group std + 1e-6). */
export function grpoModule(): IrModule {
  const b = new IrBuilder("grpo");
  const r = b.input("reward_in", "f32");
  const mu = b.groupReduce("mean", r);
  const sd = b.groupReduce("std", r, { ddof: 1 });
  const adv = b.div(b.sub(r, mu), b.add(sd, b.c(1e-6)));
  return b.output("reward", r).output("advantage", adv).build();
}
