/**
 * Evaluates a constant-level node (params' defaults, literal indices, constant folding) with the same
 * scalar semantics as the CPU backend.
 */
import { InternalError } from "../diagnostics/diagnostic.js";
import { ELEMENTWISE_BY_NAME } from "./builtins.js";
import type { Node } from "./ir.js";
import { evalBinary, evalCast, evalUnary } from "./scalarOps.js";

export function evaluateConstant(nodes: readonly Node[], id: number): number {
  const node = nodes[id];
  if (!node || node.level.kind !== "const") throw new InternalError(`node ${id} is not a constant`);
  const arg = (i: number): number => evaluateConstant(nodes, node.args[i]!);
  return evaluateNode(node, node.args.map((_, i) => arg(i)), nodes);
}

/** One node over already-evaluated constant arguments; throws for nodes that are never constant. */
export function evaluateNode(node: Node, args: number[], nodes: readonly Node[]): number {
  switch (node.op) {
    case "const":
      return node.value;
    case "unary":
      return evalUnary(node.fn, node.type, args[0]!);
    case "binary":
      return evalBinary(node.fn, nodes[node.args[0]!]!.type, args[0]!, args[1]!);
    case "cast":
      return evalCast(node.type, args[0]!);
    case "select":
      return args[0] !== 0 ? args[1]! : args[2]!;
    case "math": {
      const def = ELEMENTWISE_BY_NAME.get(node.fn);
      if (!def) throw new InternalError(`unknown built-in \`${node.fn}\``);
      return evalCast(node.type, def.cpu(...args));
    }
    default:
      throw new InternalError(`\`${node.op}\` node ${node.id} cannot be a constant`);
  }
}
