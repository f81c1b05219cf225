/**
 * A scoring session: one compiled module, its parameter values, and its state carried from batch to batch
 * (updates are applied after each batch). State can be saved as JSON and restored, to resume a run.
 *
 * Messages (all thrown as `RuntimeInputError`; several problems are reported together, one a line):
 *   unknown param `foo`; known params: `a`, `b`            (or: ...; this spec has no params)
 *   param `flag` is a bool: give true or false, found 1
 *   param `x` is a float: give a number, found true
 *   param `n` is an int: give an integer, found 1.5
 *   param `n` is an int: give an integer within int32, found 3000000000
 *   param `x` = 5 is outside its declared range 0..1
 *   cannot restore state: not valid JSON (<parser message>)
 *   cannot restore state: not a rewardc state file
 *   cannot restore state: unsupported version 2
 *   cannot restore state: it was saved for spec `a`, this is spec `b`
 *   cannot restore state: `step` must be a non-negative integer, found -1
 *   cannot restore state: no value for state `x`
 *   cannot restore state: unknown state `y`; known states: `x`   (or: ...; this spec has no state)
 *   cannot restore state: state `x` is an int, found 1.5
 *
 * JSON has no NaN or infinities: a float state holding one is saved as the string "NaN", "Infinity" or
 * "-Infinity", and restored from it. (A param can be infinite but never NaN; a state is whatever its update
 * computed, so a saved state is always restorable.)
 */
import type { IrModule, Scalar } from "../compiler/ir.js";
import type { Batch, Column } from "./batch.js";
import { castScalar } from "../compiler/columnOps.js";
import { withoutChecks } from "../compiler/passes/removeDeadCode.js";
import { openBackend, type Backend, type BackendChoice, type BackendResult } from "./backend.js";
import { runCpu } from "./cpu.js";
import { RuntimeInputError, describeValue } from "./errors.js";
import { INT32_MAX, INT32_MIN, typeName } from "./values.js";

export interface SessionOptions {
  /** Where batches are scored (default: the CPU backend). Open one with `openBackend` from backend.ts. */
  backend?: Backend;
  /** Overrides of declared params by name; bool params take true/false. */
  params?: Record<string, number | boolean>;
}

export interface ScoreResult {
  outputs: Map<string, Column>;
  metrics: Map<string, number>;
}

const STATE_FORMAT = "rewardc-state";
const STATE_VERSION = 1;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const article = (type: Scalar): string => (type === "i32" ? "an" : "a");
const nameList = (names: string[]): string => names.map((n) => `\`${n}\``).join(", ");

/** Why `v` is not a value of `type` (for params and saved state), or null. Bools must be true/false. */
function checkSetting(type: Scalar, v: unknown): string | null {
  const found = `found ${describeValue(v)}`;
  switch (type) {
    case "bool":
      return typeof v === "boolean" ? null : `give true or false, ${found}`;
    case "i32":
      if (typeof v !== "number" || !Number.isInteger(v)) return `give an integer, ${found}`;
      return v < INT32_MIN || v > INT32_MAX ? `give an integer within int32, ${found}` : null;
    case "f32":
      // Infinity is a legitimate setting (an unbounded cap); NaN never is.
      return typeof v === "number" && !Number.isNaN(v) ? null : `give a number, ${found}`;
  }
}

/** Why `v` cannot be the restored value of a state of `type`, or null. */
function checkSavedState(type: Scalar, v: unknown): string | null {
  return type === "f32" && typeof v === "number" ? null : checkSetting(type, v);
}

/** Declared defaults with `overrides` applied and checked; bools become 0/1, floats are rounded to f32. */
export function resolveParams(module: IrModule, overrides: Record<string, number | boolean> = {}): Record<string, number> {
  const values: Record<string, number> = {};
  for (const p of module.params) values[p.name] = castScalar(p.default, p.type);
  const problems: string[] = [];
  for (const name of Object.keys(overrides)) {
    const decl = module.params.find((p) => p.name === name);
    if (decl === undefined) {
      const known = module.params.map((p) => p.name);
      problems.push(`unknown param \`${name}\`; ${known.length > 0 ? `known params: ${nameList(known)}` : "this spec has no params"}`);
      continue;
    }
    const v = overrides[name];
    const bad = checkSetting(decl.type, v);
    if (bad !== null) {
      problems.push(`param \`${name}\` is ${article(decl.type)} ${typeName(decl.type)}: ${bad}`);
      continue;
    }
    const x = typeof v === "boolean" ? (v ? 1 : 0) : (v as number);
    if (decl.range !== null && !(x >= decl.range[0] && x <= decl.range[1])) {
      problems.push(`param \`${name}\` = ${x} is outside its declared range ${decl.range[0]}..${decl.range[1]}`);
      continue;
    }
    values[name] = castScalar(x, decl.type);
  }
  if (problems.length > 0) throw new RuntimeInputError(problems.join("\n"));
  return values;
}

export function initialState(module: IrModule): Record<string, number> {
  const state: Record<string, number> = {};
  for (const s of module.states) state[s.name] = castScalar(s.initial, s.type);
  return state;
}

export class Session {
  readonly module: IrModule;
  private readonly paramValues: Record<string, number>;
  private current: Record<string, number>;
  private steps = 0;

  private readonly backend: Backend | null;

  constructor(module: IrModule, options: SessionOptions = {}) {
    // Property checks are for `rewardc test`: scoring computes only what the outputs, metrics and state need.
    this.module = withoutChecks(module);
    this.paramValues = resolveParams(module, options.params ?? {});
    this.current = initialState(module);
    this.backend = options.backend ?? null;
  }

  /**
   * A session on the chosen backend: `auto` runs on WebGPU when an adapter exists, else on the CPU
   * (`notice` then says so); `webgpu` fails with a clear message when there is none.
   */
  static async open(module: IrModule, options: Omit<SessionOptions, "backend"> & { backend?: BackendChoice } = {}): Promise<{ session: Session; notice: string | null }> {
    const params = options.params ?? {};
    resolveParams(module, params); // bad params fail before a device is opened
    const { backend, notice } = await openBackend(module, options.backend ?? "auto");
    return { session: new Session(module, { params, backend }), notice };
  }

  /** The backend batches run on. */
  get backendName(): "cpu" | "webgpu" {
    return this.backend?.name ?? "cpu";
  }

  /**
   * Scores one batch on the CPU, then applies the state updates (computed from the state before this batch).
   * A batch of size 0 is scored too: it counts a step, and the updates see every batch reduction over no
   * rollouts as 0 (`batch.mean(cost)` = 0). Callers that must not move the state for no data refuse it first,
   * as `rewardc serve` does (docs/io.md, Empty input).
   */
  score(batch: Batch): ScoreResult {
    if (this.backend && this.backend.name !== "cpu") throw new RuntimeInputError(`this session runs on ${this.backend.name}: use \`await session.scoreAsync(batch)\``);
    return this.apply(runCpu(this.module, batch, this.paramValues, this.current));
  }

  /** Scores one batch on the session's backend, then applies the state updates. */
  async scoreAsync(batch: Batch): Promise<ScoreResult> {
    const result = this.backend ? await this.backend.run(batch, this.paramValues, this.current) : runCpu(this.module, batch, this.paramValues, this.current);
    return this.apply(result);
  }

  /** Releases the backend's device memory for this spec. */
  close(): void {
    this.backend?.close();
  }

  private apply(result: BackendResult): ScoreResult {
    this.current = result.nextState;
    this.steps++;
    return { outputs: result.outputs, metrics: result.metrics };
  }

  /** Current state values by name (bools as 0/1). */
  state(): Record<string, number> {
    return { ...this.current };
  }

  /** Param values in effect (defaults with overrides applied). */
  params(): Record<string, number> {
    return { ...this.paramValues };
  }

  /** Number of batches scored (restored by `restoreState`). */
  get step(): number {
    return this.steps;
  }

  saveState(): string {
    const state: Record<string, number | boolean | string> = {};
    for (const s of this.module.states) {
      const v = this.current[s.name] ?? castScalar(s.initial, s.type);
      // JSON has no NaN or infinities: those are written as strings.
      state[s.name] = s.type === "bool" ? v !== 0 : Number.isFinite(v) ? v : String(v);
    }
    return JSON.stringify({ format: STATE_FORMAT, version: STATE_VERSION, module: this.module.name, step: this.steps, state });
  }

  /** Replaces the state and step count with a saved one; on any problem nothing changes. */
  restoreState(json: string): void {
    const fail = (problems: string[]): never => {
      throw new RuntimeInputError(problems.length === 1 ? `cannot restore state: ${problems[0]}` : `cannot restore state:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    };
    let doc: unknown;
    try {
      doc = JSON.parse(json);
    } catch (e) {
      return fail([`not valid JSON (${e instanceof Error ? e.message : String(e)})`]);
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc) || (doc as Record<string, unknown>).format !== STATE_FORMAT) {
      return fail(["not a rewardc state file"]);
    }
    const d = doc as Record<string, unknown>;
    if (d.version !== STATE_VERSION) return fail([`unsupported version ${describeValue(d.version)}`]);
    if (d.module !== this.module.name) return fail([`it was saved for spec \`${String(d.module)}\`, this is spec \`${this.module.name}\``]);
    const problems: string[] = [];
    const step = d.step;
    if (typeof step !== "number" || !Number.isInteger(step) || step < 0) problems.push(`\`step\` must be a non-negative integer, found ${describeValue(step)}`);
    const saved = d.state;
    if (typeof saved !== "object" || saved === null || Array.isArray(saved)) return fail([...problems, "`state` must be an object"]);
    const values = saved as Record<string, unknown>;
    const next: Record<string, number> = {};
    for (const s of this.module.states) {
      if (!hasOwn(values, s.name)) {
        problems.push(`no value for state \`${s.name}\``);
        continue;
      }
      let v = values[s.name];
      if (s.type === "f32" && (v === "NaN" || v === "Infinity" || v === "-Infinity")) v = Number(v);
      const bad = checkSavedState(s.type, v);
      if (bad !== null) {
        problems.push(`state \`${s.name}\` is ${article(s.type)} ${typeName(s.type)}, ${bad.replace(/^give [^,]*, /, "")}`);
        continue;
      }
      next[s.name] = castScalar(typeof v === "boolean" ? (v ? 1 : 0) : (v as number), s.type);
    }
    const known = this.module.states.map((s) => s.name);
    for (const name of Object.keys(values)) {
      if (!known.includes(name)) problems.push(`unknown state \`${name}\`; ${known.length > 0 ? `known states: ${nameList(known)}` : "this spec has no state"}`);
    }
    if (problems.length > 0) return fail(problems);
    this.current = next;
    this.steps = step as number;
  }
}
