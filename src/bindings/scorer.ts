/**
 * The runtime behind generated TypeScript bindings (`rewardc build SPEC --emit ts`). A generated module holds
 * the types of one spec and its compiled artifact; `openTypedScorer` checks the artifact it was given and
 * returns a scorer whose methods take and return plain objects laid out as `layout.ts` says. The logic lives
 * here, once, so a generated module is only types and one call.
 *
 * Messages (thrown as `RuntimeInputError`):
 *   the bindings of spec `x` use layout 2; this rewardc reads layout 1: regenerate them with `rewardc build SPEC --emit ts`
 *   the bindings of spec `x` were edited after generation (checksum 1234abcd, expected 89ab0123): regenerate them ...
 *   (and every message of `parseArtifact`, `batchFromColumns`, `batchFromRows` as rows, params and state)
 */
import type { IrModule, Scalar } from "../compiler/ir.js";
import { parseArtifact } from "../runtime/artifact.js";
import type { BackendChoice } from "../runtime/backend.js";
import { batchFromColumns, type Batch, type ColumnInput, type GroupKey } from "../runtime/batch.js";
import { RuntimeInputError, describeValue, formatRowErrors } from "../runtime/errors.js";
import { batchFromRows } from "../runtime/rows.js";
import { Session } from "../runtime/session.js";
import { bindingLayout, OFFSETS_FIELD, type BindingLayout } from "./layout.js";

/** The layout of generated modules (`layout.ts`) this runtime reads; bumped when it changes incompatibly. */
export const BINDINGS_LAYOUT = 1;

/** What a generated module embeds. */
export interface EmbeddedSpec {
  /** The spec's name (`reward NAME`), for messages. */
  readonly spec: string;
  /** `BINDINGS_LAYOUT` of the rewardc that generated the module. */
  readonly layout: number;
  /** The artifact JSON `rewardc build` writes. */
  readonly artifact: string;
  /** `artifactChecksum(artifact)`: the generated types describe exactly this artifact. */
  readonly checksum: string;
}

export interface TypedScorerOptions<Params> {
  /** Overrides of the spec's declared params (each checked against its type and range). */
  params?: Params;
  /** `auto` (default) runs on WebGPU when an adapter exists, else on the CPU and says so in `notice`. */
  backend?: BackendChoice;
}

export interface Scored<Outputs, Metrics> {
  outputs: Outputs;
  metrics: Metrics;
}

/** A scoring session of one spec, typed by its generated bindings. */
export interface TypedScorer<Inputs, Row, Outputs, Metrics, State, Params> {
  /** Where batches run. */
  readonly backend: "cpu" | "webgpu";
  /** Why `auto` fell back to the CPU, or null. */
  readonly notice: string | null;
  /** Batches scored so far (restored by `restoreState`). */
  readonly step: number;
  /** Scores a batch of typed arrays (used as they are, never copied), then applies the state updates. */
  score(inputs: Inputs): Promise<Scored<Outputs, Metrics>>;
  /** Scores rollouts given as objects (the JSONL shape); bad rows are reported together, by 1-based index and field. */
  scoreRows(rows: readonly Row[]): Promise<Scored<Outputs, Metrics>>;
  /** The params in effect (declared defaults with the overrides applied). */
  params(): Required<Params>;
  /** The state the next batch sees. */
  state(): State;
  /** The state and step as JSON, for `restoreState` in a later run. */
  saveState(): string;
  /** Replaces the state and step with saved ones; on any problem nothing changes. */
  restoreState(json: string): void;
  /** Releases the backend's device memory. */
  close(): void;
}

/** FNV-1a (32 bits, hex) of the text's UTF-16 code units: catches an edited artifact, not a forged one. */
export function artifactChecksum(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/**
 * Checks an embedded spec and opens a session on it. The type arguments are the generated module's; they are
 * trusted, which is sound because the generator derives them from the same `bindingLayout` this runtime reads.
 */
export async function openTypedScorer<Inputs, Row, Outputs, Metrics, State, Params>(
  embedded: EmbeddedSpec,
  options: TypedScorerOptions<Params> = {},
): Promise<TypedScorer<Inputs, Row, Outputs, Metrics, State, Params>> {
  const module = loadEmbeddedSpec(embedded);
  const layout = bindingLayout(module);
  const { session, notice } = await Session.open(module, { params: (options.params ?? {}) as Record<string, number | boolean>, backend: options.backend ?? "auto" });
  const scored = async (batch: Batch): Promise<Scored<Outputs, Metrics>> => {
    const result = await session.scoreAsync(batch);
    return { outputs: outputsObject(layout, batch, result.outputs) as Outputs, metrics: typedValues(module.metrics.map((m) => [m.name, module.nodes[m.node]!.type]), result.metrics) as Metrics };
  };
  return {
    get backend() {
      return session.backendName;
    },
    notice,
    get step() {
      return session.step;
    },
    // async: a bad batch rejects the promise rather than throwing before it exists.
    score: async (inputs) => scored(batchFromColumns(module, columnInput(layout, inputs))),
    scoreRows: async (rows) => {
      const built = batchFromRows(module, rows);
      if ("errors" in built) throw new RuntimeInputError(`invalid rows (numbered from 1):\n${formatRowErrors(built.errors).replace(/^line /gm, "row ")}`);
      return scored(built.batch);
    },
    params: () => typedValues(module.params.map((p) => [p.name, p.type]), session.params()) as Required<Params>,
    state: () => typedValues(module.states.map((s) => [s.name, s.type]), session.state()) as State,
    saveState: () => session.saveState(),
    restoreState: (json) => session.restoreState(json),
    close: () => session.close(),
  };
}

/** The module of an embedded spec, after checking it was generated for this runtime and not edited since. */
export function loadEmbeddedSpec(embedded: EmbeddedSpec): IrModule {
  const regenerate = "regenerate them with `rewardc build SPEC --emit ts`";
  const what = `the bindings of spec \`${String(embedded.spec)}\``;
  if (embedded.layout !== BINDINGS_LAYOUT) throw new RuntimeInputError(`${what} use layout ${describeValue(embedded.layout)}; this rewardc reads layout ${BINDINGS_LAYOUT}: ${regenerate}`);
  const actual = artifactChecksum(String(embedded.artifact));
  if (actual !== embedded.checksum) throw new RuntimeInputError(`${what} were edited after generation (checksum ${actual}, expected ${String(embedded.checksum)}): ${regenerate}`);
  return parseArtifact(embedded.artifact, what);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The typed inputs as `batchFromColumns` takes them: the same arrays, regrouped by reference. */
function columnInput(layout: BindingLayout, inputs: unknown): ColumnInput {
  if (!isObject(inputs)) throw new RuntimeInputError(`invalid batch: the inputs must be an object, found ${describeValue(inputs)}`);
  const columns: Record<string, ArrayLike<number | boolean>> = {};
  const offsets: Record<string, ArrayLike<number>> = {};
  const texts: Record<string, readonly string[]> = {};
  const take = (holder: Record<string, unknown>, name: string, target: Record<string, unknown>): void => {
    // Absent fields are left out, for batchFromColumns to report with the others.
    if (Object.prototype.hasOwnProperty.call(holder, name)) target[name] = holder[name];
  };
  for (const d of layout.scalars) take(inputs, d.name, columns);
  for (const { decl } of layout.fixed) take(inputs, decl.name, columns);
  for (const t of layout.texts) take(inputs, t, texts);
  for (const { axis, inputs: along } of layout.ragged) {
    const holder = inputs[axis];
    if (holder === undefined) continue;
    if (!isObject(holder)) throw new RuntimeInputError(`invalid batch: \`${axis}\` must be an object holding \`${OFFSETS_FIELD}\` and the inputs along axis \`${axis}\`, found ${describeValue(holder)}`);
    if (Object.prototype.hasOwnProperty.call(holder, OFFSETS_FIELD)) offsets[axis] = holder[OFFSETS_FIELD] as ArrayLike<number>;
    for (const d of along) take(holder, d.name, columns);
  }
  const key = layout.groupKey;
  const groupKeys = key === null ? undefined : ((key.input !== null ? columns[key.name] : inputs[key.name]) as ArrayLike<GroupKey> | undefined);
  return { columns, offsets, texts, ...(groupKeys !== undefined ? { groupKeys } : {}) };
}

/** Outputs by name, plus the batch's offsets of every ragged axis an output runs along. */
function outputsObject(layout: BindingLayout, batch: Batch, outputs: ReadonlyMap<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = Object.fromEntries(outputs);
  const offsets: Record<string, Int32Array> = {};
  for (const axis of layout.elementOutputs.keys()) {
    const o = batch.axes.get(axis);
    if (o !== undefined && layout.ragged.some((r) => r.axis === axis)) offsets[axis] = o;
  }
  if (Object.keys(offsets).length > 0) result[OFFSETS_FIELD] = offsets;
  return result;
}

/** Values by name as the bindings type them: bools as true/false, numbers as they are. */
function typedValues(decls: [string, Scalar][], values: ReadonlyMap<string, number> | Record<string, number>): Record<string, number | boolean> {
  const get = (name: string): number | undefined => (values instanceof Map ? values.get(name) : (values as Record<string, number>)[name]);
  const result: Record<string, number | boolean> = {};
  for (const [name, type] of decls) {
    const v = get(name);
    if (v !== undefined) result[name] = type === "bool" ? v !== 0 : v;
  }
  return result;
}
