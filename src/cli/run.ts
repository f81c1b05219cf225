import { existsSync, readFileSync } from "node:fs";
import type { IrModule } from "../compiler/ir.js";
import type { Column } from "../runtime/batch.js";
import { formatRowErrors, RuntimeInputError } from "../runtime/errors.js";
import { parseJsonl } from "../runtime/jsonl.js";
import { batchFromRows } from "../runtime/rows.js";
import { Session } from "../runtime/session.js";
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
    overwrite: { type: "boolean", help: "allow output fields (reward, advantage, keep, weight) to replace fields of the same name in the rows" },
  },
  details: [
    "Each output row is the input row with the outputs added: reward, advantage (a number, or an array for",
    "per-token advantages), keep, weight. Rows come back in input order. Floats are float32, printed with",
    "the fewest digits that read back to the same float32; NaN and infinities print as null and are counted",
    "on stderr.",
    "",
    "Exit codes: 0 scored; 1 the spec has errors; 2 bad input rows, params, state or usage.",
  ].join("\n"),
};

export function runRun(argv: string[], color: boolean): number {
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

  const session = new Session(module, { params });
  const statePath = values.state as string | undefined;
  if (statePath && existsSync(statePath)) session.restoreState(readFileSync(statePath, "utf8"));
  const { outputs, metrics } = session.score(built.batch);

  const offsets = advantageOffsets(module, built.batch.axes, outputs);
  let nonFinite = 0;
  const lines: string[] = [];
  const rows = parsed.rows as Record<string, unknown>[];
  for (let i = 0; i < rows.length; i++) {
    const row: Record<string, unknown> = { ...rows[i] };
    for (const output of module.outputs) {
      const column = outputs.get(output.name)!;
      if (output.name === "keep") row.keep = column[i] !== 0;
      else if (output.name === "advantage" && offsets) {
        const values: (number | null)[] = [];
        for (let k = offsets[i]!; k < offsets[i + 1]!; k++) values.push(jsonNumber(column[k]!));
        nonFinite += values.filter((v) => v === null).length;
        row.advantage = values;
      } else {
        const v = jsonNumber(column[i]!);
        if (v === null) nonFinite++;
        row[output.name] = v;
      }
    }
    lines.push(JSON.stringify(row));
  }
  const out = values.out as string | undefined;
  const scored = lines.join("\n") + (lines.length ? "\n" : "");
  const metricsJson = JSON.stringify(Object.fromEntries([...metrics].map(([k, v]) => [k, jsonNumber(v)])));

  if (out) writeFileAtomic(out, scored);
  else process.stdout.write(scored);
  if (values.metrics) writeFileAtomic(values.metrics as string, metricsJson + "\n");
  else process.stderr.write(`metrics: ${metricsJson}\n`);
  if (statePath) writeFileAtomic(statePath, session.saveState() + "\n");
  if (nonFinite > 0) process.stderr.write(`warning: ${nonFinite} output value${nonFinite === 1 ? " is" : "s are"} NaN or infinite (printed as null)\n`);
  return 0;
}

function rowErrors(path: string, text: string): number {
  process.stderr.write(`error: invalid rollouts in \`${path}\`\n${text}\n`);
  return 2;
}

function jsonNumber(x: number): number | null {
  return Number.isFinite(x) ? shortestF32(x) : null;
}

/** Offsets of the advantage's axis when the advantage is per element, so each row gets its own array. */
function advantageOffsets(module: IrModule, axes: Map<string, Int32Array>, outputs: Map<string, Column>): Int32Array | null {
  const adv = module.outputs.find((o) => o.name === "advantage");
  if (!adv) return null;
  const level = module.nodes[adv.node]!.level;
  if (level.kind !== "element") return null;
  void outputs;
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

function parseParams(items: string[]): Record<string, number | boolean> {
  const params: Record<string, number | boolean> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param takes NAME=VALUE, found \`${item}\``);
    const name = item.slice(0, eq);
    const raw = item.slice(eq + 1).trim();
    if (raw === "true" || raw === "false") params[name] = raw === "true";
    else if (raw !== "" && Number.isFinite(Number(raw))) params[name] = Number(raw);
    else if (raw === "inf" || raw === "-inf") params[name] = raw === "inf" ? Infinity : -Infinity;
    else throw new UsageError(`--param ${name}: \`${raw}\` is not a number or true/false`);
  }
  return params;
}

export { RuntimeInputError };
