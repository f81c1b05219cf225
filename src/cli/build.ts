import { compileFile } from "../compiler/compile.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { printIr } from "../compiler/printIr.js";
import { emitWgsl } from "../compiler/wgsl/emitWgsl.js";
import { formatWgslProgram } from "../compiler/wgsl/format.js";
import { parseCommand, type CommandSpec } from "./args.js";
import { UsageError, writeFileAtomic } from "./io.js";
import { serializeArtifact } from "./loadSpec.js";

const DUMPS = ["ast", "ir", "ir-unoptimized"] as const;

export const buildCommand: CommandSpec = {
  name: "build",
  usage: "rewardc build FILE [--dump=ast|ir|ir-unoptimized] [--emit wgsl] [-o OUT]",
  summary: "Compile a .reward file to an artifact (IR plus the signature of its inputs, params, state and outputs) that `rewardc run` loads.",
  options: {
    dump: { type: "string", value: "STAGE", help: "print a stage instead of the artifact: ast, ir (optimised), ir-unoptimized" },
    emit: { type: "string", value: "TARGET", help: "print generated code instead of the artifact: wgsl (every kernel, with its binding layout)" },
    out: { type: "string", short: "o", value: "OUT", help: "write the artifact (or the dump) to OUT instead of stdout" },
  },
};

export function runBuild(argv: string[], color: boolean): number {
  const { values, positionals } = parseCommand(buildCommand, argv);
  if (positionals.length !== 1) throw new UsageError("`rewardc build` takes exactly one FILE");
  const dump = values.dump as string | undefined;
  if (dump !== undefined && !(DUMPS as readonly string[]).includes(dump)) throw new UsageError(`unknown --dump stage \`${dump}\`; choose one of ${DUMPS.join(", ")}`);
  const target = values.emit as string | undefined;
  if (target !== undefined && target !== "wgsl") throw new UsageError(`unknown --emit target \`${target}\`; the only target is wgsl`);
  if (target !== undefined && dump !== undefined) throw new UsageError("give either --dump or --emit, not both");
  const result = compileFile(positionals[0]!, { optimize: dump !== "ir-unoptimized" });
  if (result.diagnostics.length > 0) process.stderr.write(renderDiagnostics(result.diagnostics, result.sources, { color }) + "\n");
  if (dump === "ast" && result.ast) return emit(JSON.stringify(result.ast, null, 2) + "\n", values.out as string | undefined, hasErrors(result.diagnostics) ? 1 : 0);
  if (hasErrors(result.diagnostics) || !result.module) return 1;
  const text = target ? formatWgslProgram(emitWgsl(result.module)) : dump ? printIr(result.module) : serializeArtifact(result.module) + "\n";
  return emit(text, values.out as string | undefined, 0);
}

function emit(text: string, out: string | undefined, code: number): number {
  if (out) writeFileAtomic(out, text);
  else process.stdout.write(text);
  return code;
}
