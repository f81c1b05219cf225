/**
 * Shared set-up of the WebGPU tests. They run for real on whatever adapter Dawn finds (lavapipe in CI).
 * Without an adapter they are skipped, unless REWARDC_REQUIRE_GPU=1 (CI sets it), which makes them fail.
 */
import { appendFileSync } from "node:fs";
import { afterAll, afterEach, describe } from "vitest";
import { getGpu, releaseGpu, type GpuContext } from "../../src/runtime/webgpu/device.js";

export const gpu: GpuContext | null = await getGpu();

if (!gpu && process.env.REWARDC_REQUIRE_GPU === "1") {
  throw new Error("REWARDC_REQUIRE_GPU=1 but no WebGPU adapter was found (install lavapipe with .ci/install-vulkan.sh)");
}

/** `describe` when an adapter exists, `describe.skip` otherwise. */
export function describeGpu(name: string, body: () => void): void {
  (gpu ? describe : describe.skip)(name, body);
}

let ran = 0;
afterEach(() => {
  if (gpu) ran++;
});

afterAll(async () => {
  await releaseGpu();
  const tally = process.env.REWARDC_GPU_TALLY;
  if (tally && ran > 0) appendFileSync(tally, `${ran}\n`);
});

export function requireGpu(): GpuContext {
  if (!gpu) throw new Error("no WebGPU adapter");
  return gpu;
}

/** The agreement the WebGPU backend promises with the CPU backend: relative 1e-5, absolute 1e-6; NaN = NaN. */
export function close(cpu: number, gpu: number): boolean {
  if (Number.isNaN(cpu) || Number.isNaN(gpu)) return Number.isNaN(cpu) && Number.isNaN(gpu);
  if (!Number.isFinite(cpu) || !Number.isFinite(gpu)) return cpu === gpu;
  return Math.abs(cpu - gpu) <= 1e-6 + 1e-5 * Math.abs(cpu);
}
