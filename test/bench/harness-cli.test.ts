// `rewardc bench SPEC` at a tiny size, on the CPU (the built CLI: `npm run build` first). No timing is asserted.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "rewardc.js");

function rewardc(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("rewardc bench", () => {
  it("measures a spec with ragged inputs at the given sizes", () => {
    const r = rewardc(["bench", "examples/igpo.reward", "--sizes", "64,128", "--group-size", "4", "--repeats", "1", "--backend", "cpu"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^compile examples\/igpo\.reward: to IR .* ms .*, to WGSL .* ms/m);
    expect(r.stdout).toContain("groups of 4, ragged lengths 0..32, 1 repeats");
    expect(r.stdout).toMatch(/^N=64\n {2}batch build {2}\S+\/s \(.*\)/m);
    expect(r.stdout).toMatch(/^N=128\n[^N]*\n {2}CPU {10}\S+\/s \(\S+\.\.\S+\), .* ms/m);
    expect(r.stdout).not.toContain("WebGPU");
  });

  it("generates string inputs for a spec that has them", () => {
    const r = rewardc(["bench", "examples/math_boxed.reward", "--sizes", "32", "--repeats", "1", "--backend", "cpu"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("N=32");
  });

  it("rejects bad options with a usage error", () => {
    const r = rewardc(["bench", "examples/igpo.reward", "--sizes", "10,x", "--backend", "cpu"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--sizes takes a positive integer, found `x`");
  });

  it("is listed in the top-level help", () => {
    expect(rewardc(["--help"]).stdout).toMatch(/^ {2}bench +Measure how fast a spec scores/m);
  });
});
