/**
 * Inline code for the nodes that are not materialised: each kernel recomputes the arithmetic it needs
 * from materialised values, as WGSL `let`s placed in the outermost scope where their indices are known
 * (uniform values at the top, per-rollout values where the rollout index is, per-element values inside
 * the loop over elements), and shared within that scope.
 */
import { InternalError } from "../../diagnostics/diagnostic.js";
import { shortestF32 } from "../../util/numbers.js";
import { ELEMENTWISE_BY_NAME } from "../builtins.js";
import type { BinaryFn, IrModule, Level, Node, Scalar } from "../ir.js";
import type { KernelPlan, Slot } from "./plan.js";

/** Index variables a scope introduces (WGSL u32 expressions); `element` is an index along `axis`. */
export interface ScopeIndices {
  rollout?: string;
  group?: string;
  element?: string;
  axis?: string;
}

function binds(introduces: ScopeIndices, kind: keyof ScopeIndices, axis?: string): boolean {
  if (introduces[kind] === undefined) return false;
  return kind !== "element" || axis === undefined || introduces.axis === axis;
}

export class Scope {
  readonly lines: string[] = [];
  private readonly memo = new Map<number, string>();

  constructor(
    readonly parent: Scope | null,
    readonly introduces: ScopeIndices,
    readonly indent: string,
  ) {}

  child(introduces: ScopeIndices = {}): Scope {
    return new Scope(this, introduces, this.indent + "  ");
  }

  line(text: string): void {
    this.lines.push(this.indent + text);
  }

  /** Appends a child's lines wrapped in `head { ... }`. */
  block(head: string, child: Scope, tail = "}"): void {
    this.line(`${head} {`);
    this.lines.push(...child.lines);
    this.line(tail);
  }

  /** The innermost binding of an index (for `element`, along `axis` when given). */
  index(kind: keyof ScopeIndices, axis?: string): string | undefined {
    for (let s: Scope | null = this; s; s = s.parent) if (binds(s.introduces, kind, axis)) return s.introduces[kind];
    return undefined;
  }

  /** A value already computed in this very scope. */
  own(id: number): string | undefined {
    return this.memo.get(id);
  }

  remember(id: number, name: string): void {
    this.memo.set(id, name);
  }
}

export const WGSL_TYPE: Record<Scalar, string> = { f32: "f32", i32: "i32", bool: "bool" };

/** Reading and writing a typed value stored as a u32 word. */
export function fromWord(type: Scalar, word: string): string {
  return type === "f32" ? `bitcast<f32>(${word})` : type === "i32" ? `bitcast<i32>(${word})` : `(${word} != 0u)`;
}

export function toWord(type: Scalar, value: string): string {
  return type === "bool" ? `select(0u, 1u, ${value})` : `bitcast<u32>(${value})`;
}

export function literal(type: Scalar, value: number): string {
  if (type === "bool") return value !== 0 ? "true" : "false";
  if (type === "i32") return value === -2147483648 ? "i32(-2147483647 - 1)" : value < 0 ? `(${value}i)` : `${value}i`;
  if (!Number.isFinite(value) || Object.is(value, -0)) {
    const bits = new Uint32Array(new Float32Array([value]).buffer)[0]!;
    return `rc_bits(0x${bits.toString(16)}u)`;
  }
  const text = String(shortestF32(value));
  return value < 0 ? `(${text}f)` : `${text}f`;
}

/** How a kernel addresses its arenas; the emitter of each kernel supplies one. */
export interface ArenaAccess {
  read(slot: Slot, item: string): string;
}

export class InlineEmitter {
  private counter = 0;

  constructor(
    private readonly module: IrModule,
    private readonly plan: KernelPlan,
    private readonly access: ArenaAccess,
  ) {}

  fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  /** WGSL expression for node `id` in `scope`, emitting the `let`s it needs. */
  value(id: number, scope: Scope): string {
    const node = this.module.nodes[id]!;
    if (node.op === "const") return literal(node.type, node.value);
    const home = this.home(node.level, scope);
    const known = home.own(id);
    if (known) return known;
    const expr = this.compute(node, home);
    const name = this.fresh("v");
    home.line(`let ${name}: ${WGSL_TYPE[node.type]} = ${expr};`);
    home.remember(id, name);
    return name;
  }

  /**
   * Where a value of this level is computed: the scope that defines the innermost binding of the index it
   * depends on (uniform values go to the kernel's top). A scope that re-binds an index, such as the inner
   * loop over "other members" of a group, shadows the outer one, so values never leak across.
   */
  private home(level: Level, scope: Scope): Scope {
    const need: keyof ScopeIndices | null = level.kind === "element" ? "element" : level.kind === "rollout" ? "rollout" : level.kind === "group" ? "group" : null;
    let s: Scope = scope;
    if (need === null) {
      while (s.parent) s = s.parent;
      return s;
    }
    const axis = level.kind === "element" ? level.axis : undefined;
    for (let t: Scope | null = scope; t; t = t.parent) if (binds(t.introduces, need, axis)) return t;
    throw new InternalError(`no ${need} index${axis ? ` along \`${axis}\`` : ""} in scope for a ${level.kind} value`);
  }

  private compute(node: Node, scope: Scope): string {
    const arg = (i: number): string => this.value(node.args[i]!, scope);
    const argType = (i: number): Scalar => this.module.nodes[node.args[i]!]!.type;
    const slot = this.plan.nodeSlots.get(node.id);
    switch (node.op) {
      case "input":
      case "param":
      case "state":
      case "axis_reduce":
      case "axis_distinct":
      case "axis_at":
      case "axis_scan":
      case "axis_shift":
      case "group_reduce":
      case "group_map":
      case "group_size":
      case "batch_reduce":
      case "batch_size":
        return fromWord(node.type, this.access.read(slot ?? fail(`node ${node.id} has no slot`), this.itemFor(slot!, scope)));
      case "axis_index": {
        const start = this.plan.system.elementStart.get(node.axis)!;
        return `i32(${scope.index("element", node.axis)} - u32(${fromWord("i32", this.access.read(start, scope.index("rollout")!))}))`;
      }
      case "unary":
        return node.fn === "neg" ? `(-${arg(0)})` : `(!${arg(0)})`;
      case "binary":
        return binary(node.fn, argType(0), arg(0), arg(1));
      case "cast":
        return cast(argType(0), node.type, arg(0));
      case "select":
        return `select(${arg(2)}, ${arg(1)}, ${arg(0)})`;
      case "math": {
        const def = ELEMENTWISE_BY_NAME.get(node.fn) ?? fail(`unknown built-in \`${node.fn}\``);
        const args = node.args.map((_, i) => arg(i));
        if (node.fn === "pow") return `rc_pow(${args[0]}, ${args[1]})`;
        if (node.fn === "log1p") return `rc_log1p(${args[0]})`;
        if ((node.fn === "min" || node.fn === "max") && node.type === "f32") return `rc_${node.fn}(${args[0]}, ${args[1]})`;
        if (node.fn === "clamp" && node.type === "f32") return `rc_min(rc_max(${args[0]}, ${args[1]}), ${args[2]})`;
        return def.wgsl.replace(/\$(\d)/g, (_, k: string) => args[Number(k)]!);
      }
      case "const":
        return literal(node.type, node.value);
    }
  }

  /** The index expression of the item a slot is read at, from the scope's indices. */
  itemFor(slot: Slot, scope: Scope): string {
    if (slot.arena === "scalar") return "0u";
    if (slot.arena === "group") return scope.index("group") ?? fail("a group value read where no group index is known");
    if (slot.arena === "rollout") return scope.index("rollout") ?? fail("a rollout value read where no rollout index is known");
    const axis = slot.arena.slice(slot.arena.indexOf(":") + 1);
    return scope.index("element", axis) ?? fail(`a value along \`${axis}\` read where no element index along it is known`);
  }
}

function binary(fn: BinaryFn, operandType: Scalar, a: string, b: string): string {
  const ops: Partial<Record<BinaryFn, string>> = { add: "+", sub: "-", mul: "*", div: "/", mod: "%", eq: "==", ne: "!=", lt: "<", le: "<=", gt: ">", ge: ">=", and: "&&", or: "||" };
  if (fn === "pow") return `rc_pow(${a}, ${b})`;
  if (fn === "mod" && operandType === "f32") return `rc_fmod(${a}, ${b})`;
  return `(${a} ${ops[fn]} ${b})`;
}

function cast(from: Scalar, to: Scalar, a: string): string {
  if (from === to) return a;
  if (to === "bool") return from === "f32" ? `(${a} != 0.0f)` : `(${a} != 0i)`;
  if (to === "f32") return from === "bool" ? `select(0.0f, 1.0f, ${a})` : `f32(${a})`;
  return from === "bool" ? `select(0i, 1i, ${a})` : `rc_f2i(${a})`;
}

function fail(message: string): never {
  throw new InternalError(message);
}

/**
 * Helpers every kernel includes. They pin down what WGSL leaves to the implementation so the GPU computes
 * what the CPU backend does: NaN-propagating min/max, saturating float->int, pow of negative bases with
 * integral exponents, log1p without cancellation, fmod, and the canonical pairwise-sum counter.
 */
export const PRELUDE = `
// Built from runtime words: WGSL rejects NaN and infinities in constant expressions.
fn rc_bits(b: u32) -> f32 { return bitcast<f32>(b); }
fn rc_isnan(x: f32) -> bool { return !(x == x); }
fn rc_finite(x: f32) -> bool { return abs(x) <= 0x1.fffffep+127f; }
fn rc_shift(x: f32) -> f32 { return select(0.0f, x, rc_finite(x)); }
// As JS Math.min/max: NaN wins, and min(-0, 0) is -0, max(-0, 0) is +0 (WGSL leaves both open).
fn rc_min(a: f32, b: f32) -> f32 {
  if (rc_isnan(a)) { return a; } if (rc_isnan(b)) { return b; }
  if (a == b) { return bitcast<f32>(bitcast<u32>(a) | bitcast<u32>(b)); }
  return min(a, b);
}
fn rc_max(a: f32, b: f32) -> f32 {
  if (rc_isnan(a)) { return a; } if (rc_isnan(b)) { return b; }
  if (a == b) { return bitcast<f32>(bitcast<u32>(a) & bitcast<u32>(b)); }
  return max(a, b);
}
fn rc_f2i(x: f32) -> i32 {
  if (rc_isnan(x)) { return 0i; }
  if (x >= 2147483647.0f) { return 2147483647i; }
  if (x <= -2147483648.0f) { return i32(-2147483647 - 1); }
  return i32(x);
}
fn rc_pow(x: f32, y: f32) -> f32 {
  if (y == 0.0f) { return 1.0f; }
  if (x >= 0.0f) { return pow(x, y); }
  if (rc_isnan(x) || floor(y) != y) { return rc_bits(0x7fc00000u); }
  let m = pow(-x, y);
  if (floor(y * 0.5f) * 2.0f != y) { return -m; }
  return m;
}
fn rc_log1p(x: f32) -> f32 {
  let u = 1.0f + x;
  if (u == 1.0f) { return x; }
  return log(u) * (x / (u - 1.0f));
}
fn rc_fmod(x: f32, y: f32) -> f32 { return x - y * trunc(x / y); }
// log |Γ(x)|: shift x up past 8 by the recurrence, then Stirling's series; reflection below 1/2.
fn rc_lgamma_pos(x0: f32) -> f32 {
  var x = x0;
  var p = 1.0f;
  loop { if (x >= 8.0f) { break; } p = p * x; x = x + 1.0f; }
  let r = 1.0f / x;
  let r2 = r * r;
  let series = r * (0.083333333f - r2 * (0.0027777778f - r2 * (0.00079365079f - r2 * 0.00059523810f)));
  return (x - 0.5f) * log(x) - x + 0.91893853f + series - log(p);
}
fn rc_lgamma(x: f32) -> f32 {
  if (rc_isnan(x)) { return x; }
  if (x <= 0.0f && floor(x) == x) { return rc_bits(0x7f800000u); }
  if (x == 1.0f || x == 2.0f) { return 0.0f; }
  if (x < 0.5f) { return log(3.14159265f / abs(sin(3.14159265f * x))) - rc_lgamma_pos(1.0f - x); }
  return rc_lgamma_pos(x);
}

var<private> rc_stack: array<f32, 48>;
var<private> rc_depth: u32;
var<private> rc_pushed: u32;
fn rc_begin() { rc_depth = 0u; rc_pushed = 0u; }
fn rc_push(v: f32) {
  rc_pushed = rc_pushed + 1u;
  var x = v;
  var c = rc_pushed;
  loop {
    if ((c & 1u) != 0u) { break; }
    rc_depth = rc_depth - 1u;
    x = rc_stack[rc_depth] + x;
    c = c >> 1u;
  }
  rc_stack[rc_depth] = x;
  rc_depth = rc_depth + 1u;
}
fn rc_finish() -> f32 {
  if (rc_depth == 0u) { return 0.0f; }
  var acc = rc_stack[rc_depth - 1u];
  var d = i32(rc_depth) - 2i;
  loop {
    if (d < 0i) { break; }
    acc = rc_stack[d] + acc;
    d = d - 1i;
  }
  return acc;
}
`;
