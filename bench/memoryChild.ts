/**
 * `node --expose-gc dist/bench/memoryChild.js WORKLOAD N cpu|webgpu`: scores one generated batch and prints, as
 * one JSON line, how much the peak resident set grew while scoring, per rollout. The peak is reset (Linux
 * /proc/self/clear_refs) after the batch is built and garbage collected, so the figure is the scoring's own
 * memory: intermediate columns, arenas, readback copies and outputs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { compileFile } from "../src/compiler/compile.js";
import { initialState, resolveParams, Session } from "../src/runtime/session.js";
import { getGpu, releaseGpu } from "../src/runtime/webgpu/device.js";
import { WebGpuExecutor } from "../src/runtime/webgpu/executor.js";
import { dataBytes } from "./data.js";
import { buildBatch, generateData } from "./measure.js";
import { findWorkload, specPath } from "./workloads.js";

function statusKb(field: "VmHWM" | "VmRSS"): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
  if (!m) throw new Error(`no ${field} in /proc/self/status`);
  return Number(m[1]);
}

const [name, sizeText, backend] = process.argv.slice(2);
const workload = findWorkload(name!);
const size = Number(sizeText);
const module = compileFile(specPath(workload.name)).module;
if (!module) throw new Error(`${workload.name} does not compile in this build`);
const data = generateData(workload, module, size, 16, 1);
const batch = buildBatch(module, data);
const gc = (globalThis as { gc?: () => void }).gc;
let run: () => Promise<unknown>;
if (backend === "webgpu") {
  const gpu = await getGpu();
  if (!gpu) throw new Error("no WebGPU adapter");
  const executor = new WebGpuExecutor(gpu, module);
  await executor.warmUp(16);
  const params = resolveParams(module);
  run = () => executor.run(batch, params, initialState(module));
} else {
  const session = new Session(module);
  run = async () => session.score(batch);
}
gc?.();
writeFileSync("/proc/self/clear_refs", "5");
const before = statusKb("VmRSS");
const result = await run();
const peak = statusKb("VmHWM");
void result;
process.stdout.write(
  JSON.stringify({
    workload: workload.name,
    backend,
    size,
    inputBytesPerRollout: dataBytes(data) / size,
    scoringBytesPerRollout: ((peak - before) * 1024) / size,
  }) + "\n",
);
if (backend === "webgpu") await releaseGpu();
