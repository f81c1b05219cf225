/**
 * One benchmark case: a workload at one size and group size. The batch is generated once; every implementation
 * first scores it untimed and is compared with rewardc's CPU backend (the WebGPU backend with the project's
 * backend-agreement criterion, the others with `compare.ts`); only those that agree are timed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IrModule } from "../src/compiler/ir.js";
import { batchFromColumns, type Batch } from "../src/runtime/batch.js";
import { initialState, resolveParams, Session, type ScoreResult } from "../src/runtime/session.js";
import type { WebGpuExecutor } from "../src/runtime/webgpu/executor.js";
import { backendDisagreements } from "../src/testing/agreement.js";
import { statsOf, timeRepeats, type Stats } from "../src/cli/benchTiming.js";
import { compareOutputs, HANDWRITTEN_TOLERANCE, PEER_TOLERANCE, type Agreement } from "./compare.js";
import { groupStarts, type BenchData, type Outputs, type Scored } from "./data.js";
import { writeManifest } from "./manifest.js";
import { runPeer, type PeerImpl } from "./pythonPeer.js";
import type { Workload } from "./workloads.js";

export const IMPLS = ["Python loop", "numpy", "TS loop", "rewardc CPU", "rewardc WebGPU"] as const;
export type Impl = (typeof IMPLS)[number];

export interface ImplResult {
  impl: Impl;
  /** timed: agreed and timed; disagrees / failed: not timed; skipped: not run (note says why). */
  status: "timed" | "disagrees" | "failed" | "skipped";
  stats?: Stats;
  agreement?: Agreement;
  note?: string;
}

export interface CaseResult {
  workload: string;
  size: number;
  groupSize: number;
  /** batchFromColumns: typed arrays -> checked Batch (every value validated). */
  build: Stats;
  impls: ImplResult[];
}

export interface CaseContext {
  module: IrModule;
  executor: WebGpuExecutor | null;
  /** Why there is no WebGPU column, when there is none. */
  gpuMissing: string;
  repeats: number;
  /** Why the Python peers cannot run, or null. */
  peersMissing: string | null;
  /** Per Python peer: what to skip at this size (set by the caller from earlier sizes), or null. */
  peerSkip: (impl: PeerImpl) => string | null;
  seed: number;
  log: (line: string) => void;
}

export function generateData(workload: Workload, module: IrModule, size: number, groupSize: number, seed: number): BenchData {
  const axisOf: Record<string, string> = {};
  for (const decl of module.inputs) if (decl.axis !== null) axisOf[decl.name] = decl.axis;
  return { workload: workload.name, params: resolveParams(module), axisOf, ...workload.generate(size, groupSize, seed) };
}

export function buildBatch(module: IrModule, data: BenchData): Batch {
  return batchFromColumns(module, { groupKeys: data.groupIds, columns: data.columns, offsets: data.offsets, size: data.size });
}

function outputsOf(m: Map<string, ArrayLike<number>>): Outputs {
  return m as Outputs;
}

/** Groups are equal (numpy reshapes by them): N is rounded down to a multiple of G (1000 -> 992 with G = 16). */
export function wholeGroups(size: number, groupSize: number): number {
  return Math.max(groupSize, Math.floor(size / groupSize) * groupSize);
}

/**
 * The hand-written loops store float32 like rewardc, so they are held to the WebGPU backend's criterion
 * (src/testing/agreement.ts): relative 1e-5 / absolute 1e-6, or within the spread rewardc CPU itself shows when
 * its float32 roundings are nudged by one ulp (a z-score of nearly equal rewards magnifies the last bit).
 * Returns the first disagreement, or null.
 */
export function handwrittenDisagreements(module: IrModule, batch: Batch, params: Record<string, number>, reference: ScoreResult, hand: Scored): string | null {
  const metrics = new Map([...reference.metrics, ...(hand.metrics ?? [])]);
  const wrong = backendDisagreements(module, batch, params, initialState(module), reference, { outputs: hand.outputs, metrics });
  if (wrong.length === 0) return null;
  const w = wrong[0]!;
  return `${wrong.length} values differ, e.g. ${w.what}: rewardc ${w.cpu} vs ${w.gpu}`;
}

export async function measureCase(workload: Workload, requestedSize: number, groupSize: number, ctx: CaseContext): Promise<CaseResult> {
  const { module, repeats } = ctx;
  const size = wholeGroups(requestedSize, groupSize);
  const data = generateData(workload, module, size, groupSize, ctx.seed);
  const build = await timeRepeats(repeats, () => buildBatch(module, data));
  const batch = buildBatch(module, data);
  const impls: ImplResult[] = [];

  // The reference: rewardc's CPU backend through the public Session API.
  const session = new Session(module);
  const reference = session.score(batch);
  const refOutputs = outputsOf(reference.outputs);
  const params = session.params();

  // Python peers: each scores and times itself in its own process; its times count only if its outputs agree.
  for (const impl of ["loop", "numpy"] as const) {
    const name: Impl = impl === "loop" ? "Python loop" : "numpy";
    const skip = ctx.peersMissing ?? ctx.peerSkip(impl);
    if (skip) {
      impls.push({ impl: name, status: "skipped", note: skip });
      continue;
    }
    const dir = mkdtempSync(join(tmpdir(), `rewardc-bench-${workload.name}-`));
    try {
      writeManifest(dir, data);
      const run = runPeer(impl, dir, repeats);
      if ("failure" in run) impls.push({ impl: name, status: "failed", note: run.failure });
      else {
        const agreement = compareOutputs(refOutputs, run.outputs, PEER_TOLERANCE);
        impls.push(agreement.ok ? { impl: name, status: "timed", stats: statsOf(run.timesMs), agreement } : { impl: name, status: "disagrees", agreement, note: agreement.problem });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // The hand-written loop: group ranges are part of the data layout, found once like rewardc's group ids.
  const starts = groupStarts(data.groupIds);
  const hand = workload.handwritten(data, starts);
  const handWrong = handwrittenDisagreements(module, batch, params, reference, hand);
  const handAgreement = compareOutputs(refOutputs, hand.outputs, HANDWRITTEN_TOLERANCE);
  if (handWrong === null) {
    impls.push({ impl: "TS loop", status: "timed", stats: await timeRepeats(repeats, () => workload.handwritten(data, starts)), agreement: handAgreement });
  } else impls.push({ impl: "TS loop", status: "disagrees", agreement: handAgreement, note: handWrong });

  impls.push({ impl: "rewardc CPU", status: "timed", stats: await timeRepeats(repeats, () => session.score(batch)) });

  if (!ctx.executor) impls.push({ impl: "rewardc WebGPU", status: "skipped", note: ctx.gpuMissing });
  else {
    const executor = ctx.executor;
    const state = initialState(module);
    const gpu = await executor.run(batch, params, state);
    const wrong = backendDisagreements(module, batch, params, state, reference, gpu);
    if (wrong.length > 0) {
      const w = wrong[0]!;
      impls.push({ impl: "rewardc WebGPU", status: "disagrees", note: `${wrong.length} values differ, e.g. ${w.what}: CPU ${w.cpu} vs WebGPU ${w.gpu}` });
    } else impls.push({ impl: "rewardc WebGPU", status: "timed", stats: await timeRepeats(repeats, () => executor.run(batch, params, state)) });
  }
  return { workload: workload.name, size, groupSize, build, impls };
}
