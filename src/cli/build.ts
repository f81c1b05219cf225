import { compileFile } from "../compiler/compile.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { printIr } from "../compiler/printIr.js";
import { emitWgsl } from "../compiler/wgsl/emitWgsl.js";
import { formatWgslProgram } from "../compiler/wgsl/format.js";
import { parseCommand, type CommandSpec } from "./args.js";
import { UsageError, writeFileAtomic } from "./io.js";
import { serializeArtifact } from "./loadSpec.js";
import type { IrModule } from "../compiler/ir.js";
import { BindingLayoutError } from "../bindings/layout.js";

const DUMPS = ["ast", "ir", "ir-unoptimized"] as const;

export const buildCommand: CommandSpec = {
  name: "build",
  usage: "rewardc build FILE [--dump=ast|ir|ir-unoptimized] [--emit wgsl|ts] [--import-from MODULE] [-o OUT]",
  summary: "Compile a .reward file to an artifact (IR plus the signature of its inputs, params, state and outputs) that `rewardc run` loads.",
  options: {
    dump: { type: "string", value: "STAGE", help: "print a stage instead of the artifact: ast, ir (optimised), ir-unoptimized" },
    emit: { type: "string", value: "TARGET", help: "print generated code instead of the artifact: wgsl (every kernel, with its binding layout), ts (typed TypeScript bindings embedding the artifact; see docs/bindings.md)" },
    "import-from": { type: "string", value: "MODULE", help: "with --emit ts: the module the bindings import the runtime from (default rewardc)" },
    out: { type: "string", short: "o", value: "OUT", help: "write the artifact (or the dump) to OUT instead of stdout" },
  },
};

const TARGETS = ["wgsl", "ts"] as const;

export async function runBuild(argv: string[], color: boolean): Promise<number> {
  const { values, positionals } = parseCommand(buildCommand, argv);
  if (positionals.length !== 1) throw new UsageError("`rewardc build` takes exactly one FILE");
  const dump = values.dump as string | undefined;
  if (dump !== undefined && !(DUMPS as readonly string[]).includes(dump)) throw new UsageError(`unknown --dump stage \`${dump}\`; choose one of ${DUMPS.join(", ")}`);
  const target = values.emit as string | undefined;
  if (target !== undefined && !(TARGETS as readonly string[]).includes(target)) throw new UsageError(`unknown --emit target \`${target}\`; choose one of ${TARGETS.join(", ")}`);
  if (target !== undefined && dump !== undefined) throw new UsageError("give either --dump or --emit, not both");
  const importFrom = values["import-from"] as string | undefined;
  if (importFrom !== undefined && target !== "ts") throw new UsageError("--import-from goes with --emit ts");
  if (importFrom !== undefined && importFrom.trim() === "") throw new UsageError("--import-from needs a module name, e.g. `rewardc` or `./vendor/rewardc.js`");
  const result = compileFile(positionals[0]!, { optimize: dump !== "ir-unoptimized" });
  if (result.diagnostics.length > 0) process.stderr.write(renderDiagnostics(result.diagnostics, result.sources, { color }) + "\n");
  if (dump === "ast" && result.ast) return emit(JSON.stringify(result.ast, null, 2) + "\n", values.out as string | undefined, hasErrors(result.diagnostics) ? 1 : 0);
  if (hasErrors(result.diagnostics) || !result.module) return 1;
  if (target === "ts") return emit(await typeScriptBindings(result.module, importFrom), values.out as string | undefined, 0);
  const text = target ? formatWgslProgram(emitWgsl(result.module)) : dump ? printIr(result.module) : serializeArtifact(result.module) + "\n";
  return emit(text, values.out as string | undefined, 0);
}

/** Loaded when used: the generator needs ts-morph (and the TypeScript compiler), which nothing else does. */
async function typeScriptBindings(module: IrModule, importFrom: string | undefined): Promise<string> {
  const { emitTypeScript } = await import("../bindings/emitTs.js");
  try {
    return emitTypeScript(module, importFrom !== undefined ? { importFrom } : {});
  } catch (e) {
    throw e instanceof BindingLayoutError ? new UsageError(e.message) : e;
  }
}

function emit(text: string, out: string | undefined, code: number): number {
  if (out) writeFileAtomic(out, text);
  else process.stdout.write(text);
  return code;
}
