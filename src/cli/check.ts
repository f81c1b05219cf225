import { compileFile } from "../compiler/compile.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnosticsToJson, renderDiagnostics } from "../diagnostics/render.js";
import type { SourceMap } from "../diagnostics/sourceMap.js";
import { parseCommand, type CommandSpec } from "./args.js";
import { UsageError } from "./io.js";

export const checkCommand: CommandSpec = {
  name: "check",
  usage: "rewardc check FILE... [--json]",
  summary: "Check .reward files for errors: syntax, names, types and levels. Exit 0 when clean (warnings allowed), 1 on errors.",
  options: {
    json: { type: "boolean", help: "print diagnostics as JSON (one array for all files) instead of text" },
  },
};

export function runCheck(argv: string[], color: boolean): number {
  const { values, positionals } = parseCommand(checkCommand, argv);
  if (positionals.length === 0) throw new UsageError("`rewardc check` needs at least one FILE");
  let failed = false;
  const all: unknown[] = [];
  const texts: string[] = [];
  for (const file of positionals) {
    const result = compileFile(file);
    if (result.diagnostics.some((d: Diagnostic) => d.severity === "error")) failed = true;
    if (values.json) all.push(...diagnosticsToJson(result.diagnostics, result.sources as SourceMap));
    else if (result.diagnostics.length > 0) texts.push(renderDiagnostics(result.diagnostics, result.sources, { color }));
  }
  if (values.json) process.stdout.write(JSON.stringify(all, null, 2) + "\n");
  else {
    if (texts.length > 0) process.stderr.write(texts.join("\n\n") + "\n");
    if (!failed) process.stderr.write(`${positionals.length} file${positionals.length === 1 ? "" : "s"} checked: no errors\n`);
  }
  return failed ? 1 : 0;
}
