/** `rewardc`: the command-line entry. Each command lives in its own module; this dispatches and maps errors to exit codes. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InternalError } from "../diagnostics/diagnostic.js";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { RuntimeInputError } from "../runtime/errors.js";
import { DAWN_NOISE, GpuUnavailableError } from "../runtime/webgpu/device.js";
import { packageRoot } from "../paths.js";
import { helpText, type CommandSpec } from "./args.js";
import { benchCommand } from "./benchCommand.js";
import { buildCommand, runBuild } from "./build.js";
import { checkCommand, runCheck } from "./check.js";
import { UsageError } from "./io.js";
import { runCommand } from "./runCommand.js";
import { serveCommand } from "./serveCommand.js";
import { testCommand } from "./testCommand.js";

const COMMANDS: { spec: CommandSpec; run: (argv: string[], color: boolean) => number | Promise<number> }[] = [
  { spec: checkCommand, run: runCheck },
  { spec: buildCommand, run: runBuild },
  // Loaded when used: scoring reads Arrow, whose module takes ~0.15 s to load, which `check` and `build` never need.
  { spec: runCommand, run: async (argv, color) => (await import("./run.js")).runRun(argv, color) },
  // Loaded when used: the server needs Arrow, and property tests fast-check, which the other commands do not.
  { spec: serveCommand, run: async (argv, color) => (await import("./serve.js")).runServe(argv, color) },
  { spec: testCommand, run: async (argv, color) => (await import("./test.js")).runTest(argv, color) },
  { spec: benchCommand, run: async (argv, color) => (await import("./bench.js")).runBench(argv, color) },
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
  // FORCE_COLOR: set by the parent when this process runs behind the Dawn stderr filter.
  const color = (process.stderr.isTTY === true || process.env.FORCE_COLOR === "1") && !process.env.NO_COLOR;
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
  if (mayUseGpu(name, rest) && process.env.REWARDC_STDERR_FILTERED !== "1") return runWithQuietDawn(argv);
  try {
    return await command.run(rest, color);
  } catch (e) {
    if (e instanceof UsageError || e instanceof RuntimeInputError || e instanceof GpuUnavailableError) {
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

/** Commands that may open a WebGPU device: `run`, `serve`, `test` and `bench` unless they ask for the CPU. */
function mayUseGpu(command: string, args: string[]): boolean {
  if (command !== "run" && command !== "serve" && command !== "test" && command !== "bench") return false;
  const i = args.findIndex((a) => a === "--backend" || a.startsWith("--backend="));
  const value = i < 0 ? "auto" : args[i]!.includes("=") ? args[i]!.slice("--backend=".length) : args[i + 1];
  return value !== "cpu";
}

/**
 * Dawn prints start-up warnings from native code straight to file descriptor 2, out of reach of
 * process.stderr. So a command that may open a device runs in a child process whose stderr passes
 * through here, minus those lines; stdout, stdin and the exit code are the child's.
 */
function runWithQuietDawn(argv: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...argv], {
      stdio: ["inherit", "inherit", "pipe"],
      env: {
        ...process.env,
        REWARDC_STDERR_FILTERED: "1",
        ...(process.stderr.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: "1" } : {}),
        // Progress lines are for a terminal: the child's stderr is a pipe, so it is told where they end up.
        ...(process.stderr.isTTY ? { REWARDC_STDERR_TTY: "1" } : {}),
      },
    });
    const lines = createInterface({ input: child.stderr! });
    lines.on("line", (line) => {
      if (!DAWN_NOISE.some((re) => re.test(line))) process.stderr.write(line + "\n");
    });
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
    const drained = new Promise<void>((done) => lines.once("close", done));
    child.on("close", (code, signal) => void drained.then(() => resolve(code ?? (signal === "SIGINT" ? 130 : 143))));
  });
}
