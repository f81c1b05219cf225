/**
 * Backend choice: the CPU backend (the reference, always present) or WebGPU (Dawn; a real GPU, or Mesa's
 * software Vulkan driver). `auto` takes WebGPU when an adapter exists and says once when it falls back.
 */
import type { IrModule } from "../compiler/ir.js";
import type { Batch, Column } from "./batch.js";
import { runCpu } from "./cpu.js";
import { withoutChecks } from "../compiler/passes/removeDeadCode.js";
import { requireGpu, getGpu } from "./webgpu/device.js";
import { WebGpuExecutor } from "./webgpu/executor.js";

export type BackendChoice = "auto" | "cpu" | "webgpu";
export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "cpu", "webgpu"];

export interface BackendResult {
  outputs: Map<string, Column>;
  metrics: Map<string, number>;
  nextState: Record<string, number>;
}

export interface Backend {
  readonly name: "cpu" | "webgpu";
  run(batch: Batch, params: Record<string, number>, state: Record<string, number>): Promise<BackendResult>;
  /** Frees device memory held for this spec (pipelines and pooled buffers). */
  close(): void;
}

export function cpuBackend(module: IrModule): Backend {
  return {
    name: "cpu",
    run: async (batch, params, state) => runCpu(module, batch, params, state),
    close: () => {},
  };
}

export interface OpenedBackend {
  backend: Backend;
  /** A one-line notice for the user when `auto` fell back to the CPU. */
  notice: string | null;
}

export async function openBackend(module: IrModule, choice: BackendChoice): Promise<OpenedBackend> {
  module = withoutChecks(module);
  if (choice === "cpu") return { backend: cpuBackend(module), notice: null };
  const gpu = choice === "webgpu" ? await requireGpu() : await getGpu();
  if (!gpu) return { backend: cpuBackend(module), notice: "no WebGPU adapter found: running on the CPU backend" };
  const executor = new WebGpuExecutor(gpu, module);
  return {
    backend: { name: "webgpu", run: (batch, params, state) => executor.run(batch, params, state), close: () => executor.destroy() },
    notice: null,
  };
}
