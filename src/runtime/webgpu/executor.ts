/**
 * Runs a compiled WGSL program on a batch: lays the batch out in arenas (rollouts sorted by group),
 * uploads, records every dispatch of the plan into one submission, reads back the outputs and the
 * batch scalars, and restores input order. Uniform values (metrics, state updates) are finished on the
 * host with the same column kernels as constant folding.
 *
 * Large batches: every arena is one buffer (up to the device's maxBufferSize), but a dispatch binds
 * only a window of it, no larger than maxStorageBufferBindingSize. Windows cut the sorted rollouts at group
 * boundaries (and batch reductions at block boundaries), so group and batch results do not depend on
 * where the cuts fall. Workgroup counts beyond 65535 spill into a second dimension.
 */
/// <reference types="@webgpu/types" />
import { allocColumn, castScalar, type Column } from "../../compiler/columnOps.js";
import { evaluateNode } from "../../compiler/evaluateConstant.js";
import { isUniform, type IrModule, type Scalar } from "../../compiler/ir.js";
import { BATCH_BLOCK, ELEMENT_WORKGROUP, GROUP_SEQUENTIAL_WORKGROUP, ROLLOUT_WORKGROUP, SMALL_GROUP_LIMIT, batchDomain, emitWgsl, type BatchDomain, type WgslKernel, type WgslProgram } from "../../compiler/wgsl/emitWgsl.js";
import type { ArenaName, Slot } from "../../compiler/wgsl/plan.js";
import { InternalError } from "../../diagnostics/diagnostic.js";
import type { Batch } from "../batch.js";
import { RuntimeInputError } from "../errors.js";
import type { GpuContext } from "./device.js";

export interface GpuResult {
  outputs: Map<string, Column>;
  metrics: Map<string, number>;
  nextState: Record<string, number>;
}

export interface ExecutorOptions {
  /** Lower the binding size limit (bytes) to force windows: for tests of the chunking path. */
  maxBindingBytes?: number;
  /**
   * How group kernels run: `sequential` (one invocation per group) or `workgroup` (a workgroup per group).
   * `auto` (the default) takes sequential when every group has at most SMALL_GROUP_LIMIT rollouts or the
   * adapter is a software one, else workgroup. Both give the same bits; tests force each.
   */
  groupStrategy?: "auto" | "sequential" | "workgroup";
}

/** Host-side layout of one batch: the sorted order and every arena's contents. */
interface Layout {
  n: number;
  groups: number;
  /** Sorted rollout s holds input rollout perm[s]; null when the batch is already grouped (sorted = input order). */
  perm: Int32Array | null;
  groupStart: Int32Array; // length groups + 1, in sorted rollout indices
  /** Per axis: element start of each sorted rollout (length n + 1). */
  elementStart: Map<string, Int32Array>;
  /** Contents of the arenas the host uploads; outputs and scratch tables are only sized (see `isUploaded`). */
  uploads: Map<ArenaName, Uint32Array>;
  /** Words of every arena. */
  words: Map<ArenaName, number>;
  rows: Map<ArenaName, number>;
}

/** One slot of an arena seen as a strided column: item i lives in word i * row + index. */
interface Target {
  words: Uint32Array;
  row: number;
  index: number;
  type: Scalar;
}

interface Window {
  begin: number;
  end: number;
  count: number;
  /** Per bound arena: [first word, end word) of its window. */
  words: Map<ArenaName, [number, number]>;
  workgroups: number;
}

export class WebGpuExecutor {
  readonly program: WgslProgram;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly buffers = new Map<string, GPUBuffer>();
  private readonly maxBinding: number;
  /** Dispatches recorded by the last `run` (windows included): for tests and benchmarks. */
  lastDispatchCount = 0;

  constructor(
    private readonly gpu: GpuContext,
    module: IrModule,
    options: ExecutorOptions = {},
  ) {
    this.program = emitWgsl(module);
    this.maxBinding = Math.min(options.maxBindingBytes ?? Infinity, gpu.limits.maxStorageBufferBindingSize);
    this.groupStrategy = options.groupStrategy ?? "auto";
  }

  private readonly groupStrategy: "auto" | "sequential" | "workgroup";

  get module(): IrModule {
    return this.program.module;
  }

  /** Compiles every kernel now (the first dispatch of a pipeline is slow on software adapters). */
  async warmUp(groupWorkgroup = 64): Promise<void> {
    for (const kernel of this.program.kernels) await this.pipeline(kernel, groupWorkgroup);
  }

  async run(batch: Batch, params: Record<string, number>, state: Record<string, number>): Promise<GpuResult> {
    if (this.gpu.lost) throw new RuntimeInputError(this.gpu.lost);
    const layout = this.layout(batch, params, state);
    const device = this.gpu.device;
    let maxGroup = 1;
    for (let g = 0; g < layout.groups; g++) maxGroup = Math.max(maxGroup, layout.groupStart[g + 1]! - layout.groupStart[g]!);
    let groupWorkgroup = 1;
    while (groupWorkgroup < Math.min(maxGroup, 256)) groupWorkgroup <<= 1;
    groupWorkgroup = Math.max(groupWorkgroup, 8);

    device.pushErrorScope("validation");
    device.pushErrorScope("out-of-memory");
    const gpuBuffers = new Map<ArenaName, GPUBuffer>();
    for (const [name, words] of layout.words) {
      const buffer = this.buffer(name, Math.max(16, words * 4), GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC);
      const data = layout.uploads.get(name);
      if (data && data.byteLength > 0) device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
      gpuBuffers.set(name, buffer);
    }

    // Small groups, or invocations that run on CPU cores: one invocation per group; else a workgroup per group.
    const strategy = this.groupStrategy !== "auto" ? this.groupStrategy : maxGroup <= SMALL_GROUP_LIMIT || this.gpu.software ? "sequential" : "workgroup";
    const kernels = this.program.kernels.filter((k) => k.groupStrategy === undefined || k.groupStrategy === strategy);
    const dispatches: { kernel: WgslKernel; window: Window }[] = [];
    for (const kernel of kernels) for (const window of this.windows(kernel, layout)) dispatches.push({ kernel, window });
    this.lastDispatchCount = dispatches.length;

    const align = this.gpu.limits.minUniformBufferOffsetAlignment;
    const uniformBytes = Math.max(align, dispatches.length * align);
    const uniforms = this.buffer("uniforms", uniformBytes, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const uniformData = new Uint32Array(uniformBytes / 4);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (const [i, { kernel, window }] of dispatches.entries()) {
      const at = (i * align) / 4;
      uniformData[at] = window.begin;
      uniformData[at + 1] = window.end;
      uniformData[at + 2] = window.count;
      const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniforms, offset: i * align, size: 16 * Math.ceil((3 + kernel.arenas.length) / 4) } }];
      kernel.arenas.forEach((arena, k) => {
        const [first, end] = window.words.get(arena)!;
        uniformData[at + 3 + k] = first;
        const buffer = gpuBuffers.get(arena)!;
        entries.push({ binding: k + 1, resource: { buffer, offset: first * 4, size: Math.max(4, (end - first) * 4) } });
      });
      const pipeline = await this.pipeline(kernel, groupWorkgroup);
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
      const limit = this.gpu.limits.maxComputeWorkgroupsPerDimension;
      const x = Math.min(window.workgroups, limit);
      const y = Math.ceil(window.workgroups / x);
      if (window.workgroups > 0) pass.dispatchWorkgroups(x, y);
    }
    pass.end();
    device.queue.writeBuffer(uniforms, 0, uniformData);

    const readbacks: { name: ArenaName; staging: GPUBuffer; bytes: number }[] = [];
    for (const [name, words] of layout.words) {
      if (name !== "scalar" && !name.startsWith("out") && !name.startsWith("eout")) continue;
      const bytes = words * 4;
      if (bytes === 0) continue;
      const staging = this.buffer(`read:${name}`, bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
      encoder.copyBufferToBuffer(gpuBuffers.get(name)!, 0, staging, 0, bytes);
      readbacks.push({ name, staging, bytes });
    }
    device.queue.submit([encoder.finish()]);
    const oom = await device.popErrorScope();
    const invalid = await device.popErrorScope();
    if (oom) throw new RuntimeInputError(`the WebGPU device ran out of memory for this batch (${oom.message}); split the batch or use --backend cpu`);
    if (invalid) throw new InternalError(`WebGPU rejected a dispatch: ${invalid.message}`);

    // Outputs are unpacked straight from the mapped ranges (no intermediate copy), then unmapped.
    const mapping = await Promise.allSettled(readbacks.map(({ staging, bytes }) => staging.mapAsync(GPUMapMode.READ, 0, bytes)));
    try {
      const failed = mapping.find((m): m is PromiseRejectedResult => m.status === "rejected");
      if (this.gpu.lost) throw new RuntimeInputError(this.gpu.lost);
      if (failed) throw failed.reason;
      const results = new Map<ArenaName, Uint32Array>();
      for (const { name, staging, bytes } of readbacks) results.set(name, new Uint32Array(staging.getMappedRange(0, bytes)));
      return this.collect(batch, layout, results, params, state);
    } finally {
      readbacks.forEach(({ staging }, i) => {
        if (mapping[i]!.status === "fulfilled") staging.unmap();
      });
    }
  }

  destroy(): void {
    for (const b of this.buffers.values()) b.destroy();
    this.buffers.clear();
  }

  // ----- pipelines and buffers

  private async pipeline(kernel: WgslKernel, groupWorkgroup: number): Promise<GPUComputePipeline> {
    const key = `${kernel.name}:${kernel.workgroupSize === "group" ? groupWorkgroup : ""}`;
    const cached = this.pipelines.get(key);
    if (cached) return cached;
    const device = this.gpu.device;
    device.pushErrorScope("validation");
    const shader = device.createShaderModule({ code: kernel.code, label: kernel.name });
    const info = await shader.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === "error");
    if (errors.length > 0) throw new InternalError(`WGSL for kernel \`${kernel.name}\` does not compile: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join("; ")}`);
    // An explicit layout: "auto" would drop bindings a kernel declares but happens not to touch.
    const bindGroupLayout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: "uniform" } },
        ...kernel.arenas.map((_, k) => ({ binding: k + 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: "storage" as const } })),
      ],
    });
    const pipeline = await device.createComputePipelineAsync({
      layout: device.createPipelineLayout({ bindGroupLayouts: [bindGroupLayout] }),
      label: kernel.name,
      compute: { module: shader, entryPoint: "main", constants: kernel.workgroupSize === "group" ? { W: groupWorkgroup } : {} },
    });
    const invalid = await device.popErrorScope();
    if (invalid) throw new InternalError(`pipeline for kernel \`${kernel.name}\` is invalid: ${invalid.message}`);
    this.pipelines.set(key, pipeline);
    return pipeline;
  }

  /** Buffers are pooled by role and reused while large enough. */
  private buffer(role: string, bytes: number, usage: number): GPUBuffer {
    const size = Math.ceil(bytes / 256) * 256;
    const existing = this.buffers.get(role);
    if (existing && existing.size >= size && existing.usage === usage) return existing;
    existing?.destroy();
    if (size > this.gpu.limits.maxBufferSize) throw new RuntimeInputError(`this batch needs a ${size}-byte buffer (${role}); the device allows ${this.gpu.limits.maxBufferSize}: split the batch`);
    const buffer = this.gpu.device.createBuffer({ size, usage, label: role });
    this.buffers.set(role, buffer);
    return buffer;
  }

  // ----- layout

  private layout(batch: Batch, params: Record<string, number>, state: Record<string, number>): Layout {
    const { plan, module } = this.program;
    const n = batch.size;
    const groups = batch.groupCount;
    const groupIds = batch.groupIds;
    const groupStart = new Int32Array(groups + 1);
    // Group ids number groups by first appearance, so groups emitted contiguously have non-decreasing ids
    // and the stable sort by group is the identity: no permutation, no gather.
    let grouped = true;
    for (let i = 0; i < n; i++) {
      const g = groupIds[i]!;
      groupStart[g + 1]!++;
      if (i > 0 && g < groupIds[i - 1]!) grouped = false;
    }
    for (let g = 0; g < groups; g++) groupStart[g + 1]! += groupStart[g]!;
    let perm: Int32Array | null = null;
    if (!grouped) {
      const cursor = groupStart.slice(0, groups);
      perm = new Int32Array(n);
      for (let i = 0; i < n; i++) perm[cursor[groupIds[i]!]!++] = i;
    }

    const rows = new Map<ArenaName, number>();
    const counts = new Map<ArenaName, number>([
      ["rollout", n],
      ["group", groups],
      ["scalar", 1],
      ["out", n],
    ]);
    const elementStart = new Map<string, Int32Array>();
    for (const axis of module.axes) {
      const offsets = batch.axes.get(axis.name);
      if (!offsets) throw new RuntimeInputError(`batch has no offsets for axis \`${axis.name}\``);
      let starts: Int32Array;
      if (perm === null && offsets[0] === 0) starts = offsets;
      else {
        starts = new Int32Array(n + 1);
        if (perm === null) for (let s = 0; s < n; s++) starts[s + 1] = offsets[s + 1]! - offsets[0]!;
        else for (let s = 0; s < n; s++) starts[s + 1] = starts[s]! + (offsets[perm[s]! + 1]! - offsets[perm[s]!]!);
      }
      elementStart.set(axis.name, starts);
      counts.set(`element:${axis.name}`, starts[n]!);
      counts.set(`eout:${axis.name}`, starts[n]!);
      counts.set(`scratch:${axis.name}`, starts[n]!);
    }
    const uploads = new Map<ArenaName, Uint32Array>();
    const words = new Map<ArenaName, number>();
    for (const [name, slots] of plan.arenas) {
      rows.set(name, slots.length);
      const items = counts.get(name);
      if (items === undefined) throw new InternalError(`arena \`${name}\` has no item count`);
      if (items * slots.length * 4 > this.gpu.limits.maxBufferSize) throw new RuntimeInputError(`this batch needs ${items * slots.length * 4} bytes for \`${name}\`; the device allows ${this.gpu.limits.maxBufferSize} per buffer: split the batch`);
      words.set(name, items * slots.length);
      if (isUploaded(name)) uploads.set(name, new Uint32Array(items * slots.length));
    }

    // Block partials of batch reductions, reused by each pass in turn: (count, first) pairs at most.
    let blocks = 1;
    for (const kernel of this.program.kernels) if (kernel.grid.over === "blocks") blocks = Math.max(blocks, Math.ceil(domainItems({ n, groups, elementStart } as Layout, kernel.grid.domain) / BATCH_BLOCK));
    uploads.set("partials", new Uint32Array(blocks * 2));
    words.set("partials", blocks * 2);
    rows.set("partials", 0);

    const put = (slot: Slot, item: number, value: number): void => {
      const arena = uploads.get(slot.arena)!;
      const at = item * rows.get(slot.arena)! + slot.index;
      if (slot.type === "f32") new Float32Array(arena.buffer, arena.byteOffset, arena.length)[at] = value;
      else if (slot.type === "i32") new Int32Array(arena.buffer, arena.byteOffset, arena.length)[at] = value;
      else arena[at] = value !== 0 ? 1 : 0;
    };
    const target = (slot: Slot): Target => ({ words: uploads.get(slot.arena)!, row: rows.get(slot.arena)!, index: slot.index, type: slot.type });

    // System slots (all i32, all non-negative).
    if (perm === null) packRun(target(plan.system.groupId), groupIds, 0, n);
    else packGather(target(plan.system.groupId), groupIds, perm);
    packRun(target(plan.system.groupStart), groupStart, 0, groups);
    const groupSize = target(plan.system.groupSize);
    for (let g = 0; g < groups; g++) groupSize.words[g * groupSize.row + groupSize.index] = groupStart[g + 1]! - groupStart[g]!;
    put(plan.system.batchSize, 0, n);
    for (const axis of module.axes) {
      const starts = elementStart.get(axis.name)!;
      packRun(target(plan.system.elementStart.get(axis.name)!), starts, 0, n);
      const length = target(plan.system.elementLength.get(axis.name)!);
      for (let s = 0; s < n; s++) length.words[s * length.row + length.index] = starts[s + 1]! - starts[s]!;
      const rolloutOf = target(plan.system.rolloutOf.get(axis.name)!);
      const { words: w, row, index } = rolloutOf;
      for (let s = 0; s < n; s++) for (let e = starts[s]!; e < starts[s + 1]!; e++) w[e * row + index] = s;
    }
    // Unmasked batch reductions count every item and take item 0 as the shift's source.
    for (const node of module.nodes) {
      if (node.op !== "batch_reduce" || node.masked) continue;
      const temps = plan.batchTemps.get(node.id)!;
      put(temps.count, 0, domainItems({ n, groups, elementStart } as Layout, batchDomain(module, node)));
      put(temps.first, 0, 0);
    }
    for (const p of module.params) put(plan.params.get(p.name)!, 0, params[p.name] ?? p.default);
    for (const st of module.states) put(plan.states.get(st.name)!, 0, state[st.name] ?? st.initial);

    // Inputs, in sorted order: straight copies when already grouped, gathered through perm otherwise.
    for (const node of module.nodes) {
      if (node.op !== "input") continue;
      const column = batch.columns.get(node.name);
      if (!column) throw new RuntimeInputError(`batch has no column for input \`${node.name}\``);
      const source = ofType(column, node.type);
      const into = target(plan.nodeSlots.get(node.id)!);
      if (node.level.kind !== "element") {
        if (perm === null) packRun(into, source, 0, n);
        else packGather(into, source, perm);
      } else {
        const offsets = batch.axes.get(node.level.axis)!;
        const starts = elementStart.get(node.level.axis)!;
        if (perm === null) packRun(into, source, offsets[0]!, starts[n]!);
        else packRuns(into, source, perm, offsets, starts);
      }
    }
    return { n, groups, perm, groupStart, elementStart, uploads, words, rows };
  }

  // ----- windows

  /** The dispatches of one kernel: item ranges whose bound windows fit the binding limit. */
  private windows(kernel: WgslKernel, layout: Layout): Window[] {
    const grid = kernel.grid;
    const words = (arena: ArenaName, from: number, to: number): [number, number] => {
      const row = layout.rows.get(arena) ?? 0;
      if (arena === "scalar" || arena === "partials") return [0, layout.words.get(arena) ?? 0];
      return [from * row, to * row];
    };
    // Item ranges of each arena touched by rollouts [r0, r1) of the sorted batch.
    const rolloutSpan = (r0: number, r1: number): Map<ArenaName, [number, number]> => {
      const m = new Map<ArenaName, [number, number]>();
      for (const arena of kernel.arenas) {
        if (arena === "rollout" || arena === "out") m.set(arena, words(arena, r0, r1));
        else if (arena === "group") {
          const g0 = r0 < layout.n ? groupOf(layout, r0) : layout.groups;
          const g1 = r1 > r0 ? groupOf(layout, r1 - 1) + 1 : g0;
          m.set(arena, words(arena, g0, g1));
        } else if (arena.startsWith("element:") || arena.startsWith("eout:") || arena.startsWith("scratch:")) {
          const starts = layout.elementStart.get(arena.slice(arena.indexOf(":") + 1))!;
          m.set(arena, words(arena, starts[r0]!, starts[r1]!));
        } else m.set(arena, words(arena, 0, 0));
      }
      return m;
    };
    const aligned = (m: Map<ArenaName, [number, number]>): Map<ArenaName, [number, number]> => {
      const unit = this.gpu.limits.minStorageBufferOffsetAlignment / 4;
      for (const [arena, [a, b]] of m) m.set(arena, [Math.floor(a / unit) * unit, Math.max(b, Math.floor(a / unit) * unit + 1)]);
      return m;
    };
    const fits = (m: Map<ArenaName, [number, number]>): boolean => [...m.values()].every(([a, b]) => (b - a) * 4 <= this.maxBinding);

    switch (grid.over) {
      case "single":
        return [{ begin: 0, end: this.blocksOf(layout, kernel), count: 0, words: aligned(rolloutSpan(0, 0)), workgroups: 1 }];
      case "rollouts":
      case "rollout-workgroups":
      case "groups":
      case "elements": {
        const out: Window[] = [];
        let g = 0;
        while (g < layout.groups || (out.length === 0 && layout.groups === 0)) {
          if (layout.groups === 0) break;
          let g1 = g + 1;
          if (!fits(aligned(rolloutSpan(layout.groupStart[g]!, layout.groupStart[g1]!)))) {
            throw new RuntimeInputError(`group ${g} alone needs more than the device's ${this.maxBinding}-byte binding limit: split it`);
          }
          // Grow the window group by group (doubling, then bisecting) while it fits.
          let step = 1;
          while (g1 < layout.groups) {
            const next = Math.min(layout.groups, g1 + step);
            if (fits(aligned(rolloutSpan(layout.groupStart[g]!, layout.groupStart[next]!)))) {
              g1 = next;
              step *= 2;
            } else if (step > 1) step = Math.max(1, step >> 1);
            else break;
          }
          const r0 = layout.groupStart[g]!;
          const r1 = layout.groupStart[g1]!;
          const span = aligned(rolloutSpan(r0, r1));
          if (grid.over === "rollouts") out.push({ begin: r0, end: r1, count: 0, words: span, workgroups: Math.ceil((r1 - r0) / ROLLOUT_WORKGROUP) });
          else if (grid.over === "rollout-workgroups") out.push({ begin: r0, end: r1, count: 0, words: span, workgroups: r1 - r0 });
          else if (grid.over === "groups") {
            const perWorkgroup = kernel.groupStrategy === "sequential" ? GROUP_SEQUENTIAL_WORKGROUP : 1;
            out.push({ begin: g, end: g1, count: 0, words: span, workgroups: Math.ceil((g1 - g) / perWorkgroup) });
          }
          else {
            const starts = layout.elementStart.get(grid.axis)!;
            out.push({ begin: starts[r0]!, end: starts[r1]!, count: 0, words: span, workgroups: Math.ceil((starts[r1]! - starts[r0]!) / ELEMENT_WORKGROUP) });
          }
          g = g1;
        }
        return out;
      }
      case "blocks": {
        const items = domainItems(layout, grid.domain);
        const blocks = Math.ceil(items / BATCH_BLOCK);
        const span = (b0: number, b1: number): Map<ArenaName, [number, number]> => {
          const i0 = b0 * BATCH_BLOCK;
          const i1 = Math.min(items, b1 * BATCH_BLOCK);
          const [r0, r1] = rolloutsOfItems(layout, grid.domain, i0, i1);
          const m = rolloutSpan(r0, r1);
          if (grid.domain.kind === "group") m.set("group", words("group", i0, i1));
          return aligned(m);
        };
        const out: Window[] = [];
        let b = 0;
        while (b < blocks) {
          let b1 = b + 1;
          if (!fits(span(b, b1))) throw new RuntimeInputError(`a block of ${BATCH_BLOCK} items needs more than the device's binding limit`);
          let step = 1;
          while (b1 < blocks) {
            const next = Math.min(blocks, b1 + step);
            if (fits(span(b, next))) {
              b1 = next;
              step *= 2;
            } else if (step > 1) step = Math.max(1, step >> 1);
            else break;
          }
          out.push({ begin: b, end: b1, count: items, words: span(b, b1), workgroups: b1 - b });
          b = b1;
        }
        return out;
      }
    }
  }

  private blocksOf(layout: Layout, kernel: WgslKernel): number {
    // A combine kernel follows the block kernel of the same batch node: its block count is that domain's.
    const blockKernel = this.program.kernels.find((k) => k.grid.over === "blocks" && k.name.split("_")[1] === kernel.name.split("_")[1]);
    if (!blockKernel || blockKernel.grid.over !== "blocks") throw new InternalError(`combine kernel \`${kernel.name}\` has no block kernel`);
    return Math.ceil(domainItems(layout, blockKernel.grid.domain) / BATCH_BLOCK);
  }

  // ----- results

  private collect(batch: Batch, layout: Layout, results: Map<ArenaName, Uint32Array>, params: Record<string, number>, state: Record<string, number>): GpuResult {
    const { plan, module } = this.program;
    const read = (slot: Slot, item: number): number => {
      const words = results.get(slot.arena)!;
      const at = item * layout.rows.get(slot.arena)! + slot.index;
      return wordValue(words, at, slot.type);
    };
    // An empty arena (no elements in the whole batch) is not read back.
    const source = (slot: Slot): Target => ({ words: results.get(slot.arena) ?? new Uint32Array(0), row: layout.rows.get(slot.arena)!, index: slot.index, type: slot.type });
    const outputs = new Map<string, Column>();
    for (const phase of plan.phases) {
      if (phase.kind === "output") {
        for (const o of phase.outputs) {
          const column = allocColumn(o.slot.type, layout.n);
          if (layout.perm === null) unpackRun(source(o.slot), column, 0, layout.n);
          else unpackScatter(source(o.slot), column, layout.perm);
          outputs.set(o.name, column);
        }
      } else if (phase.kind === "element-output") {
        const offsets = batch.axes.get(phase.axis)!;
        const starts = layout.elementStart.get(phase.axis)!;
        for (const o of phase.outputs) {
          const column = allocColumn(o.slot.type, starts[layout.n]!);
          if (layout.perm === null) unpackRun(source(o.slot), column, offsets[0]!, starts[layout.n]!);
          else unpackRuns(source(o.slot), column, layout.perm, offsets, starts);
          outputs.set(o.name, column);
        }
      }
    }
    // Uniform values (metrics, state updates) on the host, from the batch scalars the device computed.
    const values: number[] = [];
    for (const node of module.nodes) {
      if (!isUniform(node.level)) continue;
      switch (node.op) {
        case "param":
          values[node.id] = castScalar(params[node.name] ?? module.params.find((p) => p.name === node.name)!.default, node.type);
          break;
        case "state":
          values[node.id] = castScalar(state[node.name] ?? module.states.find((s) => s.name === node.name)!.initial, node.type);
          break;
        case "batch_reduce":
        case "batch_size":
          values[node.id] = read(plan.nodeSlots.get(node.id)!, 0);
          break;
        default:
          values[node.id] = evaluateNode(node, node.args.map((a) => values[a]!), module.nodes);
      }
    }
    const metrics = new Map(module.metrics.map((m) => [m.name, values[m.node]!]));
    const nextState: Record<string, number> = {};
    for (const s of module.states) nextState[s.name] = castScalar(s.update === null ? (state[s.name] ?? s.initial) : values[s.update]!, s.type);
    return { outputs, metrics, nextState };
  }
}

function wordValue(words: Uint32Array, at: number, type: Scalar): number {
  if (type === "f32") return new Float32Array(words.buffer, words.byteOffset, words.length)[at]!;
  if (type === "i32") return new Int32Array(words.buffer, words.byteOffset, words.length)[at]!;
  return words[at] !== 0 ? 1 : 0;
}

function isUploaded(arena: ArenaName): boolean {
  // Outputs are written by the kernels, scratch tables cleared by them: neither is uploaded.
  return !arena.startsWith("out") && !arena.startsWith("eout") && !arena.startsWith("scratch:");
}

/** `column` as a column of `type`, converted element by element (as assignment converts) when it is not one. */
function ofType(column: Column, type: Scalar): Column {
  if ((type === "f32" && column instanceof Float32Array) || (type === "i32" && column instanceof Int32Array) || (type === "bool" && column instanceof Uint8Array)) return column;
  const converted = allocColumn(type, column.length);
  converted.set(column);
  return converted;
}

/** The 32-bit patterns of an f32 or i32 column: copying them moves values without a round trip through doubles. */
function bitsOf(column: Column): Uint32Array {
  if (column instanceof Uint8Array) throw new InternalError("a bool column has no 32-bit words");
  return new Uint32Array(column.buffer, column.byteOffset, column.length);
}

/** Items 0..count of the target := values[first..first + count). */
function packRun(into: Target, values: Column, first: number, count: number): void {
  const { words, row, index } = into;
  if (into.type === "bool") {
    for (let i = 0; i < count; i++) words[i * row + index] = values[first + i] !== 0 ? 1 : 0;
    return;
  }
  const bits = bitsOf(values);
  if (row === 1) words.set(bits.subarray(first, first + count));
  else for (let i = 0; i < count; i++) words[i * row + index] = bits[first + i]!;
}

/** Item s of the target := values[perm[s]]. */
function packGather(into: Target, values: Column, perm: Int32Array): void {
  const { words, row, index } = into;
  const n = perm.length;
  if (into.type === "bool") {
    for (let s = 0; s < n; s++) words[s * row + index] = values[perm[s]!] !== 0 ? 1 : 0;
    return;
  }
  const bits = bitsOf(values);
  for (let s = 0; s < n; s++) words[s * row + index] = bits[perm[s]!]!;
}

/** The elements of sorted rollout s (from starts[s]) := those of input rollout perm[s] (from offsets[perm[s]]). */
function packRuns(into: Target, values: Column, perm: Int32Array, offsets: Int32Array, starts: Int32Array): void {
  const { words, row, index } = into;
  const n = perm.length;
  if (into.type === "bool") {
    for (let s = 0; s < n; s++) {
      const to = starts[s]!;
      const from = offsets[perm[s]!]! - to;
      for (let e = to; e < starts[s + 1]!; e++) words[e * row + index] = values[from + e] !== 0 ? 1 : 0;
    }
    return;
  }
  const bits = bitsOf(values);
  for (let s = 0; s < n; s++) {
    const to = starts[s]!;
    const from = offsets[perm[s]!]!;
    if (row === 1) words.set(bits.subarray(from, from + starts[s + 1]! - to), to);
    else for (let e = to, f = from; e < starts[s + 1]!; e++, f++) words[e * row + index] = bits[f]!;
  }
}

/** column[first..first + count) := items 0..count of the source. */
function unpackRun(from: Target, column: Column, first: number, count: number): void {
  const { words, row, index } = from;
  if (from.type === "bool") {
    for (let i = 0; i < count; i++) column[first + i] = words[i * row + index] !== 0 ? 1 : 0;
    return;
  }
  const bits = bitsOf(column);
  if (row === 1) bits.set(words.subarray(0, count), first);
  else for (let i = 0; i < count; i++) bits[first + i] = words[i * row + index]!;
}

/** column[perm[s]] := item s of the source. */
function unpackScatter(from: Target, column: Column, perm: Int32Array): void {
  const { words, row, index } = from;
  const n = perm.length;
  if (from.type === "bool") {
    for (let s = 0; s < n; s++) column[perm[s]!] = words[s * row + index] !== 0 ? 1 : 0;
    return;
  }
  const bits = bitsOf(column);
  for (let s = 0; s < n; s++) bits[perm[s]!] = words[s * row + index]!;
}

/** The elements of input rollout perm[s] := those of sorted rollout s. */
function unpackRuns(from: Target, column: Column, perm: Int32Array, offsets: Int32Array, starts: Int32Array): void {
  const { words, row, index } = from;
  const n = perm.length;
  const bool = from.type === "bool";
  const bits = bool ? null : bitsOf(column);
  for (let s = 0; s < n; s++) {
    const to = offsets[perm[s]!]!;
    for (let e = starts[s]!, t = to; e < starts[s + 1]!; e++, t++) {
      if (bits) bits[t] = words[e * row + index]!;
      else column[t] = words[e * row + index] !== 0 ? 1 : 0;
    }
  }
}

function groupOf(layout: Layout, sortedRollout: number): number {
  // Binary search in groupStart.
  let lo = 0;
  let hi = layout.groups - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (layout.groupStart[mid]! <= sortedRollout) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function domainItems(layout: Layout, domain: BatchDomain): number {
  switch (domain.kind) {
    case "uniform":
      return 1;
    case "group":
      return layout.groups;
    case "rollout":
      return layout.n;
    case "element":
      return layout.elementStart.get(domain.axis)![layout.n]!;
  }
}

/** The sorted rollouts that items [i0, i1) of a domain belong to. */
function rolloutsOfItems(layout: Layout, domain: BatchDomain, i0: number, i1: number): [number, number] {
  switch (domain.kind) {
    case "uniform":
      return [0, 0];
    case "group":
      return [layout.groupStart[i0]!, layout.groupStart[i1]!];
    case "rollout":
      return [i0, i1];
    case "element": {
      const starts = layout.elementStart.get(domain.axis)!;
      const find = (e: number): number => {
        let lo = 0;
        let hi = layout.n;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (starts[mid + 1]! <= e) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
      return i1 > i0 ? [find(i0), find(i1 - 1) + 1] : [0, 0];
    }
  }
}
