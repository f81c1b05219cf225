/** Loads a spec for a command: compiles a `.reward` file, or reads an artifact written by `rewardc build`. */
import { readFileSync } from "node:fs";
import { compileFile } from "../compiler/compile.js";
import type { IrModule } from "../compiler/ir.js";
import { validateIr } from "../compiler/validate.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { UsageError } from "./io.js";

export const ARTIFACT_FORMAT = "rewardc-module";
/** 2: `string` inputs (`module.texts`) and derived inputs with a `feature`. */
export const ARTIFACT_VERSION = 2;

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
  decodeNumbers(artifact.module);
  // A hand-edited or truncated artifact is bad input, not a compiler bug: validateIr returns what is wrong with any JSON.
  const problems = validateIr(artifact.module);
  if (problems.length > 0) throw new UsageError(`\`${path}\` is damaged: ${problems.slice(0, 3).join("; ")}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ""}`);
  return artifact.module;
}

export function toArtifact(module: IrModule): Artifact {
  return { format: ARTIFACT_FORMAT, version: ARTIFACT_VERSION, module };
}

/** The artifact's JSON text. JSON has no NaN, infinities or -0, so those numbers are written as strings. */
export function serializeArtifact(module: IrModule): string {
  return JSON.stringify(toArtifact(module), (_key, value: unknown) => (typeof value === "number" && !isJsonNumber(value) ? numberSpelling(value) : value));
}

const isJsonNumber = (x: number): boolean => Number.isFinite(x) && !Object.is(x, -0);
const numberSpelling = (x: number): string => (Object.is(x, -0) ? "-0" : String(x));
const SPELLED_NUMBERS: ReadonlyMap<unknown, number> = new Map([NaN, Infinity, -Infinity, -0].map((x) => [numberSpelling(x), x]));

/**
 * Turns the spelled numbers of `serializeArtifact` back into numbers, in the fields that hold numbers (never in
 * names, which may be spelled `Infinity` too, nor in text features, whose patterns and literals are strings
 * such as "NaN"). Leaves anything malformed for validateIr to report.
 */
function decodeNumbers(module: unknown): void {
  if (!isRecord(module)) return;
  const decode = (v: unknown): unknown => SPELLED_NUMBERS.get(v) ?? v;
  const decodeRange = (holder: Record<string, unknown>): void => {
    if (Array.isArray(holder.range)) holder.range = holder.range.map(decode);
  };
  for (const node of listOf(module.nodes)) if (node.op === "const") node.value = decode(node.value);
  for (const input of listOf(module.inputs)) decodeRange(input);
  for (const param of listOf(module.params)) {
    param.default = decode(param.default);
    decodeRange(param);
  }
  for (const state of listOf(module.states)) state.initial = decode(state.initial);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The objects of a JSON array (nothing when it is not one). */
function listOf(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}
