/** Dead-code removal: keep only nodes that an output, a metric, a state update or a property check depends on. */
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
  return rebuild(module, () => null, (id) => live[id] === 1);
}

/** The module without its property checks (what scoring needs): the nodes only checks used are dropped. */
export function withoutChecks(module: IrModule): IrModule {
  if (!module.checks || module.checks.length === 0) return module;
  const { checks: _checks, properties: _properties, ...rest } = module;
  return removeDeadCode(rest);
}
