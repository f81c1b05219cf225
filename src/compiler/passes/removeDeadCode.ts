/** Dead-code removal: keep only nodes that an output, a metric or a state update depends on. */
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
