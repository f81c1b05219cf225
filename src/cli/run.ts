import { existsSync, readFileSync } from "node:fs";
import type { IrModule } from "../compiler/ir.js";
import { formatRowErrors, RuntimeInputError } from "../runtime/errors.js";
import { parseJsonl } from "../runtime/jsonl.js";
import { batchFromRows } from "../runtime/rows.js";
import { BACKEND_CHOICES, type BackendChoice } from "../runtime/backend.js";
import { Session } from "../runtime/session.js";
import { releaseGpu } from "../runtime/webgpu/device.js";
import { parseCommand, type CommandSpec } from "./args.js";
import { shortestF32 } from "../util/numbers.js";
import { UsageError, writeFileAtomic } from "./io.js";
import { loadSpec } from "./loadSpec.js";

export const runCommand: CommandSpec = {
  name: "run",
  usage: "rewardc run SPEC --in ROLLOUTS.jsonl [--out SCORED.jsonl] [--param NAME=VALUE ...] [--metrics FILE] [--state FILE]",
  summary: "Score a batch of rollouts. SPEC is a .reward file or an artifact from `rewardc build`.",
  options: {
    in: { type: "string", value: "FILE", help: "rollouts, one JSON object per line, fields named after the spec's inputs (- for stdin)" },
    out: { type: "string", short: "o", value: "FILE", help: "write scored rows here instead of stdout (written only if the whole batch succeeds)" },
    param: { type: "string", multiple: true, value: "NAME=VALUE", help: "override a param for this run" },
    metrics: { type: "string", value: "FILE", help: "write the batch metrics as JSON to FILE (default: print them to stderr)" },
    state: { type: "string", value: "FILE", help: "load state from FILE if it exists, and save the updated state to it after the batch" },
    backend: { type: "string", value: "auto|cpu|webgpu", help: "where to score: WebGPU when an adapter exists, else the CPU (auto, the default); or force one" },
    overwrite: { type: "boolean", help: "allow output fields (reward, advantage, keep, weight) to replace fields of the same name in the rows" },
  },
  details: [
    "Each output row is the input row as written with the outputs appended: reward, advantage (a number, or",
    "an array for per-token advantages), keep, weight. Rows come back in input order. Floats are float32,",
    "printed with the fewest digits that read back to the same float32; NaN and infinities print as null",
    "and are counted on stderr. A row that repeats a field is rejected.",
    "",
    "--param values are decimal numbers (0.5, -2, 1e-6), inf, -inf, true or false.",
    "",
    "Exit codes: 0 scored; 1 the spec has errors; 2 bad input rows, params, state or usage.",
  ].join("\n"),
};

export async function runRun(argv: string[], color: boolean): Promise<number> {
  const { values, positionals } = parseCommand(runCommand, argv);
  if (positionals.length !== 1) throw new UsageError("`rewardc run` takes exactly one SPEC");
  const inPath = values.in as string | undefined;
  if (!inPath) throw new UsageError("`rewardc run` needs --in ROLLOUTS.jsonl");
  const params = parseParams((values.param as string[] | undefined) ?? []);

  const loaded = loadSpec(positionals[0]!, color);
  if ("exitCode" in loaded) return loaded.exitCode;
  const module = loaded.module;

  let text: string;
  try {
    text = readFileSync(inPath === "-" ? 0 : inPath, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read \`${inPath}\`: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  const parsed = parseJsonl(text);
  if ("errors" in parsed) return rowErrors(inPath, formatRowErrors(parsed.errors));
  const built = batchFromRows(module, parsed.rows, parsed.lineNumbers);
  if ("errors" in built) return rowErrors(inPath, formatRowErrors(built.errors));
  if (!values.overwrite) {
    const clash = findClash(module, parsed.rows as Record<string, unknown>[], parsed.lineNumbers);
    if (clash) return rowErrors(inPath, `${clash}; rename the field, or pass --overwrite to replace it`);
  }

  const choice = backendChoice(values.backend as string | undefined);
  const { session, notice } = await Session.open(module, { params, backend: choice });
  if (notice) process.stderr.write(`rewardc: ${notice}\n`);
  const statePath = values.state as string | undefined;
  let result: Awaited<ReturnType<Session["scoreAsync"]>>;
  let stateBefore: Record<string, number>;
  try {
    if (statePath && existsSync(statePath)) session.restoreState(readFileSync(statePath, "utf8"));
    stateBefore = session.state();
    result = await session.scoreAsync(built.batch);
  } finally {
    session.close();
    await releaseGpu();
  }
  const { outputs, metrics } = result;

  const offsets = advantageOffsets(module, built.batch.axes);
  let nonFinite = 0;
  const lines: string[] = [];
  const rows = parsed.rows as Record<string, unknown>[];
  for (let i = 0; i < rows.length; i++) {
    const fields: [string, unknown][] = [];
    for (const output of module.outputs) {
      const column = outputs.get(output.name)!;
      if (output.name === "keep") fields.push(["keep", column[i] !== 0]);
      else if (output.name === "advantage" && offsets) {
        const values: (number | null)[] = [];
        for (let k = offsets[i]!; k < offsets[i + 1]!; k++) values.push(jsonNumber(column[k]!));
        nonFinite += values.filter((v) => v === null).length;
        fields.push(["advantage", values]);
      } else {
        const v = jsonNumber(column[i]!);
        if (v === null) nonFinite++;
        fields.push([output.name, v]);
      }
    }
    const row = rows[i]!;
    // Re-serialising would round big ints and print `3.0` as `3`: add the outputs to the row's own text instead,
    // unless --overwrite replaces a field of the row, which only a rewrite can do.
    const replaces = fields.some(([name]) => Object.prototype.hasOwnProperty.call(row, name));
    lines.push(replaces ? JSON.stringify({ ...row, ...Object.fromEntries(fields) }) : appendFields(parsed.texts[i]!, fields));
  }
  const out = values.out as string | undefined;
  const scored = lines.join("\n") + (lines.length ? "\n" : "");
  const metricsJson = JSON.stringify(Object.fromEntries([...metrics].map(([k, v]) => [k, jsonNumber(v)])));

  // The scored rows go last: a failed write of the metrics or the state must not leave them behind alone.
  if (values.metrics) writeFileAtomic(values.metrics as string, metricsJson + "\n");
  else process.stderr.write(`metrics: ${metricsJson}\n`);
  if (statePath) {
    writeFileAtomic(statePath, session.saveState() + "\n");
    warnOfNonFiniteState(module, stateBefore, session.state(), statePath);
  }
  if (out) writeFileAtomic(out, scored);
  else process.stdout.write(scored);
  if (nonFinite > 0) process.stderr.write(`warning: ${nonFinite} output value${nonFinite === 1 ? " is" : "s are"} NaN or infinite (printed as null)\n`);
  return 0;
}

/** `{"a":1}` plus fields b and c is `{"a":1,"b":...,"c":...}`; `json` is an object's text, ending in `}`. */
function appendFields(json: string, fields: [string, unknown][]): string {
  const body = json.slice(0, -1);
  // Only an empty object has `{` right before its closing brace; every member ends with a value.
  const separator = body.trimEnd().endsWith("{") ? "" : ",";
  return `${body}${separator}${fields.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`).join(",")}}`;
}

/** A float state that turns NaN or infinite usually means a diverging update; the next runs would carry it on. */
function warnOfNonFiniteState(module: IrModule, before: Record<string, number>, after: Record<string, number>, statePath: string): void {
  for (const s of module.states) {
    const value = after[s.name]!;
    if (Number.isFinite(before[s.name]) && !Number.isFinite(value)) {
      process.stderr.write(`warning: state \`${s.name}\` became ${value} after this batch (saved as "${value}" in \`${statePath}\`)\n`);
    }
  }
}

function backendChoice(value: string | undefined): BackendChoice {
  if (value === undefined) return "auto";
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new UsageError(`--backend takes ${BACKEND_CHOICES.join(", ")}, found \`${value}\``);
}

function rowErrors(path: string, text: string): number {
  process.stderr.write(`error: invalid rollouts in \`${path}\`\n${text}\n`);
  return 2;
}

function jsonNumber(x: number): number | null {
  return Number.isFinite(x) ? shortestF32(x) : null;
}

/** Offsets of the advantage's axis when the advantage is per element, so each row gets its own array. */
function advantageOffsets(module: IrModule, axes: Map<string, Int32Array>): Int32Array | null {
  const adv = module.outputs.find((o) => o.name === "advantage");
  if (!adv) return null;
  const level = module.nodes[adv.node]!.level;
  if (level.kind !== "element") return null;
  return axes.get(level.axis) ?? null;
}

function findClash(module: IrModule, rows: Record<string, unknown>[], lines: number[]): string | null {
  for (let i = 0; i < rows.length; i++) {
    for (const output of module.outputs) {
      if (Object.prototype.hasOwnProperty.call(rows[i], output.name)) return `line ${lines[i]}: field \`${output.name}\` would be replaced by the output of the same name`;
    }
  }
  return null;
}

/** A decimal number, as in JSON or Python: `Number()` alone would also take `0x5`, `0b101` and `Infinity`. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** `--param NAME=VALUE` flags (decimal numbers, inf, -inf, true, false), shared with `rewardc test`. */
export function parseParams(items: string[]): Record<string, number | boolean> {
  const params: Record<string, number | boolean> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param takes NAME=VALUE, found \`${item}\``);
    const name = item.slice(0, eq);
    const raw = item.slice(eq + 1).trim();
    if (raw === "true" || raw === "false") params[name] = raw === "true";
    else if (raw === "inf" || raw === "-inf") params[name] = raw === "inf" ? Infinity : -Infinity;
    else if (DECIMAL.test(raw) && Number.isFinite(Number(raw))) params[name] = Number(raw);
    else if (DECIMAL.test(raw)) throw new UsageError(`--param ${name}: \`${raw}\` is too large; write inf for infinity`);
    else throw new UsageError(`--param ${name}: \`${raw}\` is not a number (such as 0.5, -2 or 1e-6), inf, -inf, true or false`);
  }
  return params;
}

export { RuntimeInputError };
