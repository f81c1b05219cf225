/**
 * Says once, before the tests, whether the WebGPU tests will run and on which adapter, and after them how
 * many ran (each GPU test file appends its count to a file named in REWARDC_GPU_TALLY).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getGpu, releaseGpu } from "../../src/runtime/webgpu/device.js";

export default async function setup(): Promise<() => void> {
  const gpu = await getGpu();
  const adapter = gpu?.adapterInfo ?? null;
  if (adapter) process.stdout.write(`WebGPU tests: running on ${adapter}\n`);
  else if (process.env.REWARDC_REQUIRE_GPU === "1") process.stdout.write("WebGPU tests: REWARDC_REQUIRE_GPU=1 and no adapter: they will fail\n");
  else process.stdout.write("WebGPU tests: skipped (no WebGPU adapter; install lavapipe with .ci/install-vulkan.sh to run them)\n");
  await releaseGpu();
  const dir = mkdtempSync(join(tmpdir(), "rewardc-gpu-tally-"));
  const tally = join(dir, "tally");
  writeFileSync(tally, "");
  process.env.REWARDC_GPU_TALLY = tally;
  return () => {
    const ran = readFileSync(tally, "utf8").split("\n").filter(Boolean).reduce((n, line) => n + Number(line), 0);
    if (adapter) process.stdout.write(`WebGPU tests: ${ran} ran on ${adapter}\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
