/**
 * A counterexample as people read it: a table with one row per rollout (group key, inputs, strings, the `let`
 * values the property mentions, outputs), the violating rows marked; and as JSONL that `rewardc run` reads.
 */
import type { IrModule } from "../compiler/ir.js";
import { shortestF32 } from "../util/numbers.js";
import type { Counterexample, PropertyResult } from "./check.js";
import { batchOf, outputLevel, run, scoring, valueAt } from "./laws.js";

const MAX_ELEMENTS = 6;
/** A string longer than this many code points is shown as its head, `…` and its tail. */
const MAX_CHARS = 48;
const HEAD_CHARS = 32;
const TAIL_CHARS = 12;

/** A string as a JSON literal (newlines, quotes and lone surrogates escaped), its middle cut when it is long. */
export function stringCell(s: string): string {
  const points = [...s];
  if (points.length <= MAX_CHARS) return JSON.stringify(s);
  const head = JSON.stringify(points.slice(0, HEAD_CHARS).join("")).slice(0, -1);
  const tail = JSON.stringify(points.slice(-TAIL_CHARS).join("")).slice(1);
  return `${head}…${tail} (${points.length} chars)`;
}

function cell(v: unknown, type: "f32" | "i32" | "bool" | "json"): string {
  if (Array.isArray(v)) {
    const shown = v.slice(0, MAX_ELEMENTS).map((x) => cell(x, type));
    return `[${shown.join(", ")}${v.length > MAX_ELEMENTS ? `, … (${v.length})` : ""}]`;
  }
  if (typeof v === "number") {
    if (type === "bool") return v !== 0 ? "true" : "false";
    if (type === "f32") return String(shortestF32(v));
    return String(v);
  }
  return typeof v === "string" ? stringCell(v) : String(v);
}

/** The counterexample of `result` as a table. */
export function counterexampleTable(module: IrModule, result: PropertyResult, params: Record<string, number | boolean> = {}): string {
  const c = result.counterexample;
  if (!c) return "";
  const s = scoring(module, params);
  const batch = batchOf(module, c.rows);
  const scored = run(s, batch);
  const inputs = module.inputs.filter((i) => i.name !== module.groupKey && i.feature === undefined);
  const texts = (module.texts ?? []).map((t) => t.name);
  const mentions = (module.properties ?? []).find((p) => p.name === result.name)?.mentions ?? [];
  const outputNames = new Set(module.outputs.map((o) => o.name));
  const inputNames = new Set(module.inputs.map((i) => i.name));
  const lets = (module.checks ?? []).filter((k) => k.property === result.name && k.role === "probe" && mentions.includes(k.name) && !outputNames.has(k.name) && !inputNames.has(k.name));
  const uniqueLets = lets.filter((k, i) => lets.findIndex((l) => l.name === k.name) === i);

  const header = ["", "row", ...(module.groupKey ? [module.groupKey] : []), ...inputs.map((i) => i.name), ...texts, ...uniqueLets.map((l) => l.name), ...module.outputs.map((o) => o.name)];
  const rows: string[][] = c.rows.map((row, r) => {
    const mark = c.pair ? (c.pair[0] === r ? "a" : c.pair[1] === r ? "b" : "") : c.violation.rows.includes(r) ? ">" : "";
    const cells = [mark, String(r + 1)];
    if (module.groupKey) cells.push(cell(row[module.groupKey], "json"));
    for (const i of inputs) cells.push(cell(row[i.name], i.type));
    for (const t of texts) cells.push(cell(row[t], "json"));
    for (const l of uniqueLets) {
      const node = module.nodes[l.node]!;
      cells.push(cell(valueAt(batch, scored.values[l.node]!, node.level, r), node.type));
    }
    for (const o of module.outputs) {
      const node = module.nodes[o.node]!;
      cells.push(cell(valueAt(batch, scored.outputs.get(o.name)!, outputLevel(module, o.name), r), node.type));
    }
    return cells;
  });
  const all = [header, ...rows];
  const widths = header.map((_, k) => Math.max(...all.map((r) => r[k]!.length)));
  const line = (r: string[]) => r.map((x, k) => (k === 0 ? x.padEnd(widths[k]!) : x.padStart(widths[k]!))).join("  ").trimEnd();
  const separator = widths.map((w, k) => (k === 0 ? " ".repeat(w) : "-".repeat(w))).join("  ").trimEnd();
  const legend = c.pair ? "a, b: the rollouts of the pair" : c.violation.rows.length > 0 ? ">: where it fails" : "";
  return [line(header), separator, ...rows.map(line), ...(legend ? [legend] : [])].join("\n");
}

/** The counterexample's rows as JSONL, as `rewardc run --in` reads them. */
export function counterexampleJsonl(c: Counterexample): string {
  return c.rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
}
