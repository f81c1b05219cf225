/**
 * `npm run bench`: throughput of the CPU and WebGPU backends side by side in one run, and compile time per
 * example. Each figure is the median of several repeats, with the spread (min..max) beside it: shared
 * machines are noisy, so only ratios measured in the same run mean anything.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { compileFile, compileSource } from "../src/compiler/compile.js";
import type { IrModule } from "../src/compiler/ir.js";
import { emitWgsl } from "../src/compiler/wgsl/emitWgsl.js";
import { packageRoot } from "../src/paths.js";
import { batchFromColumns, type Batch } from "../src/runtime/batch.js";
import { runCpu } from "../src/runtime/cpu.js";
import { initialState, resolveParams } from "../src/runtime/session.js";
import { getGpu, releaseGpu } from "../src/runtime/webgpu/device.js";
import { WebGpuExecutor } from "../src/runtime/webgpu/executor.js";

const GROUP = 16;
const SIZES = (process.env.BENCH_SIZES ?? "10000,100000,1000000").split(",").map(Number);

interface Stats {
  median: number;
  min: number;
  max: number;
}

async function time(repeats: number, run: () => unknown | Promise<unknown>): Promise<Stats> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[samples.length >> 1]!, min: samples[0]!, max: samples[samples.length - 1]! };
}

/** A GRPO-λ batch of n rollouts in groups of 16, scattered through the batch (not adjacent). */
function grpoLambdaBatch(module: IrModule, n: number): Batch {
  const correct = new Uint8Array(n);
  const length = new Int32Array(n);
  const keys = new Int32Array(n);
  const groups = Math.ceil(n / GROUP);
  for (let i = 0; i < n; i++) {
    correct[i] = ((i * 2654435761) >>> 0) % 3 === 0 ? 1 : 0;
    length[i] = 50 + (((i * 40503) >>> 0) % 8000);
    keys[i] = ((i % groups) * 7919) % groups;
  }
  return batchFromColumns(module, { groupKeys: keys, columns: { correct, length } });
}

const rate = (n: number, ms: number): string => `${(n / (ms / 1000)).toExponential(2)}/s`;
const spread = (s: Stats): string => `${s.median.toFixed(1)} ms (${s.min.toFixed(1)}..${s.max.toFixed(1)})`;

async function main(): Promise<void> {
  const root = packageRoot();
  const lines: string[] = ["# rewardc benchmark", "", `node ${process.version}, ${new Date().toISOString()}`, ""];
  const gpu = await getGpu();
  lines.push(gpu ? `WebGPU adapter: ${gpu.adapterInfo}` : "WebGPU: no adapter (CPU only)", "");

  const { module } = compileFile(join(root, "examples/grpo_lambda.reward"));
  if (!module) throw new Error("examples/grpo_lambda.reward does not compile");
  lines.push(`## GRPO-λ (examples/grpo_lambda.reward), groups of ${GROUP}, rollouts per second (median of repeats; times are per batch)`, "");
  lines.push("| N | CPU | WebGPU | WebGPU / CPU |", "| --- | --- | --- | --- |");
  const params = resolveParams(module);
  const executor = gpu ? new WebGpuExecutor(gpu, module) : null;
  if (executor) await executor.warmUp(GROUP);
  for (const n of SIZES) {
    const batch = grpoLambdaBatch(module, n);
    const repeats = n >= 1_000_000 ? 5 : 9;
    const cpu = await time(repeats, () => runCpu(module, batch, params, initialState(module)));
    let gpuCell = "n/a";
    let ratio = "n/a";
    if (executor) {
      await executor.run(batch, params, initialState(module));
      const g = await time(repeats, () => executor.run(batch, params, initialState(module)));
      gpuCell = `${rate(n, g.median)}, ${spread(g)}`;
      ratio = (cpu.median / g.median).toFixed(2);
    }
    lines.push(`| ${n.toExponential(0)} | ${rate(n, cpu.median)}, ${spread(cpu)} | ${gpuCell} | ${ratio} |`);
    process.stderr.write(`bench: N=${n} done\n`);
  }
  executor?.destroy();

  lines.push("", "## Compile time per example (parse to WGSL, in process; median of 21)", "", "| example | to IR | to WGSL (incl. IR) |", "| --- | --- | --- |");
  for (const file of readdirSync(join(root, "examples")).filter((f) => f.endsWith(".reward")).sort()) {
    const path = join(root, "examples", file);
    const text = readFileSync(path, "utf8");
    const ir = await time(21, () => compileSource(path, text));
    const wgsl = await time(21, () => emitWgsl(compileSource(path, text).module!));
    lines.push(`| ${file} | ${spread(ir)} | ${spread(wgsl)} |`);
  }
  await releaseGpu();
  process.stdout.write(lines.join("\n") + "\n");
}

await main();
