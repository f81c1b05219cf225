/** Says once, before the tests, whether the WebGPU tests will run and on which adapter. */
import { getGpu, releaseGpu } from "../../src/runtime/webgpu/device.js";

export default async function setup(): Promise<void> {
  const gpu = await getGpu();
  if (gpu) process.stdout.write(`WebGPU tests: running on ${gpu.adapterInfo}\n`);
  else if (process.env.REWARDC_REQUIRE_GPU === "1") process.stdout.write("WebGPU tests: REWARDC_REQUIRE_GPU=1 and no adapter: they will fail\n");
  else process.stdout.write("WebGPU tests: skipped (no WebGPU adapter; install lavapipe with .ci/install-vulkan.sh to run them)\n");
  await releaseGpu();
}
