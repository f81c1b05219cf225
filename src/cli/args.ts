/** Argument parsing for every command: one table of options each, `--help` generated from it. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { BACKEND_CHOICES, type BackendChoice } from "../runtime/backend.js";
import { UsageError } from "./io.js";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  value?: string;
  help: string;
}

export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  details?: string;
}

export function helpText(command: CommandSpec): string {
  const lines = [command.summary, "", `Usage: ${command.usage}`, "", "Options:"];
  const rows = Object.entries({ ...command.options, help: { type: "boolean", short: "h", help: "print this help" } as OptionSpec }).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${o.type === "string" ? `=${o.value ?? "VALUE"}` : ""}`;
    return [flag, o.help + (o.multiple ? " (repeatable)" : "")] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  for (const [flag, text] of rows) lines.push(`  ${flag.padEnd(width)}  ${text}`);
  if (command.details) lines.push("", command.details);
  return lines.join("\n") + "\n";
}

export function parseCommand(command: CommandSpec, argv: string[]): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  const options: ParseArgsConfig["options"] = { help: { type: "boolean", short: "h" } };
  for (const [name, o] of Object.entries(command.options)) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/\. To specify a positional.*$/s, "")}\nRun \`rewardc ${command.name} --help\` for usage.`);
  }
}

/** The value of a `--backend` option (default auto). */
export function parseBackendChoice(value: string | undefined): BackendChoice {
  if (value === undefined) return "auto";
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new UsageError(`--backend takes ${BACKEND_CHOICES.join(", ")}, found \`${value}\``);
}
