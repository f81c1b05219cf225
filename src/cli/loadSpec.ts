/** Loads a spec for a command: compiles a `.reward` file, or reads an artifact written by `rewardc build`. */
import { readFileSync } from "node:fs";
import { compileFile } from "../compiler/compile.js";
import type { IrModule } from "../compiler/ir.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { parseArtifact } from "../runtime/artifact.js";
import { RuntimeInputError } from "../runtime/errors.js";
import { UsageError } from "./io.js";

export { ARTIFACT_FORMAT, ARTIFACT_VERSION, serializeArtifact, toArtifact, type Artifact } from "../runtime/artifact.js";

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
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read artifact \`${path}\`: ${(e as Error).message}`);
  }
  try {
    return parseArtifact(text, `\`${path}\``);
  } catch (e) {
    throw e instanceof RuntimeInputError ? new UsageError(e.message) : e;
  }
}
