import { existsSync, readFileSync } from "node:fs";
import type { Table } from "apache-arrow";
import type { IrModule } from "../compiler/ir.js";
import { batchFromArrow, readArrowTable, scoresToArrow, metricsJson } from "../runtime/arrow.js";
import type { Batch, Column } from "../runtime/batch.js";
import { formatRowErrors, MAX_REPORTED_ERRORS, RuntimeInputError, type RowError } from "../runtime/errors.js";
import { parseJsonlBytes } from "../runtime/jsonl.js";
import { batchFromRows } from "../runtime/rows.js";
import { Session, type ScoreResult } from "../runtime/session.js";
import { releaseGpu } from "../runtime/webgpu/device.js";
import { outputsPerRollout } from "../runtime/outputs.js";
import { parseBackendChoice, parseCommand } from "./args.js";
import { runCommand } from "./runCommand.js";
import { shortestF32 } from "../util/numbers.js";
import { formatOfPath, parseFormat, readInput, sniffFormat, tableToJsonLines, specTableFromRows, UsageError, writeFileAtomic, type DataFormat } from "./io.js";
import { loadSpec } from "./loadSpec.js";


/** The rows as read, in their own format: the output repeats them as they came. */
type Input =
  | { format: "jsonl"; rows: Record<string, unknown>[]; lineNumbers: number[]; texts: string[] }
  | { format: "arrow"; table: Table };

export async function runRun(argv: string[], color: boolean): Promise<number> {
  const { values, positionals } = parseCommand(runCommand, argv);
  if (positionals.length !== 1) throw new UsageError("`rewardc run` takes exactly one SPEC");
  const inPath = values.in as string | undefined;
  if (!inPath) throw new UsageError("`rewardc run` needs --in ROLLOUTS.jsonl (or .arrow)");
  const out = values.out as string | undefined;
  const params = parseParams((values.param as string[] | undefined) ?? []);
  const givenFormat = parseFormat("--format", values.format as string | undefined);
  const givenOutFormat = parseFormat("--out-format", values["out-format"] as string | undefined);
  const batchSize = parseBatchSize(values["batch-size"] as string | undefined);
  const stepColumn = values["step-column"] as string | undefined;
  if (batchSize !== undefined && stepColumn !== undefined) throw new UsageError("give --batch-size or --step-column, not both");
  const multi = batchSize !== undefined || stepColumn !== undefined;

  const loaded = loadSpec(positionals[0]!, color);
  if ("exitCode" in loaded) return loaded.exitCode;
  const module = loaded.module;
  if (multi && module.metrics.some((m) => m.name === "step")) {
    throw new UsageError("the spec has a metric named `step`, which the per-batch metrics lines use for the batch number; rename the metric");
  }

  const bytes = readInput(inPath);
  const inFormat = givenFormat ?? (inPath !== "-" ? formatOfPath(inPath) : undefined) ?? sniffFormat(bytes);
  const outFormat = givenOutFormat ?? (out !== undefined && out !== "-" ? formatOfPath(out) : undefined) ?? inFormat;
  const where = inPath;

  let input: Input;
  if (inFormat === "arrow") {
    try {
      input = { format: "arrow", table: readArrowTable(bytes) };
    } catch (e) {
      if (e instanceof RuntimeInputError) return rowErrors(where, e.message);
      throw e;
    }
  } else {
    const parsed = parseJsonlBytes(bytes);
    if ("errors" in parsed) return rowErrors(where, formatRowErrors(parsed.errors));
    input = { format: "jsonl", rows: parsed.rows as Record<string, unknown>[], lineNumbers: parsed.lineNumbers, texts: parsed.texts };
  }
  const format = (errors: RowError[]): string => (input.format === "arrow" ? formatArrowRowErrors(errors) : formatRowErrors(errors));

  const split = splitRows(module, input, batchSize, stepColumn);
  if ("errors" in split) return rowErrors(where, format(split.errors));
  const built = buildBatches(module, input, split.ranges);
  if ("problem" in built) return rowErrors(where, built.problem);
  if ("errors" in built) return rowErrors(where, format(built.errors));
  const batches = built.batches;
  // As `rewardc serve` refuses an empty batch: nothing to score, yet the updates would move the state.
  if (rowCount(input) === 0 && module.states.length > 0) {
    return rowErrors(where, `no rollouts: the spec has state (${module.states.map((s) => `\`${s.name}\``).join(", ")}), and an empty batch would apply its updates to no rollouts`);
  }
  if (!values.overwrite) {
    const clash = findClash(module, input);
    if (clash) return rowErrors(where, `${clash}; rename it, or pass --overwrite to replace it`);
  }
  // Built before scoring: a JSONL file that Arrow cannot hold fails before any work is done.
  let passthrough: Table | undefined;
  if (outFormat === "arrow") {
    if (input.format === "arrow") passthrough = input.table;
    else {
      const table = specTableFromRows(module, input.rows, batches);
      if (typeof table === "string") return rowErrors(where, table);
      passthrough = table;
    }
  }

  const choice = parseBackendChoice(values.backend as string | undefined);
  const { session, notice } = await Session.open(module, { params, backend: choice });
  if (notice) process.stderr.write(`rewardc: ${notice}\n`);
  const statePath = values.state as string | undefined;
  const results: { step: number; result: ScoreResult }[] = [];
  const stateWarnings: string[] = [];
  try {
    if (statePath && existsSync(statePath)) session.restoreState(readFileSync(statePath, "utf8"));
    for (const batch of batches) {
      const step = session.step;
      const before = session.state();
      results.push({ step, result: await session.scoreAsync(batch) });
      stateWarnings.push(...nonFiniteState(module, before, session.state(), statePath, multi ? step : null));
    }
  } finally {
    session.close();
    await releaseGpu();
  }

  let scored: string | Uint8Array;
  let nonFinite = 0;
  if (outFormat === "arrow") {
    const combined = concatScores(module, batches, results.map((r) => r.result));
    const last = results[results.length - 1]!.result;
    scored = scoresToArrow(module, combined.shape, { outputs: combined.outputs, metrics: last.metrics }, { passthrough });
  } else {
    const lines: string[] = [];
    const rowTexts = input.format === "jsonl" ? input.texts : tableToJsonLines(input.table, values.overwrite ? new Set(module.outputs.map((o) => o.name)) : new Set());
    const rowObjects = input.format === "jsonl" ? input.rows : null;
    split.ranges.forEach(([start], b) => {
      const written = jsonlLines(module, batches[b]!, results[b]!.result, start, rowTexts, rowObjects);
      nonFinite += written.nonFinite;
      lines.push(...written.lines);
    });
    scored = lines.join("\n") + (lines.length ? "\n" : "");
  }
  const metricsText = multi
    ? results.map(({ step, result }) => `{"step":${step}${metricsJson(result.metrics).slice(1) === "}" ? "}" : `,${metricsJson(result.metrics).slice(1)}`}`).join("\n")
    : legacyMetricsJson(results[0]!.result.metrics);

  // The scored rows go last: a failed write of the metrics or the state must not leave them behind alone.
  if (values.metrics) writeFileAtomic(values.metrics as string, metricsText + "\n");
  else process.stderr.write(metricsText.split("\n").map((l) => `metrics: ${l}\n`).join(""));
  if (statePath) {
    writeFileAtomic(statePath, session.saveState() + "\n");
    for (const w of stateWarnings) process.stderr.write(w);
  }
  if (out && out !== "-") writeFileAtomic(out, scored);
  else process.stdout.write(scored);
  if (nonFinite > 0) process.stderr.write(`warning: ${nonFinite} output value${nonFinite === 1 ? " is" : "s are"} NaN or infinite (printed as null)\n`);
  return 0;
}

function parseBatchSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw new UsageError(`--batch-size takes a positive integer, found \`${value}\``);
  return Number(value);
}

/** Single-batch metrics as `rewardc run` always wrote them: non-finite values as null. */
function legacyMetricsJson(metrics: Map<string, number>): string {
  return JSON.stringify(Object.fromEntries([...metrics].map(([k, v]) => [k, jsonNumber(v)])));
}

/** Arrow rows are numbered from 0, as in the table; `line` is row + 1. */
function formatArrowRowErrors(errors: readonly RowError[]): string {
  return errors.map((e) => (e.message.startsWith("... and ") ? e.message : `row ${e.line - 1}: ${e.message}`)).join("\n");
}

/** One problem list from several (each capped, maybe ending in `... and N more`), capped again. */
function mergeRowErrors(lists: RowError[][]): RowError[] {
  const real: RowError[] = [];
  let omitted = 0;
  let firstOmittedLine = -1;
  for (const list of lists) {
    for (const e of list) {
      const more = /^\.\.\. and (\d+) more$/.exec(e.message);
      if (more) {
        omitted += Number(more[1]);
        if (firstOmittedLine < 0) firstOmittedLine = e.line;
      } else real.push(e);
    }
  }
  const shown = real.slice(0, MAX_REPORTED_ERRORS);
  omitted += real.length - shown.length;
  if (omitted === 0) return shown;
  const line = real.length > shown.length ? real[shown.length]!.line : firstOmittedLine;
  return [...shown, { line, field: "", message: `... and ${omitted} more` }];
}

function rowCount(input: Input): number {
  return input.format === "jsonl" ? input.rows.length : input.table.numRows;
}

/** 1-based line of row `i` for messages (Arrow: row + 1, printed back as the 0-based row). */
function lineOf(input: Input, i: number): number {
  return input.format === "jsonl" ? input.lineNumbers[i]! : i + 1;
}

/** The values of one column of the rows (undefined where a JSONL row lacks the field); null if an Arrow table lacks it. */
function columnValues(input: Input, name: string): unknown[] | null {
  if (input.format === "jsonl") return input.rows.map((r) => (Object.prototype.hasOwnProperty.call(r, name) ? r[name] : undefined));
  const vector = input.table.getChild(name);
  if (vector === null) return null;
  const out: unknown[] = new Array(input.table.numRows);
  for (let i = 0; i < out.length; i++) out[i] = vector.isValid(i) ? vector.get(i) : null;
  return out;
}

/** A key that tells 1 from "1", as group keys do. */
function keyOf(v: unknown): string {
  return typeof v === "bigint" ? `n:${v}` : `${typeof v}:${String(v)}`;
}

function showKey(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/**
 * Row ranges [start, end) of the batches, in input order. --batch-size cuts every N rows and refuses a cut
 * through a group (a group's rows on both sides of a boundary would be scored as two groups); --step-column
 * cuts where the column's value changes, and refuses a step whose rows are not contiguous.
 */
function splitRows(module: IrModule, input: Input, batchSize: number | undefined, stepColumn: string | undefined): { ranges: [number, number][] } | { errors: RowError[] } {
  const n = rowCount(input);
  const errors: RowError[] = [];
  if (batchSize !== undefined) {
    const ranges: [number, number][] = [];
    for (let s = 0; s < n; s += batchSize) ranges.push([s, Math.min(n, s + batchSize)]);
    if (ranges.length === 0) ranges.push([0, 0]);
    const keys = module.groupKey === null ? null : columnValues(input, module.groupKey);
    if (keys !== null) {
      // Only well-formed keys: a missing or bad one is reported by the batch loader.
      const valid = (v: unknown): boolean => typeof v === "string" || (typeof v === "number" && Number.isFinite(v)) || typeof v === "bigint";
      for (let b = 1; b < ranges.length; b++) {
        const before = new Map<string, number>();
        for (let i = ranges[b - 1]![0]; i < ranges[b - 1]![1]; i++) if (valid(keys[i])) before.set(keyOf(keys[i]), i);
        for (let i = ranges[b]![0]; i < ranges[b]![1]; i++) {
          const at = valid(keys[i]) ? before.get(keyOf(keys[i])) : undefined;
          if (at === undefined) continue;
          errors.push({
            line: lineOf(input, i),
            field: module.groupKey!,
            message: `group ${showKey(keys[i])} has rows in batch ${b - 1} (${where(input, at)}) and batch ${b} (${where(input, i)}): --batch-size ${batchSize} would split it; give a multiple of the group size, or use --step-column`,
          });
          break;
        }
      }
    }
    return errors.length > 0 ? { errors: mergeRowErrors([errors]) } : { ranges };
  }
  if (stepColumn !== undefined) {
    const steps = columnValues(input, stepColumn);
    if (steps === null) return { errors: [{ line: 1, field: stepColumn, message: `column \`${stepColumn}\` (--step-column) is missing` }] };
    const ranges: [number, number][] = [];
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const v = steps[i];
      if (!(typeof v === "string" || (typeof v === "number" && Number.isFinite(v)) || typeof v === "bigint")) {
        errors.push({ line: lineOf(input, i), field: stepColumn, message: v === undefined ? `missing field \`${stepColumn}\` (--step-column)` : `field \`${stepColumn}\` (--step-column): expected a string or a finite number, found ${v === null ? "null" : typeof v === "number" ? String(v) : "a non-scalar value"}` });
        continue;
      }
      const key = keyOf(v);
      if (i > 0 && ranges.length > 0 && keyOf(steps[ranges[ranges.length - 1]![0]]) === key) {
        ranges[ranges.length - 1]![1] = i + 1;
        continue;
      }
      const first = seen.get(key);
      if (first !== undefined) {
        errors.push({ line: lineOf(input, i), field: stepColumn, message: `step ${showKey(v)} appears again after other steps (first at ${where(input, first)}); the rows of one step must be contiguous` });
        continue;
      }
      seen.set(key, i);
      ranges.push([i, i + 1]);
    }
    if (errors.length > 0) return { errors: mergeRowErrors([errors]) };
    // Rows skipped above were errors, so when there are none the ranges tile [0, n).
    return { ranges: ranges.length > 0 ? ranges : [[0, 0]] };
  }
  return { ranges: [[0, n]] };
}

function where(input: Input, i: number): string {
  return input.format === "jsonl" ? `line ${input.lineNumbers[i]}` : `row ${i}`;
}

/** Every batch, or every row error of every batch (numbered in the whole input), or a problem of the whole table. */
function buildBatches(module: IrModule, input: Input, ranges: [number, number][]): { batches: Batch[] } | { errors: RowError[] } | { problem: string } {
  const batches: Batch[] = [];
  const errors: RowError[][] = [];
  for (const [start, end] of ranges) {
    let result;
    if (input.format === "jsonl") result = batchFromRows(module, input.rows.slice(start, end), input.lineNumbers.slice(start, end));
    else {
      const whole = start === 0 && end === input.table.numRows;
      try {
        result = batchFromArrow(module, whole ? input.table : input.table.slice(start, end), { firstRow: start });
      } catch (e) {
        // The table's shape (a missing column, a wrong type) is the same for every batch: report it once.
        if (e instanceof RuntimeInputError) return { problem: e.message };
        throw e;
      }
    }
    if ("errors" in result) errors.push(result.errors);
    else batches.push(result.batch);
  }
  return errors.length > 0 ? { errors: mergeRowErrors(errors) } : { batches };
}

/** The outputs of consecutive batches as one batch's: columns end to end, offsets shifted. */
function concatScores(module: IrModule, batches: Batch[], results: ScoreResult[]): { shape: Pick<Batch, "size" | "axes">; outputs: Map<string, Column> } {
  if (batches.length === 1) return { shape: batches[0]!, outputs: results[0]!.outputs };
  const size = batches.reduce((n, b) => n + b.size, 0);
  const axes = new Map<string, Int32Array>();
  for (const name of batches[0]!.axes.keys()) {
    const o = new Int32Array(size + 1);
    let row = 0;
    for (const b of batches) {
      const given = b.axes.get(name)!;
      const base = o[row]!;
      for (let i = 1; i <= b.size; i++) o[row + i] = base + given[i]!;
      row += b.size;
    }
    axes.set(name, o);
  }
  const outputs = new Map<string, Column>();
  for (const output of module.outputs) {
    const level = module.nodes[output.node]!.level;
    const parts = batches.map((b, k) => {
      const column = results[k]!.outputs.get(output.name)!;
      return column.subarray(0, level.kind === "element" ? b.axes.get(level.axis)![b.size]! : b.size);
    });
    const total = parts.reduce((n, p) => n + p.length, 0);
    const joined = new (parts[0]!.constructor as new (n: number) => Column)(total);
    let at = 0;
    for (const p of parts) {
      joined.set(p as never, at);
      at += p.length;
    }
    outputs.set(output.name, joined);
  }
  return { shape: { size, axes }, outputs };
}

/** The JSONL lines of one batch's rows (rows start..start + batch.size of the input) with their outputs. */
function jsonlLines(
  module: IrModule,
  batch: Batch,
  result: ScoreResult,
  start: number,
  rowTexts: string[],
  rowObjects: Record<string, unknown>[] | null,
): { lines: string[]; nonFinite: number } {
  let nonFinite = 0;
  const perRollout = outputsPerRollout(module, batch.size, batch.axes, result.outputs, (x) => {
    if (Number.isFinite(x)) return shortestF32(x);
    nonFinite++;
    return null;
  });
  const lines: string[] = [];
  for (let i = 0; i < batch.size; i++) {
    const fields: [string, unknown][] = [...perRollout].map(([name, values]) => [name, values[i]]);
    const row = rowObjects?.[start + i];
    // Re-serialising would round big ints and print `3.0` as `3`: add the outputs to the row's own text instead,
    // unless --overwrite replaces a field of the row, which only a rewrite can do.
    const replaces = row !== undefined && fields.some(([name]) => Object.prototype.hasOwnProperty.call(row, name));
    lines.push(replaces ? JSON.stringify({ ...row, ...Object.fromEntries(fields) }) : appendFields(rowTexts[start + i]!, fields));
  }
  return { lines, nonFinite };
}

/** `{"a":1}` plus fields b and c is `{"a":1,"b":...,"c":...}`; `json` is an object's text, ending in `}`. */
function appendFields(json: string, fields: [string, unknown][]): string {
  const body = json.slice(0, -1);
  // Only an empty object has `{` right before its closing brace; every member ends with a value.
  const separator = body.trimEnd().endsWith("{") ? "" : ",";
  return `${body}${separator}${fields.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`).join(",")}}`;
}

/** A float state that turns NaN or infinite usually means a diverging update; the next runs would carry it on. */
function nonFiniteState(module: IrModule, before: Record<string, number>, after: Record<string, number>, statePath: string | undefined, step: number | null): string[] {
  const warnings: string[] = [];
  for (const s of module.states) {
    const value = after[s.name]!;
    if (Number.isFinite(before[s.name]) && !Number.isFinite(value)) {
      const saved = statePath ? ` (saved as "${value}" in \`${statePath}\`)` : "";
      warnings.push(`warning: state \`${s.name}\` became ${value} after ${step === null ? "this batch" : `batch ${step}`}${saved}\n`);
    }
  }
  return warnings;
}

function rowErrors(path: string, text: string): number {
  process.stderr.write(`error: invalid rollouts in \`${path}\`\n${text}\n`);
  return 2;
}

function jsonNumber(x: number): number | null {
  return Number.isFinite(x) ? shortestF32(x) : null;
}

/** Why an output would replace an input field or column of the same name, or null. */
function findClash(module: IrModule, input: Input): string | null {
  if (input.format === "arrow") {
    const output = module.outputs.find((o) => input.table.schema.fields.some((f) => f.name === o.name));
    return output ? `column \`${output.name}\` would be replaced by the output of the same name` : null;
  }
  const { rows, lineNumbers } = input;
  for (let i = 0; i < rows.length; i++) {
    for (const output of module.outputs) {
      if (Object.prototype.hasOwnProperty.call(rows[i], output.name)) return `line ${lineNumbers[i]}: field \`${output.name}\` would be replaced by the output of the same name`;
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
