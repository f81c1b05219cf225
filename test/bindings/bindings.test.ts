/**
 * Generated TypeScript bindings end to end: their text (snapshots, determinism), a caller compiled against them
 * and run under Node (scoring exactly as the untyped API does), and spec changes that become type errors.
 * Needs `npm run build` first: the scratch project imports the built package.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emitTypeScript } from "../../src/bindings/emitTs.js";
import { compileFile, compileSource } from "../../src/compiler/compile.js";
import type { IrModule } from "../../src/compiler/ir.js";
import { batchFromColumns, type ColumnInput } from "../../src/runtime/batch.js";
import { Session } from "../../src/runtime/session.js";
import { releaseGpu } from "../../src/runtime/webgpu/device.js";
import { root, scratchProject, typeCheck, writeModule, type Problem } from "./tsProject.js";

afterAll(releaseGpu);

function example(name: string): IrModule {
  const { module } = compileFile(join(root, "examples", `${name}.reward`));
  return module!;
}

/** The generated text without the embedded artifact, which follows the compiler's IR, not the bindings. */
function bindingsShape(text: string): string {
  return text.replace(/checksum: "[0-9a-f]{8}"/, 'checksum: "…"').replace(/artifact: ".*",$/m, 'artifact: "…",');
}

describe("generated bindings text", () => {
  it.each(["grpo_lambda", "token_entropy", "pure_minform", "lagrange_state", "rm_ensemble"])("%s", (name) => {
    expect(bindingsShape(emitTypeScript(example(name)))).toMatchSnapshot();
  });

  it("is the same text every time for the same module", () => {
    const module = example("pure_minform");
    const first = emitTypeScript(module, { importFrom: "rewardc" });
    expect(emitTypeScript(structuredClone(module), { importFrom: "rewardc" })).toBe(first);
  });

  it("takes the import path and the stem of its names from the options", () => {
    const text = emitTypeScript(example("grpo_lambda"), { importFrom: "../vendor/rewardc.js", specName: "Lambda" });
    expect(text).toContain('from "../vendor/rewardc.js";');
    expect(text).toContain("export function createLambda(options: LambdaOptions = {}): Promise<LambdaScorer>");
    expect(() => emitTypeScript(example("grpo_lambda"), { specName: "lambda-x" })).toThrow("must be a PascalCase identifier");
  });

  it("takes string inputs as strings and leaves out the inputs the host derives from them", () => {
    // Built by hand until the language has string inputs: the IR already carries them (module.texts, feature).
    const module = compileSource("t.reward", "reward t\ngroup by prompt\ninput has_answer : bool\nreward = float(has_answer)\n").module!;
    module.texts = [{ name: "completion" }];
    module.inputs[0]!.feature = { fn: "matches", arg: { kind: "input", name: "completion" }, pattern: "answer", flags: "" };
    const text = emitTypeScript(module);
    expect(text).toContain("  /** `input completion : string`: one string per rollout. */\n  readonly completion: readonly string[];");
    expect(text).toContain("  readonly completion: string;");
    expect(text).not.toContain("has_answer:");
  });

  it("refuses a spec whose names would clash in the bindings, naming them", () => {
    const module = compileSource("clash.reward", "reward clash\ngroup by prompt\ninput tokens : int\ninput offsets : float[tokens]\nreward = sum(offsets)\n").module!;
    expect(() => emitTypeScript(module)).toThrow("the input `offsets` along axis `tokens` has the name the axis's offsets have in bindings");
  });
});

const CALLER_TOKEN_ENTROPY = `import { createTokenEntropy, type TokenEntropyInputs } from "./token_entropy.js";

const scorer = await createTokenEntropy({ backend: "cpu", params: { beta: 0.2 } });
const inputs: TokenEntropyInputs = {
  prompt: ["a", "a", "b"],
  correct: new Uint8Array([1, 0, 1]),
  tokens: { offsets: new Int32Array([0, 2, 3, 4]), entropy: new Float32Array([0.1, 0.2, 0.9, 0.3]) },
};
const typed = await scorer.score(inputs);
const rows = await scorer.scoreRows([
  { prompt: "a", correct: true, entropy: [0.1, 0.2] },
  { prompt: "a", correct: false, entropy: [0.9] },
  { prompt: "b", correct: true, entropy: [0.3] },
]);
const advantage: Float32Array = typed.outputs.advantage;
const silenced: number = typed.metrics.silenced;
console.log(JSON.stringify({
  reward: Array.from(typed.outputs.reward),
  advantage: Array.from(advantage),
  offsetsAreTheInputs: typed.outputs.offsets.tokens === inputs.tokens.offsets,
  metrics: typed.metrics,
  silenced,
  rowsAdvantage: Array.from(rows.outputs.advantage),
  rowsOffsets: Array.from(rows.outputs.offsets.tokens),
  params: scorer.params(),
  backend: scorer.backend,
  step: scorer.step,
}));
scorer.close();
`;

const CALLER_LAGRANGE = `import { createLagrangeState } from "./lagrange_state.js";

const scorer = await createLagrangeState({ backend: "cpu", params: { budget: 0.1 } });
const inputs = { prompt: [1, 1], objective: new Float32Array([1, 0]), cost: new Float32Array([0.5, 0.3]), thinking: new Float32Array([0.2, 0.4]) };
const multipliers: number[] = [];
for (let i = 0; i < 3; i++) multipliers.push((await scorer.score(inputs)).metrics.multiplier);
const saved = scorer.saveState();
const resumed = await createLagrangeState({ backend: "cpu", params: { budget: 0.1 } });
resumed.restoreState(saved);
const next = await resumed.score(inputs);
console.log(JSON.stringify({ multipliers, state: scorer.state(), resumedStep: resumed.step, next: Array.from(next.outputs.reward) }));
`;

function runCaller(dir: string, name: string, caller: string): unknown {
  writeModule(dir, name, caller);
  const problems = typeCheck(dir, [`${name}.ts`]);
  expect(problems).toEqual([]);
  return JSON.parse(execFileSync(process.execPath, [join(dir, `${name}.js`)], { cwd: dir, encoding: "utf8" }));
}

describe("a caller compiled against generated bindings", () => {
  const dir = scratchProject();

  it("scores typed arrays and rows as the untyped API does, without copying the offsets", () => {
    const module = example("token_entropy");
    writeModule(dir, "token_entropy", emitTypeScript(module));
    const result = runCaller(dir, "caller_token_entropy", CALLER_TOKEN_ENTROPY) as Record<string, unknown>;

    const columns: ColumnInput = {
      groupKeys: ["a", "a", "b"],
      columns: { correct: new Uint8Array([1, 0, 1]), entropy: new Float32Array([0.1, 0.2, 0.9, 0.3]) },
      offsets: { tokens: new Int32Array([0, 2, 3, 4]) },
    };
    const untyped = new Session(module, { params: { beta: 0.2 } }).score(batchFromColumns(module, columns));
    expect(result).toEqual({
      reward: Array.from(untyped.outputs.get("reward")!),
      advantage: Array.from(untyped.outputs.get("advantage")!),
      offsetsAreTheInputs: true,
      metrics: Object.fromEntries(untyped.metrics),
      silenced: untyped.metrics.get("silenced"),
      rowsAdvantage: Array.from(untyped.outputs.get("advantage")!),
      rowsOffsets: [0, 2, 3, 4],
      params: { max_entropy: expect.closeTo(0.7, 6), beta: expect.closeTo(0.2, 6) },
      backend: "cpu",
      step: 2,
    });
  });

  it("carries state across batches and resumes from saved state", () => {
    writeModule(dir, "lagrange_state", emitTypeScript(example("lagrange_state")));
    const result = runCaller(dir, "caller_lagrange", CALLER_LAGRANGE) as { multipliers: number[]; state: { mu: number; step: number }; resumedStep: number; next: number[] };
    // mean cost 0.4 > budget 0.1: mu grows by eta * 0.3 = 0.15 per step, from 0 (as test/api.test.ts finds untyped).
    expect(result.multipliers.map((m) => Number(m.toFixed(5)))).toEqual([0, 0.15, 0.3]);
    expect(result.state.step).toBe(3);
    expect(result.state.mu).toBeCloseTo(0.45, 5);
    expect(result.resumedStep).toBe(4);
    expect(result.next).toHaveLength(2);
  });
});

const CALLER_GRPO = `import { createGrpoLambda, type GrpoLambdaInputs } from "./grpo_lambda.js";

export async function train(): Promise<number> {
  const scorer = await createGrpoLambda({ params: { threshold: 0.6 } });
  const inputs: GrpoLambdaInputs = { prompt: ["a", "a"], correct: new Uint8Array([1, 0]), length: new Int32Array([10, 30]) };
  const { outputs, metrics } = await scorer.score(inputs);
  const advantage: Float32Array = outputs.advantage;
  return advantage[0]! + metrics.accuracy;
}
`;

describe("a spec change that breaks a caller is a type error", () => {
  const dir = scratchProject();
  const source = readFileSync(join(root, "examples/grpo_lambda.reward"), "utf8");
  writeModule(dir, "caller_grpo", CALLER_GRPO);

  function compileCallerAgainst(spec: string): Problem[] {
    const { module, diagnostics } = compileSource("grpo_lambda.reward", spec);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    writeModule(dir, "grpo_lambda", emitTypeScript(module!));
    return typeCheck(dir, ["caller_grpo.ts"]).map((p) => ({ ...p, message: p.message.split("\n")[0]! }));
  }

  it("compiles against the spec it was written for", () => {
    expect(compileCallerAgainst(source)).toEqual([]);
  });

  it("a renamed input", () => {
    const spec = source.replaceAll(/\blength\b/g, "tokens_out");
    expect(compileCallerAgainst(spec)).toEqual([
      { file: "caller_grpo.ts", code: 2353, message: "Object literal may only specify known properties, and 'length' does not exist in type 'GrpoLambdaInputs'." },
    ]);
  });

  it("an input whose type changed", () => {
    const spec = source.replace("input length  : int in 0..32768", "input length  : float in 0..32768");
    expect(compileCallerAgainst(spec)).toEqual([{ file: "caller_grpo.ts", code: 2322, message: expect.stringContaining("Type 'Int32Array<ArrayBuffer>' is not assignable to type 'Float32Array") }]);
  });

  it("a removed output and a removed metric", () => {
    const withoutProperties = source.slice(0, source.indexOf("# Properties"));
    const spec = withoutProperties.replace("advantage = std.grpo(reward)", "").replace("metric accuracy     = batch.mean(correct)", "");
    expect(compileCallerAgainst(spec)).toEqual([
      { file: "caller_grpo.ts", code: 2339, message: "Property 'advantage' does not exist on type 'GrpoLambdaOutputs'." },
      { file: "caller_grpo.ts", code: 2339, message: "Property 'accuracy' does not exist on type 'GrpoLambdaMetrics'." },
    ]);
  });

  it("a renamed param", () => {
    const spec = source.replaceAll(/\bthreshold\b/g, "gate");
    expect(compileCallerAgainst(spec)).toEqual([
      { file: "caller_grpo.ts", code: 2353, message: "Object literal may only specify known properties, and 'threshold' does not exist in type 'GrpoLambdaParams'." },
    ]);
  });
});
