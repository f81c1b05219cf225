/**
 * `rewardc bench SPEC`: how fast a user's own spec scores. Batches are generated from the spec's declarations
 * (src/cli/benchData.ts); for each size it prints the batch-build time (`batchFromColumns`, which checks every
 * value) and the CPU and WebGPU throughput, each the median of several repeats after a warm-up, with the spread.
 * WebGPU results are compared with the CPU's before they are timed.
 */
import { readFileSync } from "node:fs";
import { compileSource } from "../compiler/compile.js";
import type { IrModule } from "../compiler/ir.js";
import { emitWgsl } from "../compiler/wgsl/emitWgsl.js";
import { batchFromColumns, type Batch } from "../runtime/batch.js";
import { initialState, Session } from "../runtime/session.js";
import { getGpu, releaseGpu, requireGpu, type GpuContext } from "../runtime/webgpu/device.js";
import { WebGpuExecutor } from "../runtime/webgpu/executor.js";
import { withoutChecks } from "../compiler/passes/removeDeadCode.js";
import { backendDisagreements } from "../testing/agreement.js";
import { parseBackendChoice, parseCommand } from "./args.js";
import { benchCommand } from "./benchCommand.js";
import { randomColumnInput } from "./benchData.js";
import { formatRate, formatStats, rates, timeRepeats, type Stats } from "./benchTiming.js";
import { UsageError } from "./io.js";
import { loadSpec } from "./loadSpec.js";


function positiveInt(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} takes a positive integer, found \`${text}\``);
  return n;
}

function parseSizes(text: string | undefined): number[] {
  if (text === undefined) return [1_000, 10_000, 100_000, 1_000_000];
  return text.split(",").map((s) => positiveInt("--sizes", s.trim(), 0));
}

async function compileTime(path: string, repeats: number): Promise<{ toIr: Stats; toWgsl: Stats } | null> {
  if (!path.endsWith(".reward")) return null;
  const text = readFileSync(path, "utf8");
  const toIr = await timeRepeats(repeats, () => compileSource(path, text));
  const toWgsl = await timeRepeats(repeats, () => emitWgsl(compileSource(path, text).module!));
  return { toIr, toWgsl };
}

const cellOf = (n: number, s: Stats): string => {
  const r = rates(n, s);
  return `${formatRate(r.median)}/s (${formatRate(r.low)}..${formatRate(r.high)})`;
};

export async function runBench(argv: string[], color: boolean): Promise<number> {
  const { values, positionals } = parseCommand(benchCommand, argv);
  if (positionals.length !== 1) throw new UsageError("`rewardc bench` takes exactly one SPEC");
  const sizes = parseSizes(values.sizes as string | undefined);
  const groupSize = positiveInt("--group-size", values["group-size"] as string | undefined, 16);
  const meanLength = positiveInt("--length", values.length as string | undefined, 16);
  const repeats = positiveInt("--repeats", values.repeats as string | undefined, 5);
  const seed = positiveInt("--seed", values.seed as string | undefined, 1);
  const backend = parseBackendChoice(values.backend as string | undefined);

  const loaded = loadSpec(positionals[0]!, color);
  if ("exitCode" in loaded) return loaded.exitCode;
  const module: IrModule = withoutChecks(loaded.module);
  const out = (line: string): boolean => process.stdout.write(line + "\n");

  const compile = await compileTime(positionals[0]!, repeats);
  if (compile) out(`compile ${positionals[0]}: to IR ${formatStats(compile.toIr)}, to WGSL ${formatStats(compile.toWgsl)}`);
  let gpu: GpuContext | null = null;
  if (backend === "webgpu") gpu = await requireGpu();
  else if (backend === "auto") gpu = await getGpu();
  if (backend === "auto") out(gpu ? `WebGPU adapter: ${gpu.adapterInfo}` : "WebGPU: no adapter found, CPU only");
  const executor = gpu ? new WebGpuExecutor(gpu, module) : null;
  if (executor) await executor.warmUp(Math.min(256, Math.max(8, groupSize)));
  out(`groups of ${groupSize}, ragged lengths 0..${2 * meanLength}, ${repeats} repeats after a warm-up; rollouts/s at the median (slowest..fastest)`);
  out("");

  let disagreed = false;
  try {
    for (const size of sizes) {
      const input = randomColumnInput(module, size, groupSize, seed, meanLength);
      const build = await timeRepeats(repeats, () => batchFromColumns(module, input));
      const batch: Batch = batchFromColumns(module, input);
      out(`N=${size}`);
      out(`  batch build  ${cellOf(size, build)}, ${formatStats(build)}`);
      const session = new Session(module);
      const cpu = session.score(batch);
      if (backend !== "webgpu") {
        const s = await timeRepeats(repeats, () => session.score(batch));
        out(`  CPU          ${cellOf(size, s)}, ${formatStats(s)}`);
      }
      if (executor) {
        const params = session.params();
        const state = initialState(module);
        const result = await executor.run(batch, params, state);
        const wrong = backendDisagreements(module, batch, params, state, cpu, result);
        if (wrong.length > 0) {
          disagreed = true;
          out(`  WebGPU       not timed: ${wrong.length} values disagree with the CPU, e.g. ${wrong[0]!.what}: CPU ${wrong[0]!.cpu} vs WebGPU ${wrong[0]!.gpu}`);
        } else {
          const s = await timeRepeats(repeats, () => executor.run(batch, params, state));
          out(`  WebGPU       ${cellOf(size, s)}, ${formatStats(s)}`);
        }
      }
    }
  } finally {
    executor?.destroy();
    if (gpu) await releaseGpu();
  }
  return disagreed ? 2 : 0;
}
