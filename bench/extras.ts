/**
 * The measurements beside throughput: compile time per example, `rewardc check` cold start, peak memory per
 * rollout (in a child process, from /proc/self/status), `rewardc run` end to end on JSONL and Arrow files, and
 * what rewardc's float32 numerics cost in a hand-written loop.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { tableToIPC } from "apache-arrow";
import { compileFile, compileSource } from "../src/compiler/compile.js";
import { emitWgsl } from "../src/compiler/wgsl/emitWgsl.js";
import { specTableFromRows } from "../src/cli/io.js";
import { statsOf, timeRepeats, type Stats } from "../src/cli/benchTiming.js";
import { packageRoot } from "../src/paths.js";
import { Session } from "../src/runtime/session.js";
import { groupStarts, type Outputs } from "./data.js";
import { grpoFloat32Into } from "./handwritten/grpo.js";
import { buildBatch, generateData, handwrittenDisagreements, wholeGroups } from "./measure.js";
import { findWorkload, specPath, type Workload } from "./workloads.js";

export interface CompileTime {
  example: string;
  toIr: Stats;
  toWgsl: Stats;
}

/** parse -> resolve -> check -> IR -> passes, and then WGSL, in process (median of `repeats` after a warm-up). */
export async function compileTimes(repeats: number): Promise<CompileTime[]> {
  const root = packageRoot();
  const results: CompileTime[] = [];
  for (const file of readdirSync(join(root, "examples")).filter((f) => f.endsWith(".reward")).sort()) {
    const path = join(root, "examples", file);
    const text = readFileSync(path, "utf8");
    const toIr = await timeRepeats(repeats, () => compileSource(path, text));
    const toWgsl = await timeRepeats(repeats, () => emitWgsl(compileSource(path, text).module!));
    results.push({ example: file, toIr, toWgsl });
  }
  return results;
}

function wallTimes(times: number, command: string, args: string[]): Stats {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    const r = spawnSync(command, args, { cwd: packageRoot(), stdio: ["ignore", "ignore", "pipe"] });
    samples.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${r.stderr?.toString() ?? ""}`);
  }
  return statsOf(samples);
}

export interface ColdStart {
  check: Stats;
  nodeFloor: Stats;
}

/** `node bin/rewardc.js check examples/grpo_lambda.reward` spawned `times` times, and `node -e ''` as the floor. */
export function coldStart(times: number): ColdStart {
  wallTimes(1, process.execPath, ["bin/rewardc.js", "check", "examples/grpo_lambda.reward"]);
  return {
    check: wallTimes(times, process.execPath, ["bin/rewardc.js", "check", "examples/grpo_lambda.reward"]),
    nodeFloor: wallTimes(times, process.execPath, ["-e", ""]),
  };
}

export interface MemoryResult {
  workload: string;
  backend: "cpu" | "webgpu";
  size: number;
  /** Bytes per rollout of the input columns. */
  inputBytesPerRollout: number;
  /** Peak RSS growth while scoring (VmHWM after minus VmRSS before, peak reset in between), per rollout. */
  scoringBytesPerRollout: number;
  error?: string;
}

/** Runs bench/memoryChild.js in a fresh process, so one measurement's garbage is not another's baseline. */
export function peakMemory(workload: string, backend: "cpu" | "webgpu", size: number): MemoryResult {
  const child = spawnSync(process.execPath, ["--expose-gc", join(packageRoot(), "dist", "bench", "memoryChild.js"), workload, String(size), backend], { encoding: "utf8", maxBuffer: 1 << 24 });
  const line = (child.stdout ?? "").trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as MemoryResult;
  } catch {
    return { workload, backend, size, inputBytesPerRollout: NaN, scoringBytesPerRollout: NaN, error: (child.stderr ?? "").trim().split("\n").slice(-2).join(" | ") || `exit ${child.status}` };
  }
}

export interface EndToEnd {
  format: "jsonl" | "arrow";
  backend: "cpu" | "auto";
  size: number;
  wall: Stats;
  fileBytes: number;
}

/**
 * `rewardc run examples/grpo_lambda.reward --in FILE --out FILE` as a user runs it (a fresh process: start-up,
 * reading, parsing, checking rows, scoring, writing), on generated GRPO-λ rollouts.
 */
export function endToEnd(size: number, repeats: number): EndToEnd[] {
  const root = packageRoot();
  const spec = join(root, "examples", "grpo_lambda.reward");
  const module = compileFile(spec).module!;
  const data = generateData(findWorkload("grpo_lambda"), module, size, 16, 7);
  const correct = data.columns.correct as Uint8Array;
  const length = data.columns.length as Int32Array;
  const rows: Record<string, unknown>[] = [];
  const lines: string[] = [];
  for (let i = 0; i < size; i++) {
    const row = { prompt: `p${data.groupIds[i]}`, correct: correct[i] === 1, length: length[i] };
    rows.push(row);
    lines.push(JSON.stringify(row));
  }
  const dir = mkdtempSync(join(tmpdir(), "rewardc-bench-e2e-"));
  try {
    const jsonl = join(dir, "rollouts.jsonl");
    writeFileSync(jsonl, lines.join("\n") + "\n");
    const table = specTableFromRows(module, rows, [buildBatch(module, data)]);
    if (typeof table === "string") throw new Error(table);
    const arrow = join(dir, "rollouts.arrow");
    const ipc = tableToIPC(table, "file");
    writeFileSync(arrow, ipc);
    const results: EndToEnd[] = [];
    for (const [format, file, bytes] of [["jsonl", jsonl, Buffer.byteLength(lines.join("\n")) + 1], ["arrow", arrow, ipc.byteLength]] as const) {
      for (const backend of ["cpu", "auto"] as const) {
        const out = join(dir, `scored.${format}`);
        const args = [join(root, "bin", "rewardc.js"), "run", spec, "--in", file, "--out", out, "--backend", backend, "--metrics", join(dir, "metrics.json")];
        const wall = wallTimes(repeats + 1, process.execPath, args);
        wall.samples.shift();
        results.push({ format, backend, size, wall: statsOf(wall.samples), fileBytes: bytes });
      }
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface NumericsCost {
  workload: string;
  size: number;
  /** Milliseconds per call: the TS loop as benchmarked (float64 sums in its GRPO step). */
  float64Loop: Stats;
  /** The same loop with rewardc's GRPO numerics (float32 canonical tree sums, `grpoFloat32Into`). */
  float32Loop: Stats;
  rewardcCpu: Stats;
  /** Advantages of the float32 loop that differ in any bit from rewardc CPU's, of `values`. */
  bitMismatches: number;
  values: number;
}

/**
 * For each workload whose loop ends in GRPO advantages: the loop as benchmarked, the loop with rewardc's
 * float32 GRPO numerics, and rewardc CPU, timed in rotation (one sample of each in turn, each sample a run of
 * calls lasting about 50 ms), so the three ratios come from the same moments of a noisy machine.
 */
export async function numericsCost(workloads: readonly Workload[], size: number, repeats: number, seed: number): Promise<NumericsCost[]> {
  const results: NumericsCost[] = [];
  for (const workload of workloads.filter((w) => w.grpoAdvantages)) {
    const module = compileFile(specPath(workload.name)).module!;
    const data = generateData(workload, module, wholeGroups(size, 16), 16, seed);
    const batch = buildBatch(module, data);
    const starts = groupStarts(data.groupIds);
    const session = new Session(module);
    const reference = session.score(batch);
    const exact = workload.handwritten(data, starts, grpoFloat32Into);
    const wrong = handwrittenDisagreements(module, batch, session.params(), reference, exact);
    if (wrong !== null) throw new Error(`${workload.name}: the loop with float32 GRPO numerics disagrees with rewardc CPU: ${wrong}`);
    const ours = (reference.outputs as Outputs).get("advantage")!;
    const theirs = exact.outputs.get("advantage")!;
    let bitMismatches = 0;
    for (let i = 0; i < ours.length; i++) if (!Object.is(ours[i], theirs[i])) bitMismatches++;
    const contenders = [() => workload.handwritten(data, starts), () => workload.handwritten(data, starts, grpoFloat32Into), () => session.score(batch)];
    const calls = contenders.map((fn) => callsFor(fn, 50));
    const samples: number[][] = contenders.map(() => []);
    for (let r = 0; r < repeats; r++) {
      contenders.forEach((fn, k) => {
        const t0 = performance.now();
        for (let c = 0; c < calls[k]!; c++) fn();
        samples[k]!.push((performance.now() - t0) / calls[k]!);
      });
    }
    const [float64Loop, float32Loop, rewardcCpu] = samples.map((x) => statsOf(x)) as [Stats, Stats, Stats];
    results.push({ workload: workload.name, size: data.size, float64Loop, float32Loop, rewardcCpu, bitMismatches, values: ours.length });
  }
  return results;
}

/** How many calls of `fn` take about `ms` milliseconds (after warming it up). */
function callsFor(fn: () => unknown, ms: number): number {
  for (let i = 0; i < 3; i++) fn();
  const t0 = performance.now();
  fn();
  const one = Math.max(performance.now() - t0, 1e-3);
  return Math.max(1, Math.round(ms / one));
}
