import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { curvesSvg, runLoop, SPEC, type LoopOptions } from "../../examples/loop/loop.js";
import { compileFile, Session } from "../../src/index.js";
import { packageRoot } from "../../src/paths.js";

const options: LoopOptions = { steps: 40, prompts: 8, groupSize: 8, backend: "cpu", seed: 1, outDir: "", progress: null };

describe("examples/loop: a rollout loop scored by rewardc", () => {
  it("learns, and its state evolves: the multiplier rises while cost is over budget and the format weight anneals", async () => {
    const { logs } = await runLoop(options);
    expect(logs).toHaveLength(40);
    const first = logs[0]!;
    const last = logs[logs.length - 1]!;
    expect(last.metrics.accuracy!).toBeGreaterThan(first.metrics.accuracy! + 0.2);
    expect(last.metrics.mean_cost!).toBeLessThan(first.metrics.mean_cost!);
    // mu starts at 0, is raised by the early over-budget batches, and the metric reads the state before each update.
    expect(first.metrics.multiplier).toBe(0);
    const peak = Math.max(...logs.map((l) => l.state.mu!));
    expect(peak).toBeGreaterThan(0.05);
    expect(last.state.mu!).toBeLessThan(peak);
    // format weight = alpha * exp(-step / T) with step counted by the spec's own state (0 on the first batch).
    logs.forEach((l, i) => expect(l.metrics.format_weight!).toBeCloseTo(0.5 * Math.exp(-i / 15), 6));
    expect(last.state.step).toBe(40);
  });

  it("is reproducible for a seed, and its checkpoint resumes a new session at the same state", async () => {
    const a = await runLoop({ ...options, steps: 10 });
    const b = await runLoop({ ...options, steps: 10 });
    expect(b.logs).toEqual(a.logs);
    const { module } = compileFile(SPEC);
    const resumed = new Session(module!);
    resumed.restoreState(a.checkpoint);
    expect(resumed.state()).toEqual(a.logs[9]!.state);
    expect(resumed.step).toBe(10);
  });

  it("plots reward, metrics and state over steps as SVG", async () => {
    const svg = curvesSvg(await runLoop({ ...options, steps: 12 }));
    expect(svg.startsWith("<svg")).toBe(true);
    for (const name of ["mean reward", "accuracy", "multiplier mu", "format weight"]) expect(svg).toContain(name);
    expect(svg.match(/<path /g)!.length).toBeGreaterThanOrEqual(7);
  });

  it("runs from the command line (npm run loop) and writes the plot, the log and the checkpoint", () => {
    const out = mkdtempSync(join(tmpdir(), "rewardc-loop-"));
    try {
      const stdout = execFileSync(process.execPath, [join(packageRoot(), "dist/examples/loop/loop.js"), "--steps", "6", "--backend", "cpu", "--out", out], { encoding: "utf8" });
      expect(stdout).toContain("scored 6 steps of 128 rollouts on cpu");
      expect(readFileSync(join(out, "curves.svg"), "utf8")).toContain("</svg>");
      expect(readFileSync(join(out, "steps.jsonl"), "utf8").trim().split("\n")).toHaveLength(6);
      expect(JSON.parse(readFileSync(join(out, "state.json"), "utf8")).step).toBe(6);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
