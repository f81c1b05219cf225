/** `rewardc run --backend ...` end to end through a child process, on the software adapter. */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { expect, it } from "vitest";
import { compileFile } from "../../src/compiler/compile.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { initialState, resolveParams } from "../../src/runtime/session.js";
import { WebGpuExecutor } from "../../src/runtime/webgpu/executor.js";
import { getGpu } from "../../src/runtime/webgpu/device.js";
import { close, describeGpu } from "./gpu.js";

/** Every number of two JSON values agrees within the backends' stated tolerance; everything else is equal. */
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

const root = join(import.meta.dirname, "../..");
const bin = join(root, "bin/rewardc.js");

function rewardc(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describeGpu("rewardc run --backend", () => {
  it.each(readdirSync(join(root, "examples")).filter((f) => f.endsWith(".reward")))("%s: webgpu prints the rows cpu prints, within tolerance", (file) => {
    const data = join("examples/data", `${basename(file, ".reward")}.jsonl`);
    const cpu = rewardc(["run", join("examples", file), "--in", data, "--backend", "cpu"]);
    const gpu = rewardc(["run", join("examples", file), "--in", data, "--backend", "webgpu"]);
    expect(gpu.code, gpu.stderr).toBe(0);
    const rows = (text: string): unknown[] => text.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as unknown);
    agree(rows(cpu.stdout), rows(gpu.stdout), "rows");
    const metrics = (text: string): unknown => JSON.parse(/metrics: (.*)/.exec(text)?.[1] ?? "{}");
    agree(metrics(cpu.stderr), metrics(gpu.stderr), "metrics");
  });

  it("keeps Dawn's start-up chatter off stderr", () => {
    const r = rewardc(["run", "examples/grpo_lambda.reward", "--in", "examples/data/grpo_lambda.jsonl", "--backend", "webgpu"]);
    expect(r.stderr).not.toMatch(/artificially reduced|XDG_RUNTIME_DIR|Warning/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1); // the metrics line
  });

  it("auto without an adapter falls back to the CPU with one notice; webgpu without one fails clearly", () => {
    const auto = rewardc(["run", "examples/grpo_lambda.reward", "--in", "examples/data/grpo_lambda.jsonl"], { REWARDC_NO_GPU: "1" });
    expect(auto.code).toBe(0);
    expect(auto.stderr).toContain("rewardc: no WebGPU adapter found: running on the CPU backend");
    const forced = rewardc(["run", "examples/grpo_lambda.reward", "--in", "examples/data/grpo_lambda.jsonl", "--backend", "webgpu"], { REWARDC_NO_GPU: "1" });
    expect(forced.code).toBe(2);
    expect(forced.stderr).toContain("error: no WebGPU adapter found");
    expect(forced.stdout).toBe("");
  });

  it("a lost device is reported, not turned into wrong results", async () => {
    const gpu = (await getGpu())!;
    const { module } = compileFile("examples/grpo_lambda.reward");
    const built = batchFromRows(module!, [{ prompt: 1, correct: true, length: 3 }]);
    if ("errors" in built) throw new Error("bad rows");
    const executor = new WebGpuExecutor(gpu, module!);
    gpu.device.destroy();
    await gpu.device.lost;
    await expect(executor.run(built.batch, resolveParams(module!), initialState(module!))).rejects.toThrow(/WebGPU device was lost/);
  });
});
