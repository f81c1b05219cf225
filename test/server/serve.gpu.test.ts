/** `rewardc serve --backend webgpu` end to end, on the software adapter: one compiled spec, many batches. */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { close, describeGpu } from "../gpu/gpu.js";
import { json, request, score } from "./client.js";
import { root, serve } from "./serveProcess.js";

const rowsOf = (name: string): Record<string, unknown>[] =>
  readFileSync(join(root, "examples/data", `${name}.jsonl`), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);

/** Every number agrees within the backends' stated tolerance ("NaN" etc. must match exactly); the rest is equal. */
function agree(cpu: unknown, gpu: unknown, path: string): void {
  if (typeof cpu === "number" && typeof gpu === "number") {
    if (!close(cpu, gpu)) expect.fail(`${path}: cpu ${cpu} vs webgpu ${gpu}`);
  } else if (Array.isArray(cpu) && Array.isArray(gpu)) {
    expect(gpu.length, path).toBe(cpu.length);
    cpu.forEach((c, i) => agree(c, gpu[i], `${path}[${i}]`));
  } else if (cpu && gpu && typeof cpu === "object" && typeof gpu === "object") {
    expect(Object.keys(gpu), path).toEqual(Object.keys(cpu));
    for (const k of Object.keys(cpu)) agree((cpu as Record<string, unknown>)[k], (gpu as Record<string, unknown>)[k], `${path}.${k}`);
  } else expect(gpu, path).toEqual(cpu);
}

describeGpu("rewardc serve --backend webgpu", () => {
  it("scores batch after batch as the CPU server does, state included; Dawn's chatter stays off stderr; SIGTERM exits 0", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "rewardc-serve-gpu-"));
    const rows = rowsOf("lagrange_state");
    const cpu = serve(["examples/lagrange_state.reward", "--socket", join(scratch, "cpu.sock"), "--backend", "cpu"]);
    const gpu = serve(["examples/lagrange_state.reward", "--socket", join(scratch, "gpu.sock"), "--backend", "webgpu"]);
    const [cpuAddress, gpuAddress] = await Promise.all([cpu.ready, gpu.ready]);
    expect(json(await request(gpuAddress, "GET", "/v1/spec")).backend).toBe("webgpu");
    for (let i = 0; i < 3; i++) {
      // Batches of different sizes reuse the compiled pipelines and grow the pooled buffers.
      const batch = rows.slice(0, 2 + i);
      agree(json(await score(cpuAddress, { rows: batch })), json(await score(gpuAddress, { rows: batch })), `batch ${i}`);
    }
    cpu.child.kill("SIGTERM");
    gpu.child.kill("SIGTERM");
    const [cpuExit, gpuExit] = await Promise.all([cpu.exited, gpu.exited]);
    expect(cpuExit.code).toBe(0);
    expect(gpuExit.code).toBe(0);
    expect(gpuExit.stderr).toBe("");
    expect(existsSync(join(scratch, "gpu.sock"))).toBe(false);
  });
});
