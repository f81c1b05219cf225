/**
 * Lowering: the checker emits IR through this builder as it types each expression, so the typed
 * program and the IR cannot disagree. The builder hash-conses nodes (common subexpressions such as the
 * two `group.min(length)` of a Kimi penalty become one node) and keeps the span side table.
 */
import type { Span } from "../diagnostics/diagnostic.js";
import type { Level, Node, Op, Scalar } from "./ir.js";

export interface Value {
  id: number;
  type: Scalar;
  level: Level;
}

export class IrBuilder {
  readonly nodes: Node[] = [];
  readonly spans: (Span | undefined)[] = [];
  private readonly byKey = new Map<string, number>();

  add(op: Op, type: Scalar, level: Level, args: number[], span?: Span): Value {
    // A float constant holds the float32 the backends will see, so folding and printing agree with them.
    if (op.op === "const" && type === "f32") op = { op: "const", value: Math.fround(op.value) };
    // JSON would map NaN, ±Infinity and -0 to the same key as other constants: spell constants exactly.
    const key = op.op === "const" ? `const:${type}:${Object.is(op.value, -0) ? "-0" : String(op.value)}` : JSON.stringify([op, type, level, args]);
    const existing = this.byKey.get(key);
    if (existing !== undefined) return { id: existing, type, level };
    const id = this.nodes.length;
    this.nodes.push({ ...op, id, type, level, args } as Node);
    this.spans.push(span);
    this.byKey.set(key, id);
    return { id, type, level };
  }

  constant(value: number, type: Scalar, span?: Span): Value {
    return this.add({ op: "const", value }, type, { kind: "const" }, [], span);
  }
}
