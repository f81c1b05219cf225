/**
 * The front door of the compiler: parse -> resolve -> check (emitting IR) -> passes.
 * Each stage collects diagnostics; a later stage runs only when the earlier ones found no errors.
 */
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { SourceMap } from "../diagnostics/sourceMap.js";
import type { Program } from "../parser/ast.js";
import { parse } from "../parser/parse.js";
import { check } from "./check.js";
import type { IrModule } from "./ir.js";
import { runPasses } from "./passes/index.js";
import { readFromDisk, resolveProgram, type FileReader } from "./resolve.js";

export interface CompileOptions {
  /** Reads imported files (defaults to the disk); lets tests and the API compile from strings. */
  readFile?: FileReader;
  /** Stop after checking, without running the optimisation passes (for `--dump=ir-unoptimized`). */
  optimize?: boolean;
}

export interface CompileResult {
  ast: Program | null;
  module: IrModule | null;
  diagnostics: Diagnostic[];
  sources: SourceMap;
}

export function compileSource(file: string, text: string, options: CompileOptions = {}): CompileResult {
  const sources = new SourceMap();
  sources.add(file, text);
  const parsed = parse(file, text);
  const diagnostics = [...parsed.diagnostics];
  if (!parsed.program || hasErrors(diagnostics)) return { ast: parsed.program, module: null, diagnostics, sources };
  const resolved = resolveProgram(parsed.program, sources, options.readFile ?? readFromDisk);
  diagnostics.push(...resolved.diagnostics);
  if (hasErrors(diagnostics)) return { ast: parsed.program, module: null, diagnostics, sources };
  const checked = check(resolved.scope);
  diagnostics.push(...checked.diagnostics);
  const module = checked.module && options.optimize !== false ? runPasses(checked.module) : checked.module;
  return { ast: parsed.program, module, diagnostics, sources };
}

export function compileFile(path: string, options: CompileOptions = {}): CompileResult {
  const readFile = options.readFile ?? readFromDisk;
  let text: string;
  try {
    text = readFile(path);
  } catch (e) {
    const sources = new SourceMap();
    const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
    return {
      ast: null,
      module: null,
      sources,
      diagnostics: [{ severity: "error", code: "R0105", message: `cannot read \`${path}\`: ${reason}`, labels: [], notes: [] }],
    };
  }
  return compileSource(path, text, options);
}
