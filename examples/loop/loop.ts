/**
 * A small end-to-end rollout loop: sample completions from a toy policy, score each step's batch with
 * rewardc, update the policy with the advantages, and log reward, metrics and the spec's state (an annealed
 * format weight and a Lagrange multiplier) as they evolve. Draws a progress bar and writes a plot.
 *
 *   npm run loop                       # 60 steps, plot in examples/loop/out/curves.svg
 *   npm run loop -- --steps 200 --backend cpu --out /tmp/loop
 *
 * In your own project, import from "rewardc" instead of the relative path.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { batchFromRows, compileFile, releaseGpu, renderDiagnostics, Session, type BackendChoice } from "../../src/index.js";
import { packageRoot } from "../../src/paths.js";
import { renderChart } from "../../src/report/svgChart.js";
import { makePrompts, seededRandom, SoftmaxPolicy } from "./policy.js";
import { ProgressBar } from "./progress.js";

export interface LoopOptions {
  steps: number;
  prompts: number;
  groupSize: number;
  backend: BackendChoice;
  seed: number;
  outDir: string;
  /** Progress output; null for none (tests). */
  progress: NodeJS.WriteStream | null;
}

export interface StepLog {
  step: number;
  meanReward: number;
  metrics: Record<string, number>;
  /** State after this step's update. */
  state: Record<string, number>;
}

/** The spec sits beside this file in the source tree (the compiled loop runs from dist/examples/loop). */
export const SPEC = join(packageRoot(), "examples", "loop", "loop.reward");

export interface LoopResult {
  logs: StepLog[];
  backend: string;
  /** Param values in effect (the spec's defaults here). */
  params: Record<string, number>;
  /** `session.saveState()` after the last step: a new session restores it to resume the run. */
  checkpoint: string;
}

export async function runLoop(options: LoopOptions): Promise<LoopResult> {
  const { module, diagnostics, sources } = compileFile(SPEC);
  if (!module) throw new Error(renderDiagnostics(diagnostics, sources));
  const { session, notice } = await Session.open(module, { backend: options.backend });
  if (notice && options.progress) options.progress.write(`rewardc: ${notice}\n`);

  const random = seededRandom(options.seed);
  const prompts = makePrompts(options.prompts, random);
  const policy = new SoftmaxPolicy(prompts, random);
  const bar = options.progress ? new ProgressBar(options.steps, options.progress) : null;
  const logs: StepLog[] = [];
  try {
    for (let step = 1; step <= options.steps; step++) {
      // Rollouts: groupSize samples per prompt, one row per rollout in the JSONL shape of `rewardc run`.
      const picks = prompts.map((_, p) => policy.sample(p, options.groupSize));
      const rows = prompts.flatMap((prompt, p) =>
        picks[p]!.map((k) => ({ prompt: prompt.id, completion: prompt.pool[k]!.text, answer: prompt.answer, cost: prompt.pool[k]!.cost })),
      );
      const built = batchFromRows(module, rows);
      if ("errors" in built) throw new Error(`step ${step}: ${JSON.stringify(built.errors)}`);

      const { outputs, metrics } = await session.scoreAsync(built.batch);
      const advantage = outputs.get("advantage")!;
      const reward = outputs.get("reward")!;
      prompts.forEach((_, p) => policy.update(p, picks[p]!, advantage.subarray(p * options.groupSize, (p + 1) * options.groupSize)));

      let total = 0;
      for (let i = 0; i < reward.length; i++) total += reward[i]!;
      const meanReward = total / reward.length;
      const log = { step, meanReward, metrics: Object.fromEntries(metrics), state: session.state() };
      logs.push(log);
      bar?.update(step, `reward ${meanReward.toFixed(3)}  accuracy ${log.metrics.accuracy!.toFixed(2)}  mu ${log.state.mu!.toFixed(3)}`);
    }
    return { logs, backend: session.backendName, params: session.params(), checkpoint: session.saveState() };
  } finally {
    session.close();
  }
}

export function curvesSvg({ logs, backend, params }: Pick<LoopResult, "logs" | "backend" | "params">): string {
  const x = logs.map((l) => l.step);
  const metric = (name: string): number[] => logs.map((l) => l.metrics[name]!);
  return renderChart({
    title: `rewardc rollout loop (${logs.length} steps, ${backend} backend)`,
    xLabel: "training step",
    panels: [
      {
        title: "Reward and metrics",
        series: [
          { name: "mean reward", values: logs.map((l) => l.meanReward), x },
          { name: "accuracy", values: metric("accuracy"), x },
          { name: "format rate", values: metric("format_rate"), x },
          { name: "mean cost", values: metric("mean_cost"), x },
          { name: "cost budget", values: logs.map(() => params.budget!), x, color: "#999", dashed: true },
        ],
      },
      {
        title: "State carried across steps",
        series: [
          { name: "multiplier mu", values: metric("multiplier"), x },
          { name: "format weight", values: metric("format_weight"), x, dashed: true },
        ],
      },
    ],
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: "string", default: "60" },
      prompts: { type: "string", default: "16" },
      "group-size": { type: "string", default: "8" },
      backend: { type: "string", default: "auto" },
      seed: { type: "string", default: "1" },
      out: { type: "string", default: resolve(dirname(SPEC), "out") },
    },
  });
  const positive = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, found ${v}`);
    return n;
  };
  if (!["auto", "cpu", "webgpu"].includes(values.backend)) throw new Error(`--backend must be auto, cpu or webgpu, found ${values.backend}`);
  const options: LoopOptions = {
    steps: positive("steps", values.steps),
    prompts: positive("prompts", values.prompts),
    groupSize: positive("group-size", values["group-size"]),
    backend: values.backend as BackendChoice,
    seed: positive("seed", values.seed),
    outDir: values.out,
    progress: process.stderr,
  };
  const result = await runLoop(options);
  const { logs, backend, checkpoint } = result;
  mkdirSync(options.outDir, { recursive: true });
  const plot = join(options.outDir, "curves.svg");
  writeFileSync(plot, curvesSvg(result));
  writeFileSync(join(options.outDir, "steps.jsonl"), logs.map((l) => JSON.stringify(l)).join("\n") + "\n");
  writeFileSync(join(options.outDir, "state.json"), checkpoint + "\n");
  const first = logs[0]!;
  const last = logs[logs.length - 1]!;
  const peak = logs.reduce((a, b) => (b.state.mu! > a.state.mu! ? b : a));
  process.stdout.write(
    [
      `scored ${logs.length} steps of ${options.prompts * options.groupSize} rollouts on ${backend}`,
      `accuracy ${first.metrics.accuracy!.toFixed(2)} -> ${last.metrics.accuracy!.toFixed(2)}, mean cost ${first.metrics.mean_cost!.toFixed(3)} -> ${last.metrics.mean_cost!.toFixed(3)}`,
      `multiplier mu peaked at ${peak.state.mu!.toFixed(3)} (step ${peak.step}), now ${last.state.mu!.toFixed(3)}; format weight ${first.metrics.format_weight!.toFixed(3)} -> ${last.metrics.format_weight!.toFixed(3)}`,
      `plot: ${plot}`,
      `per-step log: ${join(options.outDir, "steps.jsonl")}; state checkpoint: ${join(options.outDir, "state.json")}`,
    ].join("\n") + "\n",
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main()
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    })
    .finally(() => releaseGpu());
}
