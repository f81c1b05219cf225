/**
 * Dead-code removal: keep only nodes that an output, a metric, a state update or a property check depends on.
 * Derived inputs (text features) no live node reads are dropped too, so the host never computes them;
 * declared inputs stay, since batches must still provide them.
 */
import { roots, type IrModule } from "../ir.js";
import { rebuild } from "./rebuild.js";

export function removeDeadCode(module: IrModule): IrModule {
  const live = new Uint8Array(module.nodes.length);
  const stack = roots(module);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (live[id]) continue;
    live[id] = 1;
    stack.push(...module.nodes[id]!.args);
  }
  const rebuilt = rebuild(module, () => null, (id) => live[id] === 1);
  const read = new Set(rebuilt.nodes.flatMap((n) => (n.op === "input" ? [n.name] : [])));
  return { ...rebuilt, inputs: rebuilt.inputs.filter((i) => !i.feature || read.has(i.name)) };
}

/** The module without its property checks (what scoring needs): the nodes only checks used are dropped. */
export function withoutChecks(module: IrModule): IrModule {
  if (!module.checks || module.checks.length === 0) return module;
  const { checks: _checks, properties: _properties, ...rest } = module;
  return removeDeadCode(rest);
}
