/** Shared test helpers: compile from a string, score rows on the CPU backend. */
import { compileSource, type CompileOptions } from "../src/compiler/compile.js";
import type { IrModule } from "../src/compiler/ir.js";
import { renderDiagnostics } from "../src/diagnostics/render.js";
import { batchFromRows } from "../src/runtime/rows.js";
import { Session } from "../src/runtime/session.js";

export function compileOk(text: string, file = "test.reward", options: CompileOptions = {}): IrModule {
  const result = compileSource(file, text, options);
  if (!result.module) throw new Error(`expected a clean compile:\n${renderDiagnostics(result.diagnostics, result.sources)}`);
  return result.module;
}

export interface Scored {
  outputs: Record<string, number[]>;
  metrics: Record<string, number>;
}

export function scoreRows(module: IrModule, rows: Record<string, unknown>[], params: Record<string, number | boolean> = {}): Scored {
  const built = batchFromRows(module, rows);
  if ("errors" in built) throw new Error(`bad rows: ${JSON.stringify(built.errors)}`);
  const { outputs, metrics } = new Session(module, { params }).score(built.batch);
  return {
    outputs: Object.fromEntries([...outputs].map(([k, v]) => [k, Array.from(v)])),
    metrics: Object.fromEntries(metrics),
  };
}

/** Rows for rewards given group by group: [[1, 0], [0.5]] -> rows with prompt 0, 0, 1. */
export function groupedRows(groups: number[][], extra: (group: number, index: number) => Record<string, unknown> = () => ({})): Record<string, unknown>[] {
  return groups.flatMap((rewards, g) => rewards.map((r, i) => ({ prompt: g, r, ...extra(g, i) })));
}
