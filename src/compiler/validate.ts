/**
 * Checks the invariants listed at the top of ir.ts. A violation is a compiler bug, so this returns
 * messages for tests and `--dump` to show rather than user diagnostics.
 */
import { LEVEL_RANK, roots, type IrModule, type Level, type Node } from "./ir.js";

export function validateIr(module: IrModule): string[] {
  const problems: string[] = [];
  const axes = new Map(module.axes.map((a) => [a.name, a]));
  const fail = (node: Node, message: string): void => {
    problems.push(`node ${node.id} (${node.op}): ${message}`);
  };
  const checkAxis = (node: Node, level: Level): void => {
    if (level.kind === "element" && !axes.has(level.axis)) fail(node, `unknown axis \`${level.axis}\``);
  };
  module.nodes.forEach((node, index) => {
    if (node.id !== index) fail(node, `id ${node.id} at index ${index}`);
    checkAxis(node, node.level);
    for (const a of node.args) {
      if (a >= node.id || a < 0) {
        fail(node, `argument ${a} is not before it`);
        continue;
      }
      const arg = module.nodes[a]!;
      const reducing = node.op === "axis_reduce" || node.op === "group_reduce" || node.op === "batch_reduce" || node.op === "axis_at";
      if (!reducing && LEVEL_RANK[arg.level.kind] > LEVEL_RANK[node.level.kind]) fail(node, `reads finer argument ${a} (${arg.level.kind}) at level ${node.level.kind}`);
      if (!reducing && arg.level.kind === "element" && node.level.kind === "element" && arg.level.axis !== node.level.axis) fail(node, `mixes axes \`${arg.level.axis}\` and \`${node.level.axis}\``);
    }
    switch (node.op) {
      case "axis_reduce":
      case "axis_at":
        if (node.level.kind !== "rollout") fail(node, "must be rollout level");
        if (module.nodes[node.args[0]!]?.level.kind !== "element") fail(node, "reduces a non-element value");
        break;
      case "axis_scan":
      case "axis_shift":
      case "axis_index":
        if (node.level.kind !== "element" || node.level.axis !== node.axis) fail(node, "must be at its axis's element level");
        break;
      case "group_reduce":
      case "group_size":
        if (node.level.kind !== "group") fail(node, "must be group level");
        break;
      case "group_map":
        if (node.level.kind !== "rollout") fail(node, "must be rollout level");
        break;
      case "batch_reduce":
      case "batch_size":
        if (node.level.kind !== "batch") fail(node, "must be batch level");
        break;
      case "const":
        if (node.level.kind !== "const") fail(node, "constants are const level");
        break;
    }
    if (module.spans.length !== module.nodes.length) problems.push(`span table has ${module.spans.length} entries for ${module.nodes.length} nodes`);
  });
  for (const id of roots(module)) if (!module.nodes[id]) problems.push(`a root references missing node ${id}`);
  return [...new Set(problems)];
}
