/**
 * Shared skeleton of the passes: walk the nodes in order, let the pass decide what each becomes in a
 * fresh builder (which re-deduplicates), and remap every root. Passes stay pure: a new module out.
 */
import type { IrModule, Node } from "../ir.js";
import { IrBuilder, type Value } from "../lower.js";

export type NodeRewrite = (node: Node, args: Value[], b: IrBuilder, module: IrModule) => Value | null;

export function rebuild(module: IrModule, rewrite: NodeRewrite, keep: (id: number) => boolean = () => true): IrModule {
  const b = new IrBuilder();
  const map: (Value | undefined)[] = [];
  for (const node of module.nodes) {
    if (!keep(node.id)) continue;
    const args = node.args.map((a) => map[a]!);
    const { id: _id, args: _args, type, level, ...op } = node;
    map[node.id] = rewrite(node, args, b, module) ?? b.add(op as never, type, level, args.map((a) => a.id), module.spans[node.id]);
  }
  const at = (id: number): number => map[id]!.id;
  return {
    ...module,
    nodes: b.nodes,
    spans: b.spans,
    outputs: module.outputs.map((o) => ({ ...o, node: at(o.node) })),
    metrics: module.metrics.map((m) => ({ ...m, node: at(m.node) })),
    states: module.states.map((s) => ({ ...s, update: s.update === null ? null : at(s.update) })),
    ...(module.checks ? { checks: module.checks.map((c) => ({ ...c, node: at(c.node) })) } : {}),
  };
}
