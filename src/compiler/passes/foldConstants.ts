/** Constant folding: a node whose level is `const` becomes a literal, computed as the backends would. */
import { evaluateNode } from "../evaluateConstant.js";
import type { IrModule } from "../ir.js";
import { rebuild } from "./rebuild.js";

const FOLDABLE = new Set(["unary", "binary", "cast", "select", "math"]);

export function foldConstants(module: IrModule): IrModule {
  return rebuild(module, (node, args, b) => {
    if (node.level.kind !== "const" || !FOLDABLE.has(node.op)) return null;
    const values = args.map((a) => {
      const n = b.nodes[a.id]!;
      return n.op === "const" ? n.value : NaN;
    });
    if (args.some((a) => b.nodes[a.id]!.op !== "const")) return null;
    const folded = evaluateNode({ ...node, args: args.map((a) => a.id) } as typeof node, values, b.nodes);
    return b.constant(folded, node.type, module.spans[node.id]);
  });
}
