/** The benchmark's report: markdown tables (bench/results/latest.md) and the throughput plot (throughput.svg). */
import { renderChart, type Panel } from "../src/report/svgChart.js";
import { formatMs, formatRate, formatStats, rates, type Stats } from "../src/cli/benchTiming.js";
import type { ColdStart, CompileTime, EndToEnd, MemoryResult, NumericsCost } from "./extras.js";
import { IMPLS, type CaseResult, type Impl, type ImplResult } from "./measure.js";

export interface WorkloadReport {
  name: string;
  title: string;
  spec: string;
  /** Why the workload did not run (e.g. the spec does not compile in this build). */
  unavailable?: string;
  cap?: string;
  cases: CaseResult[];
}

export interface BenchReport {
  machine: string[];
  workloads: WorkloadReport[];
  sweep: CaseResult[];
  compile: CompileTime[];
  coldStart: ColdStart | null;
  memory: MemoryResult[];
  endToEnd: EndToEnd[];
  /** Absent in reports from before the section existed. */
  numerics?: NumericsCost[];
  /** Hand-written analysis of missed goals (bench/limits.md), included as it is. */
  limits: string;
}

const sci = (n: number): string => {
  const e = Math.floor(Math.log10(n));
  return n === 10 ** e ? `1e${e}` : String(n);
};

export function implOf(c: CaseResult, impl: Impl): ImplResult | undefined {
  return c.impls.find((r) => r.impl === impl);
}

export function cell(c: CaseResult, impl: Impl): string {
  const r = implOf(c, impl);
  if (!r) return "";
  if (r.status === "timed") {
    const x = rates(c.size, r.stats!);
    return `${formatRate(x.median)} (${formatRate(x.low)}..${formatRate(x.high)})`;
  }
  if (r.status === "skipped") return r.note?.startsWith("not run") ? r.note : `not run: ${r.note}`;
  return `${r.status.toUpperCase()}: ${r.note ?? ""}`;
}

/** How many times faster `a` is than `b` (median times), or "" when either was not timed. */
export function speedup(c: CaseResult, a: Impl, b: Impl): number {
  const x = implOf(c, a);
  const y = implOf(c, b);
  if (x?.status !== "timed" || y?.status !== "timed") return NaN;
  return y.stats!.median / x.stats!.median;
}

const ratio = (r: number): string => (Number.isFinite(r) ? (r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)) + "x" : "–");

function caseTable(cases: CaseResult[], key: "size" | "groupSize"): string[] {
  const head = key === "size" ? "N" : "G";
  const lines = [`| ${head} | batch build | ${IMPLS.join(" | ")} |`, `| --- | --- | ${IMPLS.map(() => "---").join(" | ")} |`];
  for (const c of cases) lines.push(`| ${key === "size" ? sci(c.size) : c.groupSize} | ${formatRate(rates(c.size, c.build).median)} | ${IMPLS.map((i) => cell(c, i)).join(" | ")} |`);
  lines.push("", `| ${head} | WebGPU / Python loop | WebGPU / numpy | WebGPU / TS loop | WebGPU / rewardc CPU | rewardc CPU / TS loop |`, "| --- | --- | --- | --- | --- | --- |");
  for (const c of cases) {
    lines.push(
      `| ${key === "size" ? sci(c.size) : c.groupSize} | ${ratio(speedup(c, "rewardc WebGPU", "Python loop"))} | ${ratio(speedup(c, "rewardc WebGPU", "numpy"))} | ${ratio(speedup(c, "rewardc WebGPU", "TS loop"))} | ${ratio(speedup(c, "rewardc WebGPU", "rewardc CPU"))} | ${ratio(speedup(c, "rewardc CPU", "TS loop"))} |`,
    );
  }
  const notes = cases.flatMap((c) => c.impls.filter((r) => r.agreement && r.status === "timed").map((r) => ({ c, r })));
  const worst = new Map<Impl, { abs: number; rel: number }>();
  for (const { r } of notes) {
    const w = worst.get(r.impl) ?? { abs: 0, rel: 0 };
    worst.set(r.impl, { abs: Math.max(w.abs, r.agreement!.maxAbs), rel: Math.max(w.rel, r.agreement!.maxRel) });
  }
  if (worst.size > 0) lines.push("", `Largest deviation from rewardc CPU (checked before timing): ${[...worst].map(([i, w]) => `${i} abs ${w.abs.toExponential(1)}${w.rel > 0 ? ` / rel ${w.rel.toExponential(1)}` : ""}`).join("; ")}.`);
  return lines;
}

export interface Goal {
  goal: string;
  met: boolean | null;
  evidence: string;
}

/** The issue's goals, read off the measurements: WebGPU vs the peers at the largest N, CPU vs the TS loop, compile, cold start. */
export function goals(report: BenchReport): Goal[] {
  const out: Goal[] = [];
  const largest = (w: WorkloadReport, a: Impl, b: Impl): { c: CaseResult; r: number } | null => {
    for (let k = w.cases.length - 1; k >= 0; k--) {
      const r = speedup(w.cases[k]!, a, b);
      if (Number.isFinite(r)) return { c: w.cases[k]!, r };
    }
    return null;
  };
  const perWorkload = (goal: string, a: Impl, b: Impl, target: number): void => {
    const parts: string[] = [];
    const measured = report.workloads.filter((x) => !x.unavailable);
    let met: boolean | null = measured.length > 0 ? true : null;
    for (const w of measured) {
      const found = largest(w, a, b);
      if (!found) {
        parts.push(`${w.name}: not measured`);
        met = met === false ? false : null;
        continue;
      }
      const atMax = found.c.size === Math.max(...w.cases.map((c) => c.size));
      parts.push(`${w.name} ${ratio(found.r)} at N=${sci(found.c.size)}${atMax ? "" : " (largest N both ran)"}`);
      if (found.r < target) met = false;
    }
    out.push({ goal, met, evidence: parts.join("; ") });
  };
  perWorkload("WebGPU >= 50x the per-sample Python loop at 1e6", "rewardc WebGPU", "Python loop", 50);
  perWorkload("WebGPU >= vectorised numpy at 1e6", "rewardc WebGPU", "numpy", 1);
  perWorkload("rewardc CPU within 2x of the hand-written TS loop (speed ratio >= 0.5x)", "rewardc CPU", "TS loop", 0.5);
  if (report.compile.length > 0) {
    const slowest = report.compile.reduce((a, b) => (b.toWgsl.median > a.toWgsl.median ? b : a));
    const over = report.compile.filter((c) => c.toWgsl.median >= 20).length;
    out.push({ goal: "compile < 20 ms per example (parse to WGSL)", met: over === 0, evidence: `slowest ${slowest.example} ${formatMs(slowest.toWgsl.median)} ms; ${over} of ${report.compile.length} at or over 20 ms` });
  }
  if (report.coldStart) out.push({ goal: "`rewardc check` cold start < 0.5 s", met: report.coldStart.check.median < 500, evidence: `${formatMs(report.coldStart.check.median)} ms median (node alone: ${formatMs(report.coldStart.nodeFloor.median)} ms)` });
  return out;
}

export function renderMarkdown(report: BenchReport): string {
  const lines: string[] = ["# rewardc benchmark", "", "Generated by `npm run bench` (bench/run.ts); see docs/bench.md for what is measured and how.", "", ...report.machine.map((m) => `- ${m}`), ""];
  lines.push(
    "Cells are rollouts per second at the median of the repeats, with the spread (slowest..fastest repeat) in",
    "brackets; each implementation's outputs were compared with rewardc CPU before it was timed. Times cover the",
    "computation on data already in the implementation's natural form (Python lists, numpy arrays, typed arrays,",
    "rewardc's `Batch`); WebGPU times include upload and readback. \"batch build\" is `batchFromColumns` (typed",
    "arrays to a checked `Batch`), which rewardc needs before either backend.",
    "",
  );
  for (const w of report.workloads) {
    lines.push(`## ${w.name}: ${w.title}`, "", `Spec: \`${w.spec}\`. Groups of 16.${w.cap ? ` ${w.cap}.` : ""}`, "");
    if (w.unavailable) {
      lines.push(`Not available in this build: ${w.unavailable}`, "");
      continue;
    }
    lines.push(...caseTable(w.cases, "size"), "");
  }
  if (report.sweep.length > 0) {
    lines.push(`## Group-size sweep: verl_grpo at N = ${sci(report.sweep[0]!.size)}`, "", ...caseTable(report.sweep, "groupSize"), "");
  }
  if (report.compile.length > 0) {
    lines.push("## Compile time per example (in process, median of repeats)", "", "| example | parse to optimised IR | parse to WGSL |", "| --- | --- | --- |");
    for (const c of report.compile) lines.push(`| ${c.example} | ${formatStats(c.toIr)} | ${formatStats(c.toWgsl)} |`);
    lines.push("");
  }
  if (report.coldStart) {
    lines.push("## `rewardc check` cold start", "", "| command | wall time |", "| --- | --- |");
    lines.push(`| node bin/rewardc.js check examples/grpo_lambda.reward | ${formatStats(report.coldStart.check)} |`, `| node -e '' (the floor) | ${formatStats(report.coldStart.nodeFloor)} |`, "");
  }
  if (report.memory.length > 0) {
    lines.push("## Peak memory per rollout", "", "Peak resident set growth while scoring one batch (input batch excluded), in a fresh process.", "", "| workload | N | input bytes/rollout | CPU scoring bytes/rollout | WebGPU scoring bytes/rollout |", "| --- | --- | --- | --- | --- |");
    const byWorkload = new Map<string, MemoryResult[]>();
    for (const m of report.memory) byWorkload.set(m.workload, [...(byWorkload.get(m.workload) ?? []), m]);
    const b = (m: MemoryResult | undefined): string => (!m ? "–" : m.error ? `failed: ${m.error}` : m.scoringBytesPerRollout.toFixed(0));
    for (const [name, ms] of byWorkload) {
      lines.push(`| ${name} | ${sci(ms[0]!.size)} | ${ms[0]!.inputBytesPerRollout.toFixed(0)} | ${b(ms.find((m) => m.backend === "cpu"))} | ${b(ms.find((m) => m.backend === "webgpu"))} |`);
    }
    lines.push("");
  }
  if (report.endToEnd.length > 0) {
    const n = report.endToEnd[0]!.size;
    lines.push(`## \`rewardc run\` end to end (examples/grpo_lambda.reward, ${sci(n)} rollouts)`, "", "A fresh process per run: start-up, read, parse, check rows, score, write the scored rows and metrics.", "", "| input | --backend | file size | wall time | rollouts/s |", "| --- | --- | --- | --- | --- |");
    for (const e of report.endToEnd) lines.push(`| ${e.format} | ${e.backend} | ${(e.fileBytes / 1e6).toFixed(1)} MB | ${formatStats(e.wall)} | ${formatRate(rates(e.size, e.wall).median)} |`);
    lines.push("");
  }
  if (report.numerics && report.numerics.length > 0) {
    const n = report.numerics[0]!.size;
    lines.push(
      `## What rewardc's float32 numerics cost (N = ${sci(n)}, groups of 16)`,
      "",
      "The TS loops sum in float64. rewardc defines every mean, variance and sum as a float32 canonical tree sum of",
      "shifted values, each operation rounded to float32, so that its CPU and WebGPU backends (and any GPU) give the",
      "same bits. The middle column is the same hand-written loop with only its GRPO step (`std.grpo`: group mean",
      "and unbiased std) computed rewardc's way, by `grpoFloat32Into` with rewardc's own range reducers: the",
      "practical CPU limit for rewardc's exact results. Milliseconds per call, median (fastest..slowest) of samples",
      "taken in rotation; each sample is a run of calls lasting about 50 ms.",
      "",
      "| workload | TS loop, float64 sums | TS loop, rewardc's float32 GRPO | rewardc CPU | CPU / float64 loop | CPU / float32 loop | float32 loop advantages that differ from rewardc in any bit |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const r of report.numerics) {
      const versus = (a: Stats, b: Stats): string => (a.median >= b.median ? `${ratio(a.median / b.median)} slower` : `${ratio(b.median / a.median)} faster`);
      lines.push(`| ${r.workload} | ${formatStats(r.float64Loop)} | ${formatStats(r.float32Loop)} | ${formatStats(r.rewardcCpu)} | ${versus(r.rewardcCpu, r.float64Loop)} | ${versus(r.rewardcCpu, r.float32Loop)} | ${r.bitMismatches} of ${r.values} |`);
    }
    lines.push("");
  }
  lines.push("## Goals", "", "| goal | met | measured |", "| --- | --- | --- |");
  for (const g of goals(report)) lines.push(`| ${g.goal} | ${g.met === null ? "not measured" : g.met ? "yes" : "**no**"} | ${g.evidence} |`);
  lines.push("");
  if (report.limits.trim()) lines.push(report.limits.trim(), "");
  return lines.join("\n");
}

export function renderThroughputSvg(report: BenchReport): string {
  const panels: Panel[] = report.workloads
    .filter((w) => !w.unavailable && w.cases.length > 0)
    .map((w) => ({
      title: `${w.name}: ${w.title}`,
      yLabel: "rollouts/s",
      yScale: "log" as const,
      series: IMPLS.map((impl) => ({
        name: impl,
        x: w.cases.map((c) => c.size),
        values: w.cases.map((c) => {
          const r = implOf(c, impl);
          return r?.status === "timed" ? rates(c.size, r.stats!).median : NaN;
        }),
        ...(impl.startsWith("rewardc") ? {} : { dashed: true }),
      })),
    }));
  return renderChart({ title: "Throughput vs batch size (groups of 16), median of repeats", xLabel: "N (rollouts)", xScale: "log", panels, panelHeight: 220 });
}

export function statsCell(s: Stats | undefined): string {
  return s ? formatStats(s) : "–";
}
