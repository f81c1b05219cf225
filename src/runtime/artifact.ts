/**
 * The artifact `rewardc build` writes: a compiled module as JSON, loadable without the compiler or the `.reward`
 * source (by `rewardc run`, and by generated TypeScript bindings, which embed one).
 *
 * Messages (thrown as `RuntimeInputError`; NAME is how the caller names the artifact, e.g. a file path):
 *   cannot read artifact NAME: <JSON parser message>
 *   NAME is not a rewardc artifact (write one with `rewardc build SPEC -o FILE.json`)
 *   NAME is a version 2 artifact; this rewardc reads version 1: rebuild it
 *   NAME is damaged: <the first three problems validateIr finds>
 */
import type { IrModule } from "../compiler/ir.js";
import { validateIr } from "../compiler/validate.js";
import { RuntimeInputError } from "./errors.js";

export const ARTIFACT_FORMAT = "rewardc-module";
/**
 * Bumped whenever the IR's JSON form changes incompatibly: an artifact is read only by the version that wrote it.
 * 2: `string` inputs (`module.texts`) and derived inputs with a `feature`.
 */
export const ARTIFACT_VERSION = 2;

export interface Artifact {
  format: typeof ARTIFACT_FORMAT;
  version: number;
  module: IrModule;
}

export function toArtifact(module: IrModule): Artifact {
  return { format: ARTIFACT_FORMAT, version: ARTIFACT_VERSION, module };
}

/** The artifact's JSON text. JSON has no NaN, infinities or -0, so those numbers are written as strings. */
export function serializeArtifact(module: IrModule): string {
  return JSON.stringify(toArtifact(module), (_key, value: unknown) => (typeof value === "number" && !isJsonNumber(value) ? numberSpelling(value) : value));
}

/**
 * The module of an artifact's JSON text, checked: any text, however damaged, gives the module or a
 * `RuntimeInputError` naming the artifact `name` (default "`the artifact`"), never a crash.
 */
export function parseArtifact(text: string, name = "the artifact"): IrModule {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new RuntimeInputError(`cannot read artifact ${name}: ${(e as Error).message}`);
  }
  const artifact = parsed as Partial<Artifact> | null;
  if (!isRecord(artifact) || artifact.format !== ARTIFACT_FORMAT || !artifact.module) throw new RuntimeInputError(`${name} is not a rewardc artifact (write one with \`rewardc build SPEC -o FILE.json\`)`);
  if (artifact.version !== ARTIFACT_VERSION) throw new RuntimeInputError(`${name} is a version ${String(artifact.version)} artifact; this rewardc reads version ${ARTIFACT_VERSION}: rebuild it`);
  decodeNumbers(artifact.module);
  // A hand-edited or truncated artifact is bad input, not a compiler bug: validateIr returns what is wrong with any JSON.
  const problems = validateIr(artifact.module);
  if (problems.length > 0) throw new RuntimeInputError(`${name} is damaged: ${problems.slice(0, 3).join("; ")}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ""}`);
  return artifact.module;
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
