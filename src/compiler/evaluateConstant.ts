/**
 * Evaluates a constant-level node (params' defaults, literal indices, constant folding) with the column
 * kernels the CPU backend runs, on one-element columns.
 */
import { InternalError } from "../diagnostics/diagnostic.js";
import { ELEMENTWISE_BY_NAME } from "./builtins.js";
import { allocColumn, binaryColumns, binaryOperandType, castScalar, convertColumn, unaryColumns } from "./columnOps.js";
import type { Node, Scalar } from "./ir.js";

export function evaluateConstant(nodes: readonly Node[], id: number): number {
  const node = nodes[id];
  if (!node || node.level.kind !== "const") throw new InternalError(`node ${id} is not a constant`);
  return evaluateNode(node, node.args.map((a) => evaluateConstant(nodes, a)), nodes);
}

const one = (type: Scalar, value: number) => {
  const column = allocColumn(type, 1);
  column[0] = value;
  return column;
};

/** One node over already-evaluated constant arguments; throws for nodes that are never constant. */
export function evaluateNode(node: Node, args: number[], nodes: readonly Node[]): number {
  const argType = (i: number): Scalar => nodes[node.args[i]!]!.type;
  const out = allocColumn(node.type, 1);
  switch (node.op) {
    case "const":
      return castScalar(node.value, node.type);
    case "unary":
      unaryColumns(node.fn, one(argType(0), args[0]!), out, 1);
      return out[0]!;
    case "binary": {
      const types = [argType(0), argType(1)];
      const opType = binaryOperandType(node.fn, node.type, types);
      const a = convertColumn(one(types[0]!, args[0]!), types[0]!, opType);
      const b = convertColumn(one(types[1]!, args[1]!), types[1]!, opType);
      binaryColumns(node.fn, opType, a, b, out, 1);
      return out[0]!;
    }
    case "cast":
      return convertColumn(one(argType(0), args[0]!), argType(0), node.type)[0]!;
    case "select":
      return args[0] !== 0 ? args[1]! : args[2]!;
    case "math": {
      const def = ELEMENTWISE_BY_NAME.get(node.fn);
      if (!def) throw new InternalError(`unknown built-in \`${node.fn}\``);
      // Stored like the CPU backend stores it: the typed array rounds (f32) or wraps (i32).
      out[0] = def.cpu(...args);
      return out[0]!;
    }
    default:
      throw new InternalError(`\`${node.op}\` node ${node.id} cannot be a constant`);
  }
}
