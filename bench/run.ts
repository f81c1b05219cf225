/**
 * `npm run bench`: every workload at every size, the Python loop and numpy peers, the hand-written TypeScript
 * loop, and rewardc's CPU and WebGPU backends side by side in one run (outputs compared before timing); a
 * group-size sweep; compile time, `rewardc check` cold start, peak memory and `rewardc run` end to end. Prints
 * tables as it goes and writes bench/results/latest.md and throughput.svg.
 *
 * Environment: BENCH_SIZES=1000,10000 (rollouts; multiples of the group size), BENCH_WORKLOADS=verl_grpo,igpo,
 * BENCH_REPEATS=5, BENCH_QUICK=1 (tiny sizes and repeats, written to a temporary directory unless BENCH_OUT is
 * set), BENCH_OUT=DIR, BENCH_NO_GPU=1, BENCH_NO_PEERS=1, BENCH_SECTIONS=throughput,sweep,numerics,compile,cold,memory,e2e.
 * `node dist/bench/run.js --render [DIR]` re-renders latest.md and throughput.svg from DIR/latest.json.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";
import { compileFile } from "../src/compiler/compile.js";
import { formatStats } from "../src/cli/benchTiming.js";
import { packageRoot } from "../src/paths.js";
import { getGpu, releaseGpu, type GpuContext } from "../src/runtime/webgpu/device.js";
import { WebGpuExecutor } from "../src/runtime/webgpu/executor.js";
import { coldStart, compileTimes, endToEnd, numericsCost, peakMemory, type MemoryResult } from "./extras.js";
import { measureCase, IMPLS, type CaseResult } from "./measure.js";
import type { PeerImpl } from "./pythonPeer.js";
import { peersAvailable } from "./pythonPeer.js";
import { cell, renderMarkdown, renderThroughputSvg, type BenchReport, type WorkloadReport } from "./report.js";
import { specPath, WORKLOADS, type Workload } from "./workloads.js";

const GROUP = 16;
const LOOP_BUDGET_MS = 30_000;
const env = process.env;
const quick = env.BENCH_QUICK === "1";
const list = (v: string | undefined): string[] | null => (v ? v.split(",").map((s) => s.trim()).filter(Boolean) : null);
const sizes = (list(env.BENCH_SIZES) ?? (quick ? ["64", "256"] : ["1000", "10000", "100000", "1000000"])).map(Number);
const sweepSize = quick ? 512 : 100_000;
const sweepGroups = quick ? [2, 16, 256] : [2, 4, 8, 16, 64, 256];
const repeats = Number(env.BENCH_REPEATS ?? (quick ? 2 : 5));
const sections = new Set(list(env.BENCH_SECTIONS) ?? ["throughput", "sweep", "numerics", "compile", "cold", "memory", "e2e"]);
const selected = list(env.BENCH_WORKLOADS);
const seed = 20240601;

function log(line: string): void {
  process.stdout.write(line + "\n");
}

function machine(gpuInfo: string): string[] {
  const root = packageRoot();
  const py = spawnSync("python3", ["-c", "import sys, numpy; print(sys.version.split()[0], numpy.__version__)"], { encoding: "utf8" });
  const [python, numpy] = py.status === 0 ? py.stdout.trim().split(" ") : ["not found", "not found"];
  const cpu = cpus();
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).stdout?.trim() || "unknown";
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, ${process.platform} ${process.arch}`,
    `node ${process.version}; python ${python}; numpy ${numpy}; rewardc commit ${commit}`,
    `WebGPU adapter: ${gpuInfo}`,
    `repeats: ${repeats} timed after one warm-up run; seed ${seed}`,
  ];
}

/** Per Python peer, what to skip next: after a failure or disagreement, or past the loop's time budget. */
class PeerPlanner {
  private readonly last = new Map<PeerImpl, { size: number; ms: number }>();
  private readonly stopped = new Map<PeerImpl, string>();

  skip(impl: PeerImpl, size: number): string | null {
    const stop = this.stopped.get(impl);
    if (stop) return stop;
    const prev = this.last.get(impl);
    if (impl === "loop" && prev) {
      const estimate = (prev.ms * size) / prev.size;
      if (estimate > LOOP_BUDGET_MS) return `not run: ~${(estimate / 1000).toFixed(0)} s per repeat extrapolated from N=${prev.size}`;
    }
    return null;
  }

  record(c: CaseResult): void {
    for (const impl of ["loop", "numpy"] as const) {
      const r = c.impls.find((x) => x.impl === (impl === "loop" ? "Python loop" : "numpy"));
      if (r?.status === "timed") this.last.set(impl, { size: c.size, ms: r.stats!.median });
      else if (r && (r.status === "failed" || r.status === "disagrees")) this.stopped.set(impl, `not run: ${r.status === "failed" ? "failed" : "disagreed"} at N=${c.size}`);
    }
  }
}

function printCase(c: CaseResult, key: "size" | "groupSize"): void {
  const label = key === "size" ? `N=${c.size}` : `G=${c.groupSize}`;
  log(`${c.workload} ${label}: batch build ${formatStats(c.build)}`);
  for (const impl of IMPLS) log(`  ${impl.padEnd(15)} ${cell(c, impl)}`);
}

async function runWorkload(workload: Workload, gpu: GpuContext | null, gpuMissing: string, peersMissing: string | null, caseSizes: number[], groups: number[]): Promise<WorkloadReport> {
  const spec = relative(packageRoot(), specPath(workload.name));
  const compiled = compileFile(specPath(workload.name));
  const report: WorkloadReport = { name: workload.name, title: workload.title, spec, cases: [], ...(workload.capReason ? { cap: workload.capReason } : {}) };
  if (!compiled.module) {
    const first = compiled.diagnostics.find((d) => d.severity === "error");
    report.unavailable = `${spec} does not compile (${first?.code ?? "?"}: ${first?.message ?? "unknown"})`;
    log(`${workload.name}: not available in this build: ${report.unavailable}`);
    return report;
  }
  const module = compiled.module;
  const executor = gpu ? new WebGpuExecutor(gpu, module) : null;
  if (executor) await executor.warmUp(GROUP);
  const planner = new PeerPlanner();
  try {
    for (const size of caseSizes) {
      for (const groupSize of groups) {
        const c = await measureCase(workload, size, groupSize, {
          module,
          executor,
          gpuMissing,
          repeats,
          peersMissing,
          peerSkip: (impl) => planner.skip(impl, size),
          seed,
          log,
        });
        if (groups.length === 1) planner.record(c);
        printCase(c, groups.length === 1 ? "size" : "groupSize");
        report.cases.push(c);
      }
    }
  } finally {
    executor?.destroy();
  }
  return report;
}

async function main(): Promise<void> {
  const root = packageRoot();
  const outDir = env.BENCH_OUT ?? (quick ? mkdtempSync(join(tmpdir(), "rewardc-bench-out-")) : join(root, "bench", "results"));
  const gpu = env.BENCH_NO_GPU === "1" ? null : await getGpu();
  const gpuMissing = env.BENCH_NO_GPU === "1" ? "BENCH_NO_GPU=1" : "no WebGPU adapter";
  const gpuInfo = gpu ? `${gpu.adapterInfo}${/llvmpipe|lavapipe/i.test(gpu.adapterInfo) ? " (lavapipe: software Vulkan on the CPU cores; the only adapter on this machine)" : ""}` : gpuMissing;
  const peersMissing = env.BENCH_NO_PEERS === "1" ? "BENCH_NO_PEERS=1" : peersAvailable();
  const workloads = WORKLOADS.filter((w) => !selected || selected.includes(w.name));
  const report: BenchReport = { machine: machine(gpuInfo), workloads: [], sweep: [], compile: [], coldStart: null, memory: [], endToEnd: [], limits: "" };
  for (const m of report.machine) log(m);
  if (peersMissing) log(`Python peers: not run (${peersMissing})`);

  if (sections.has("throughput")) {
    for (const w of workloads) {
      const capped = sizes.filter((n) => w.maxSize === undefined || n <= w.maxSize);
      report.workloads.push(await runWorkload(w, gpu, gpuMissing, peersMissing, capped, [GROUP]));
    }
  }
  if (sections.has("sweep") && (!selected || selected.includes("verl_grpo"))) {
    const verl = WORKLOADS.find((w) => w.name === "verl_grpo")!;
    report.sweep = (await runWorkload(verl, gpu, gpuMissing, peersMissing, [sweepSize], sweepGroups)).cases;
  }
  if (gpu) await releaseGpu();

  if (sections.has("numerics")) {
    report.numerics = await numericsCost(workloads, quick ? 512 : 100_000, repeats, seed);
    for (const r of report.numerics) log(`numerics ${r.workload}: TS loop float64 ${formatStats(r.float64Loop)}, float32 GRPO ${formatStats(r.float32Loop)}, rewardc CPU ${formatStats(r.rewardcCpu)}; ${r.bitMismatches} of ${r.values} advantages differ in some bit`);
  }
  if (sections.has("compile")) {
    report.compile = await compileTimes(quick ? 2 : 21);
    log(`compile: ${report.compile.map((c) => `${c.example} ${c.toWgsl.median.toFixed(1)} ms`).join(", ")}`);
  }
  if (sections.has("cold")) {
    report.coldStart = coldStart(quick ? 2 : 11);
    log(`rewardc check cold start: ${formatStats(report.coldStart.check)}; node -e '': ${formatStats(report.coldStart.nodeFloor)}`);
  }
  if (sections.has("memory")) {
    const memorySize = quick ? 1024 : 1_000_000;
    for (const w of workloads) {
      const size = Math.min(memorySize, w.maxSize ?? Infinity);
      if (report.workloads.find((r) => r.name === w.name)?.unavailable || !compileFile(specPath(w.name)).module) continue;
      for (const backend of gpu ? (["cpu", "webgpu"] as const) : (["cpu"] as const)) {
        const m: MemoryResult = peakMemory(w.name, backend, size);
        report.memory.push(m);
        log(`memory ${w.name} N=${size} ${backend}: ${m.error ? `failed: ${m.error}` : `${m.scoringBytesPerRollout.toFixed(0)} B/rollout scoring, ${m.inputBytesPerRollout.toFixed(0)} B/rollout input`}`);
      }
    }
  }
  if (sections.has("e2e")) {
    report.endToEnd = endToEnd(quick ? 512 : 100_000, quick ? 1 : 3);
    for (const e of report.endToEnd) log(`rewardc run ${e.format} --backend ${e.backend}: ${formatStats(e.wall)}`);
  }

  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "latest.json"), JSON.stringify(report, null, 1) + "\n");
  writeReport(outDir, report);
}

/** latest.md (with the hand-written analysis of bench/limits.md) and throughput.svg; `render.ts` redoes this from latest.json. */
export function writeReport(outDir: string, report: BenchReport): void {
  const limitsPath = join(packageRoot(), "bench", "limits.md");
  report.limits = existsSync(limitsPath) ? readFileSync(limitsPath, "utf8") : "";
  writeFileSync(join(outDir, "latest.md"), renderMarkdown(report));
  writeFileSync(join(outDir, "throughput.svg"), renderThroughputSvg(report));
  log(`wrote ${join(outDir, "latest.md")} and throughput.svg`);
}

if (process.argv[2] === "--render") {
  // Re-renders the report from a run's latest.json (e.g. after editing bench/limits.md), without measuring.
  const dir = process.argv[3] ?? join(packageRoot(), "bench", "results");
  writeReport(dir, JSON.parse(readFileSync(join(dir, "latest.json"), "utf8")) as BenchReport);
} else await main();
