/** Loads a spec for a command: compiles a `.reward` file, or reads an artifact written by `rewardc build`. */
import { readFileSync } from "node:fs";
import { compileFile } from "../compiler/compile.js";
import type { IrModule } from "../compiler/ir.js";
import { validateIr } from "../compiler/validate.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { UsageError } from "./io.js";

export const ARTIFACT_FORMAT = "rewardc-module";
export const ARTIFACT_VERSION = 1;

export interface Artifact {
  format: typeof ARTIFACT_FORMAT;
  version: number;
  module: IrModule;
}

export type Loaded = { module: IrModule } | { exitCode: number };

/** Prints diagnostics to stderr (warnings too) and returns the module, or the exit code to stop with. */
export function loadSpec(path: string, color: boolean): Loaded {
  if (path.endsWith(".json")) return { module: readArtifact(path) };
  const result = compileFile(path);
  if (result.diagnostics.length > 0) process.stderr.write(renderDiagnostics(result.diagnostics, result.sources, { color }) + "\n");
  if (hasErrors(result.diagnostics) || !result.module) return { exitCode: 1 };
  return { module: result.module };
}

export function readArtifact(path: string): IrModule {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UsageError(`cannot read artifact \`${path}\`: ${(e as Error).message}`);
  }
  const artifact = parsed as Partial<Artifact> | null;
  if (!artifact || artifact.format !== ARTIFACT_FORMAT || !artifact.module) throw new UsageError(`\`${path}\` is not a rewardc artifact (write one with \`rewardc build SPEC -o FILE.json\`)`);
  if (artifact.version !== ARTIFACT_VERSION) throw new UsageError(`\`${path}\` is a version ${String(artifact.version)} artifact; this rewardc reads version ${ARTIFACT_VERSION}: rebuild it`);
  let problems: string[];
  try {
    problems = validateIr(artifact.module);
  } catch (e) {
    // A hand-edited or truncated artifact can lack whole fields; that is bad input, not a compiler bug.
    problems = [(e as Error).message];
  }
  if (problems.length > 0) throw new UsageError(`\`${path}\` is damaged: ${problems.slice(0, 3).join("; ")}`);
  return artifact.module;
}

export function toArtifact(module: IrModule): Artifact {
  return { format: ARTIFACT_FORMAT, version: ARTIFACT_VERSION, module };
}
