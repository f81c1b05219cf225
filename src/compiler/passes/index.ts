import type { IrModule } from "../ir.js";
import { foldConstants } from "./foldConstants.js";
import { removeDeadCode } from "./removeDeadCode.js";

export interface Pass {
  name: string;
  run: (module: IrModule) => IrModule;
}

/** The pipeline, in order. Tests validate the IR after each one. */
export const PASSES: readonly Pass[] = [
  { name: "fold-constants", run: foldConstants },
  { name: "remove-dead-code", run: removeDeadCode },
];

export function runPasses(module: IrModule): IrModule {
  return PASSES.reduce((m, pass) => pass.run(m), module);
}
