/** The README's "Use it from your training loop" snippet, step for step, through the package entry. */
import { afterAll, describe, expect, it } from "vitest";
import { batchFromColumns, batchFromRows, compileFile, Session } from "../src/index.js";
import { releaseGpu } from "../src/runtime/webgpu/device.js";

afterAll(releaseGpu);

describe("library API", () => {
  it("compiles once and scores several steps in a session that carries state", () => {
    const { module, diagnostics } = compileFile("examples/lagrange_state.reward");
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const session = new Session(module!, { params: { budget: 0.1 } });
    const rows = [
      { prompt: 1, objective: 1, cost: 0.5, thinking: 0.2 },
      { prompt: 1, objective: 0, cost: 0.3, thinking: 0.4 },
    ];
    const multipliers: number[] = [];
    for (let step = 0; step < 3; step++) {
      const built = batchFromRows(module!, rows);
      if ("errors" in built) throw new Error(JSON.stringify(built.errors));
      const { outputs, metrics } = session.score(built.batch);
      expect(outputs.get("advantage")).toBeInstanceOf(Float32Array);
      multipliers.push(metrics.get("multiplier")!);
    }
    // mean cost 0.4 > budget 0.1: mu grows by eta * 0.3 = 0.15 per step, from 0.
    expect(multipliers.map((m) => Number(m.toFixed(5)))).toEqual([0, 0.15, 0.3]);
    const saved = session.saveState();
    const resumed = new Session(module!, { params: { budget: 0.1 } });
    resumed.restoreState(saved);
    expect(resumed.state()).toEqual(session.state());
    expect(resumed.step).toBe(3);
  });

  it("opens a session on the best backend and scores asynchronously, as the README shows", async () => {
    const { module } = compileFile("examples/grpo_lambda.reward");
    const { session, notice } = await Session.open(module!, { params: { threshold: 0.6 }, backend: "auto" });
    expect(notice === null ? session.backendName : "cpu").toBe(session.backendName);
    const built = batchFromRows(module!, [
      { prompt: "a", correct: true, length: 10 },
      { prompt: "a", correct: false, length: 30 },
    ]);
    if ("errors" in built) throw new Error(JSON.stringify(built.errors));
    const { outputs, metrics } = await session.scoreAsync(built.batch);
    const cpu = new Session(module!, { params: { threshold: 0.6 } }).score(built.batch);
    expect(Array.from(outputs.get("advantage")!)).toEqual(Array.from(cpu.outputs.get("advantage")!));
    expect(metrics.get("accuracy")).toBe(0.5);
    session.close();
  });

  it("takes typed arrays without row objects", () => {
    const { module } = compileFile("examples/token_entropy.reward");
    const batch = batchFromColumns(module!, {
      groupKeys: ["a", "a", "b"],
      columns: { correct: new Uint8Array([1, 0, 1]), entropy: new Float32Array([0.1, 0.2, 0.9, 0.3]) },
      offsets: { tokens: new Int32Array([0, 2, 3, 4]) },
    });
    const { outputs } = new Session(module!).score(batch);
    expect(outputs.get("advantage")!.length).toBe(4);
    expect(outputs.get("reward")).toEqual(new Float32Array([1, 0, 1]));
  });
});
