/** `rewardc`: the command-line entry. Each command lives in its own module; this dispatches and maps errors to exit codes. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InternalError } from "../diagnostics/diagnostic.js";
import { RuntimeInputError } from "../runtime/errors.js";
import { packageRoot } from "../paths.js";
import { helpText, type CommandSpec } from "./args.js";
import { buildCommand, runBuild } from "./build.js";
import { checkCommand, runCheck } from "./check.js";
import { UsageError } from "./io.js";
import { runCommand, runRun } from "./run.js";

const COMMANDS: { spec: CommandSpec; run: (argv: string[], color: boolean) => number | Promise<number> }[] = [
  { spec: checkCommand, run: runCheck },
  { spec: buildCommand, run: runBuild },
  { spec: runCommand, run: runRun },
];

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length));
  return [
    "rewardc: a declarative reward language for RL on language models.",
    "",
    "Usage: rewardc <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary.split(". ")[0]!.replace(/\.$/, "")}`),
    "",
    "Run `rewardc <command> --help` for a command's options. Language reference: docs/language.md.",
    "",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const color = process.stderr.isTTY === true && !process.env.NO_COLOR;
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(topHelp());
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-V") {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string };
    process.stdout.write(`rewardc ${pkg.version}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) {
    process.stderr.write(`error: unknown command \`${name}\`\n\n${topHelp()}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(helpText(command.spec));
    return 0;
  }
  try {
    return await command.run(rest, color);
  } catch (e) {
    if (e instanceof UsageError || e instanceof RuntimeInputError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof InternalError) {
      process.stderr.write(`${e.message}\n${e.stack ?? ""}\n`);
      return 101;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === "string" && err.syscall) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`internal error (a bug in rewardc; please report it): ${err?.stack ?? String(e)}\n`);
    return 101;
  }
}
