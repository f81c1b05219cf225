/** `rewardc test`: checks the properties of specs (declared and built-in) on generated batches. */
import { basename, dirname, join } from "node:path";
import type { IrModule } from "../compiler/ir.js";
import { didYouMean } from "../compiler/didYouMean.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { SourceMap } from "../diagnostics/sourceMap.js";
import { openBackend, type Backend } from "../runtime/backend.js";
import { releaseGpu } from "../runtime/webgpu/device.js";
import { checkProperties, DEFAULT_RUNS, propertyNames, randomSeed, type PropertyResult } from "../testing/check.js";
import { counterexampleJsonl, counterexampleTable } from "../testing/report.js";
import { parseBackendChoice, parseCommand } from "./args.js";
import { parseParams } from "./run.js";
import { testCommand } from "./testCommand.js";
import { UsageError, writeFileAtomic } from "./io.js";
import { loadSpec } from "./loadSpec.js";



function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 0x7fffffff) throw new UsageError(`--${name} takes a positive integer, found \`${value}\``);
  return Number(value);
}

export async function runTest(argv: string[], color: boolean): Promise<number> {
  const { values, positionals } = parseCommand(testCommand, argv);
  if (positionals.length === 0) throw new UsageError("`rewardc test` needs at least one FILE");
  const seed = values.seed === undefined ? randomSeed() : positiveIntOrZero(values.seed as string);
  const paramItems = (values.param as string[] | undefined) ?? [];
  const params = parseParams(paramItems);
  const paramFlags = paramItems.map((p) => ` --param ${p}`).join("");
  const runs = positiveInt("runs", values.runs as string | undefined, DEFAULT_RUNS);
  const choice = parseBackendChoice(values.backend as string | undefined);
  const only = values.property as string[] | undefined;
  const outDir = values["out-dir"] as string | undefined;
  const tty = process.stderr.isTTY === true || process.env.REWARDC_STDERR_TTY === "1";

  let failed = false;
  let total = 0;
  let passed = 0;
  try {
    for (const file of positionals) {
      const loaded = loadSpec(file, color);
      if ("exitCode" in loaded) {
        failed = true;
        continue;
      }
      const module = loaded.module;
      if (only && !checkNames(module, file, only, color)) {
        failed = true;
        continue;
      }
      let gpu: Backend | null = null;
      if (choice !== "cpu") {
        const opened = await openBackend(module, choice);
        if (opened.backend.name === "webgpu") gpu = opened.backend;
        else if (opened.notice) process.stderr.write(`rewardc: ${opened.notice}; cpu_webgpu_agreement is skipped\n`);
      }
      process.stdout.write(`${file}\n`);
      let results: PropertyResult[];
      try {
        results = await checkProperties(module, {
          seed,
          runs,
          params,
          gpu,
          ...(only ? { only } : {}),
          onProgress: tty ? (name, done, of) => process.stderr.write(`\r\x1b[2K  ${name} ${done}/${of}`) : undefined,
        });
      } finally {
        gpu?.close();
        if (tty) process.stderr.write("\r\x1b[2K");
      }
      for (const result of results) {
        total += result.status === "skipped" ? 0 : 1;
        if (result.status === "passed") passed++;
        process.stdout.write(resultLine(result));
        if (result.status !== "failed") continue;
        failed = true;
        process.stdout.write(failure(module, file, result, seed, runs, outDir, paramFlags));
      }
    }
  } finally {
    await releaseGpu();
  }
  process.stdout.write(`\n${passed} of ${total} properties hold (seed ${seed}, ${runs} runs each)\n`);
  return failed ? 1 : 0;
}

/** `<spec>.<property>.counterexample.jsonl`, next to the spec or in `outDir`. */
export function counterexamplePath(file: string, property: string, outDir: string | undefined): string {
  return join(outDir ?? dirname(file), `${basename(file).replace(/\.(reward|json)$/, "")}.${property}.counterexample.jsonl`);
}

function positiveIntOrZero(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 0x7fffffff) throw new UsageError(`--seed takes a non-negative integer, found \`${value}\``);
  return Number(value);
}


/** Reports `--property` names the spec does not have, as diagnostics; true when all are known. */
function checkNames(module: IrModule, file: string, only: string[], color: boolean): boolean {
  const known = propertyNames(module);
  const unknown = only.filter((n) => !known.includes(n));
  if (unknown.length === 0) return true;
  const diagnostics = unknown.map((name) => {
    const suggestion = didYouMean(name, known);
    return {
      severity: "error" as const,
      code: "R0213",
      message: `\`${file}\` has no property \`${name}\``,
      labels: [],
      notes: [`its properties: ${known.map((n) => `\`${n}\``).join(", ")}`],
      ...(suggestion ? { help: `did you mean \`${suggestion}\`?` } : {}),
    };
  });
  process.stderr.write(renderDiagnostics(diagnostics, new SourceMap(), { color }) + "\n");
  return false;
}

function resultLine(r: PropertyResult): string {
  const name = r.builtin ? `${r.name} (built-in)` : r.name;
  if (r.status === "skipped") return `  skip  ${name}: ${r.note}\n`;
  const discarded = r.discarded > 0 ? `, ${r.discarded} discarded by \`given\`` : "";
  if (r.status === "passed") return `  ok    ${name} (${r.runs} batches${discarded})\n`;
  return `  FAIL  ${name}\n`;
}

function failure(module: IrModule, file: string, r: PropertyResult, seed: number, runs: number, outDir: string | undefined, paramFlags: string): string {
  const lines: string[] = [];
  const c = r.counterexample;
  if (!c) {
    lines.push(`        ${r.note ?? "failed"}`);
  } else {
    const rollouts = `${c.rows.length} rollout${c.rows.length === 1 ? "" : "s"}`;
    lines.push(`        ${c.violation.message}`, `        smallest counterexample (${rollouts}):`, "");
    lines.push(...counterexampleTable(module, r).split("\n").map((l) => `        ${l}`), "");
    const path = counterexamplePath(file, r.name, outDir);
    writeFileAtomic(path, counterexampleJsonl(c));
    lines.push(`        written to ${path}; score it with: rewardc run ${file} --in ${path}${paramFlags}`);
  }
  const runsFlag = runs === DEFAULT_RUNS ? "" : ` --runs ${runs}`;
  lines.push(`        replay: rewardc test ${file} --seed ${seed}${runsFlag}${paramFlags} --property ${r.name}`, "");
  return lines.join("\n") + "\n";
}
