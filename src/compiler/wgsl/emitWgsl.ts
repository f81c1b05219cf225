/**
 * The WGSL backend: IR -> a kernel plan -> one WGSL compute shader per dispatch kind. Reads only the IR.
 *
 * Kernels and their grids (see plan.ts for the memory layout):
 *  - axis kernels: one invocation per rollout, looping over the rollout's elements of one axis (ragged
 *    reductions with the canonical pairwise counter, scans, shifts, indexing);
 *  - group kernels: one workgroup per group; sums go through a shared-memory tree over blocks of W members
 *    (W a power of two), whose partials enter the pairwise counter, which is exactly the canonical tree;
 *  - batch reductions: a first kernel reduces aligned blocks of 256 items, a second combines the blocks in
 *    one workgroup, the same way; means and variances take three such passes (count and shift, mean,
 *    squared deviations);
 *  - output kernels write the outputs per rollout or per element.
 * Every kernel reads a uniform `Dispatch` telling it which item range it covers and where each bound
 * window of an arena starts, so the executor can split large batches without other kernels.
 */
import { InternalError } from "../../diagnostics/diagnostic.js";
import { withoutChecks } from "../passes/removeDeadCode.js";
import type { IrModule, Level, Node, Scalar } from "../ir.js";
import { fromWord, InlineEmitter, PRELUDE, Scope, toWord, WGSL_TYPE, type ArenaAccess, type ScopeIndices } from "./inline.js";
import { WgslNamer } from "./namer.js";
import { planKernels, type ArenaName, type KernelPlan, type Slot } from "./plan.js";

export const ROLLOUT_WORKGROUP = 64;
export const ELEMENT_WORKGROUP = 256;
/** Invocations per rollout of a distinct-window count, and its workgroup-memory table (u32 words). */
export const DISTINCT_WORKGROUP = 64;
/** Words of the table: with the two other shared words it fits the 16 KiB WebGPU guarantees. */
export const DISTINCT_TABLE = 4064;
/** Items per block of a batch reduction's first level, and threads of its second. */
export const BATCH_BLOCK = 256;

/** What a dispatch iterates over: the executor turns it into workgroup counts and item ranges. */
export type Grid =
  | { over: "rollouts" }
  | { over: "groups" }
  /** One workgroup per rollout (distinct-window counts). */
  | { over: "rollout-workgroups" }
  | { over: "elements"; axis: string }
  | { over: "blocks"; domain: BatchDomain }
  | { over: "single" };

export type BatchDomain = { kind: "uniform" } | { kind: "group" } | { kind: "rollout" } | { kind: "element"; axis: string };

export interface WgslKernel {
  name: string;
  /** Index of the plan phase this kernel belongs to (kernels run in order). */
  phase: number;
  code: string;
  /** Fixed workgroup size, or "group" when the executor picks W per batch (an `override`). */
  workgroupSize: number | "group";
  grid: Grid;
  /** Arenas bound at bindings 1.. in this order (binding 0 is the Dispatch uniform). */
  arenas: ArenaName[];
  /**
   * Group kernels come in two strategies; the executor runs one per batch: `sequential` (one invocation
   * per group, for batches whose groups are all small) or `workgroup` (a workgroup per group).
   */
  groupStrategy?: "sequential" | "workgroup";
}

/** Batches whose largest group has at most this many rollouts use sequential group kernels. */
export const SMALL_GROUP_LIMIT = 32;
export const GROUP_SEQUENTIAL_WORKGROUP = 64;

export interface WgslProgram {
  module: IrModule;
  plan: KernelPlan;
  kernels: WgslKernel[];
}

export function emitWgsl(module: IrModule): WgslProgram {
  // Property checks are for `rewardc test` on the CPU: kernels compute only what scoring needs.
  module = withoutChecks(module);
  const plan = planKernels(module);
  const kernels: WgslKernel[] = [];
  plan.phases.forEach((phase, index) => {
    switch (phase.kind) {
      case "axis":
        kernels.push(new KernelWriter(module, plan, `axis_${phase.axis}_s${phase.stage}`, index).axis(phase.axis, phase.nodes));
        break;
      case "distinct":
        kernels.push(new KernelWriter(module, plan, `distinct_${phase.node}_s${phase.stage}`, index).distinct(phase.node));
        break;
      case "group":
        kernels.push(new KernelWriter(module, plan, `group_s${phase.stage}`, index).group(phase.nodes, false));
        kernels.push(new KernelWriter(module, plan, `group_s${phase.stage}_small`, index).group(phase.nodes, true));
        break;
      case "batch":
        kernels.push(...batchKernels(module, plan, phase.node, index));
        break;
      case "output":
        kernels.push(new KernelWriter(module, plan, "output", index).output(phase.outputs));
        break;
      case "element-output":
        kernels.push(new KernelWriter(module, plan, `output_${phase.axis}`, index).elementOutput(phase.axis, phase.outputs));
        break;
    }
  });
  return { module, plan, kernels };
}

/** The domain a batch reduction iterates: the finer of its value's and its mask's levels. */
export function batchDomain(module: IrModule, node: Node): BatchDomain {
  const levels = node.args.map((a) => module.nodes[a]!.level);
  const rank = (l: Level): number => ({ const: 0, param: 0, batch: 0, group: 1, rollout: 2, element: 3 })[l.kind];
  const finest = levels.reduce((a, b) => (rank(b) > rank(a) ? b : a));
  if (finest.kind === "element") return { kind: "element", axis: finest.axis };
  if (finest.kind === "rollout" || finest.kind === "group") return { kind: finest.kind };
  return { kind: "uniform" };
}

class KernelWriter {
  private readonly namer = new WgslNamer();
  private readonly arenaNames = new Map<ArenaName, string>();
  private readonly usedArenas: ArenaName[] = [];
  private readonly emitter: InlineEmitter;
  private readonly workgroupDecls: string[] = [];
  readonly root = new Scope(null, {}, "  ");

  constructor(
    private readonly module: IrModule,
    private readonly plan: KernelPlan,
    private readonly name: string,
    private readonly phase: number,
  ) {
    const access: ArenaAccess = { read: (slot, item) => this.read(slot, item) };
    this.emitter = new InlineEmitter(module, plan, access);
    for (const reserved of ["main", "d", "Dispatch", "lid", "wid", "nwg", "wg", "W"]) this.namer.name(reserved);
  }

  // ----- arenas

  private arena(arena: ArenaName): string {
    let name = this.arenaNames.get(arena);
    if (!name) {
      name = this.namer.name(`a_${arena.replace(/[^A-Za-z0-9]/g, "_")}`);
      this.arenaNames.set(arena, name);
      this.usedArenas.push(arena);
    }
    return name;
  }

  private row(arena: ArenaName): number {
    return this.plan.arenas.get(arena)?.length ?? 0;
  }

  /** The word of `slot` for item `item` (a u32 expression), relative to the bound window's base. */
  private wordIndex(slot: Slot, item: string): string {
    const a = this.arena(slot.arena);
    if (slot.arena === "scalar" || slot.arena === "partials") return `${a}[${slot.index}u]`;
    return `${a}[(${item}) * ${this.row(slot.arena)}u + ${slot.index}u - d.base_${a}]`;
  }

  read(slot: Slot, item: string): string {
    return this.wordIndex(slot, item);
  }

  write(scope: Scope, slot: Slot, item: string, type: Scalar, value: string): void {
    scope.line(`${this.wordIndex(slot, item)} = ${toWord(type, value)};`);
  }

  readTyped(slot: Slot, item: string): string {
    return fromWord(slot.type, this.read(slot, item));
  }

  value(id: number, scope: Scope): string {
    return this.emitter.value(id, scope);
  }

  fresh(prefix: string): string {
    return this.emitter.fresh(prefix);
  }

  node(id: number): Node {
    return this.module.nodes[id]!;
  }

  shared(decl: string): void {
    if (!this.workgroupDecls.includes(decl)) this.workgroupDecls.push(decl);
  }

  // ----- assembling a kernel

  finish(body: Scope, workgroupSize: number | "group", grid: Grid, prologue: string[]): WgslKernel {
    const bindings = this.usedArenas.map((a, i) => `@group(0) @binding(${i + 1}) var<storage, read_write> ${this.arenaNames.get(a)}: array<u32>;`);
    const fields = ["begin: u32", "end: u32", "count: u32", ...this.usedArenas.map((a) => `base_${this.arenaNames.get(a)}: u32`)];
    while (fields.length % 4 !== 0) fields.push(`pad${fields.length}: u32`);
    const size = workgroupSize === "group" ? "W" : String(workgroupSize);
    const code = [
      `// rewardc kernel \`${this.name}\` of spec \`${this.module.name}\``,
      workgroupSize === "group" ? "override W: u32 = 64u;" : "",
      `struct Dispatch { ${fields.join(", ")} }`,
      "@group(0) @binding(0) var<uniform> d: Dispatch;",
      ...bindings,
      ...this.workgroupDecls,
      PRELUDE.trim(),
      "",
      `@compute @workgroup_size(${size})`,
      "fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {",
      "  let wg = wid.x + wid.y * nwg.x;",
      ...prologue.map((l) => "  " + l),
      ...this.root.lines,
      ...body.lines,
      "}",
      "",
    ]
      .filter((l) => l !== "")
      .join("\n");
    return { name: this.name, phase: this.phase, code: code + "\n", workgroupSize, grid, arenas: [...this.usedArenas] };
  }

  /** A scope for one rollout `r` (and its group). */
  rolloutScope(parent: Scope, r: string): Scope {
    const g = this.fresh("g");
    const scope = parent.child({ rollout: r, group: g });
    scope.line(`let ${g} = u32(${this.readTyped(this.plan.system.groupId, r)});`);
    return scope;
  }

  // ----- axis kernels: one invocation per rollout

  axis(axis: string, nodes: number[]): WgslKernel {
    const r = "r";
    const prologue = [`let r = d.begin + wg * ${ROLLOUT_WORKGROUP}u + lid;`, "if (r >= d.end) { return; }"];
    const scope = new Scope(this.root, { rollout: r, group: "g" }, "  ");
    scope.line(`let g = u32(${this.readTyped(this.plan.system.groupId, r)});`);
    const es = "es";
    const el = "el";
    scope.line(`let es = u32(${this.readTyped(this.plan.system.elementStart.get(axis)!, r)});`);
    scope.line(`let el = u32(${this.readTyped(this.plan.system.elementLength.get(axis)!, r)});`);
    for (const id of nodes) new AxisNode(this, this.node(id), scope, axis, es, el).emit();
    return this.finish(scope, ROLLOUT_WORKGROUP, { over: "rollouts" }, prologue);
  }

  // ----- distinct windows: one workgroup per rollout

  /**
   * `axis_distinct`: the invocations of a workgroup take the rollout's windows in turn and insert each into a
   * workgroup-memory open-addressing table of window starts (claimed with a compare-exchange, so of several
   * equal windows exactly one is inserted); probing compares windows value by value, so the count is exact
   * whatever the hash does. The table holds at least twice the windows, so probing always ends. A rollout
   * with more than DISTINCT_TABLE / 2 windows does not fit: its first invocation alone runs the same
   * insertion over a table of its own in the `scratch:<axis>` arena (two words per element), still O(len · n).
   */
  distinct(id: number): WgslKernel {
    const node = this.node(id) as Extract<Node, { op: "axis_distinct" }>;
    const axis = node.axis;
    const slot = this.plan.nodeSlots.get(id)!;
    const table = this.plan.distinctTables.get(axis)!;
    if (this.row(table.arena) !== 2) throw new InternalError(`the scratch table of \`${axis}\` is not two words per element`);
    const ta = this.arena(table.arena);
    const x = node.args[0]!;
    const xType = this.node(x).type;
    this.shared(`var<workgroup> wt: array<atomic<u32>, ${DISTINCT_TABLE}>;`);
    this.shared("var<workgroup> wc: atomic<u32>;");
    this.shared("var<workgroup> wn: u32;");
    const prologue = ["let r = d.begin + wg;", "if (r >= d.end) { return; }"];
    const s = new Scope(this.root, { rollout: "r", group: "g" }, "  ");
    s.line(`let g = u32(${this.readTyped(this.plan.system.groupId, "r")});`);
    s.line(`let es = u32(${this.readTyped(this.plan.system.elementStart.get(axis)!, "r")});`);
    s.line(`let el = u32(${this.readTyped(this.plan.system.elementLength.get(axis)!, "r")});`);
    const n = this.fresh("nl");
    s.line(`let ${n} = u32(${this.value(node.args[1]!, s)});`);
    s.line(`if (lid == 0u) { wn = select(0u, el + 1u - ${n}, el >= ${n}); atomicStore(&wc, 0u); }`);
    s.line("let nw = workgroupUniformLoad(&wn);");
    // Each invocation counts its new windows and adds them once: no contended atomic per window.
    s.line("var mine = 0u;");

    /** Opens the loop over windows `first, first + step, ...`; its body has `p`, the window's first slot. */
    const windows = (into: Scope, first: string, step: string): Scope => {
      const perWindow = into.child({});
      perWindow.line("var h = 0x811c9dc5u;");
      const k = this.fresh("k");
      const hk = perWindow.child({});
      const eh = this.fresh("eh");
      const elem = new Scope(hk, { element: eh, axis }, hk.indent);
      elem.line(`let ${eh} = es + i + ${k};`);
      const v = this.value(x, elem);
      elem.line(`h = (h ^ ${xType === "bool" ? `select(0u, 1u, ${v})` : `bitcast<u32>(${v})`}) * 0x01000193u;`);
      hk.lines.push(...elem.lines);
      perWindow.block(`for (var ${k} = 0u; ${k} < ${n}; ${k}++)`, hk);
      perWindow.line("h = (h ^ (h >> 15u)) * 0x2c1b3c6du;");
      perWindow.line("var p = (h ^ (h >> 13u)) % ts;");
      const probe = perWindow.child({});
      this.pending.push(() => {
        perWindow.block("loop", probe);
        into.block(`for (var i = ${first}; i < nw; i += ${step})`, perWindow);
      });
      return probe;
    };
    /** In a probe: `break`s when window `stored - 1` equals window i; otherwise moves to the next slot. */
    const compareOrNext = (probe: Scope, stored: string): void => {
      const k = this.fresh("k");
      const body = probe.child({});
      const ea = this.fresh("ea");
      const eb = this.fresh("eb");
      // Two element scopes, one per window: each binds its own element index for the value of x.
      const at = new Scope(body, { element: ea, axis }, body.indent);
      at.line(`let ${ea} = es + ${stored} - 1u + ${k};`);
      const va = this.value(x, at);
      const bt = new Scope(at, { element: eb, axis }, body.indent);
      bt.line(`let ${eb} = es + i + ${k};`);
      const vb = this.value(x, bt);
      bt.line(`if (${va} != ${vb}) { same = false; break; }`);
      body.lines.push(...at.lines, ...bt.lines);
      probe.line("var same = true;");
      probe.block(`for (var ${k} = 0u; ${k} < ${n}; ${k}++)`, body);
      probe.line("if (same) { break; }");
      probe.line("p = select(p + 1u, 0u, p + 1u == ts);");
    };

    // Workgroup memory: twice the windows (16 at least), cleared per rollout.
    const shared = s.child({});
    shared.line("let ts = max(16u, 2u * nw);");
    shared.line(`for (var t = lid; t < ts; t += ${DISTINCT_WORKGROUP}u) { atomicStore(&wt[t], 0u); }`);
    shared.line("workgroupBarrier();");
    const sharedProbe = windows(shared, "lid", `${DISTINCT_WORKGROUP}u`);
    sharedProbe.line("let res = atomicCompareExchangeWeak(&wt[p], 0u, i + 1u);");
    sharedProbe.line("if (res.exchanged) { mine++; break; }");
    // A weak compare-exchange may fail spuriously: the slot is still empty, try it again.
    sharedProbe.line("if (res.old_value == 0u) { continue; }");
    compareOrNext(sharedProbe, "res.old_value");
    this.flushPending();

    // Global memory: the rollout's own stretch of the scratch arena, two words per element.
    const global = s.child({});
    const word = (p: string): string => `${ta}[2u * es + ${p} - d.base_${ta}]`;
    const lead = global.child({});
    lead.line("let ts = 2u * el;");
    lead.line(`for (var t = 0u; t < ts; t++) { ${word("t")} = 0u; }`);
    const globalProbe = windows(lead, "0u", "1u");
    globalProbe.line(`let stored = ${word("p")};`);
    globalProbe.line(`if (stored == 0u) { ${word("p")} = i + 1u; mine++; break; }`);
    compareOrNext(globalProbe, "stored");
    this.flushPending();
    global.block("if (lid == 0u)", lead);

    s.block(`if (nw <= ${DISTINCT_TABLE / 2}u)`, shared, "} else {");
    s.lines.push(...global.lines);
    s.line("}");
    s.line("atomicAdd(&wc, mine);");
    s.line("workgroupBarrier();");
    const done = s.child({});
    this.write(done, slot, "r", "i32", "i32(atomicLoad(&wc))");
    s.block("if (lid == 0u)", done);
    return this.finish(s, DISTINCT_WORKGROUP, { over: "rollout-workgroups" }, prologue);
  }

  /** Blocks whose contents are filled in after they are opened (innermost first). */
  private readonly pending: (() => void)[] = [];

  private flushPending(): void {
    while (this.pending.length > 0) this.pending.pop()!();
  }

  // ----- group kernels: one workgroup per group

  group(nodes: number[], sequential: boolean): WgslKernel {
    const root = this.root;
    // The group index is known at the top of this kernel.
    (root.introduces as ScopeIndices).group = "gi";
    const body = root.child({});
    let prologue: string[];
    if (sequential) {
      prologue = [
        `let gi = d.begin + wg * ${GROUP_SEQUENTIAL_WORKGROUP}u + lid;`,
        "if (gi >= d.end) { return; }",
        `let gs = u32(${this.readTyped(this.plan.system.groupStart, "gi")});`,
        `let n = u32(${this.readTyped(this.plan.system.groupSize, "gi")});`,
      ];
    } else {
      this.shared("var<workgroup> wf: array<f32, W>;");
      this.shared("var<workgroup> ws: u32;");
      this.shared("var<workgroup> wn: u32;");
      this.shared("var<workgroup> wx: f32;");
      prologue = [
        "let gi = d.begin + wg;",
        "if (gi >= d.end) { return; }",
        `if (lid == 0u) { ws = u32(${this.readTyped(this.plan.system.groupStart, "gi")}); wn = u32(${this.readTyped(this.plan.system.groupSize, "gi")}); }`,
        "let gs = workgroupUniformLoad(&ws);",
        "let n = workgroupUniformLoad(&wn);",
        // Every invocation has read ws and wn before invocation 0 reuses them.
        "workgroupBarrier();",
      ];
    }
    for (const id of nodes) new GroupNode(this, this.node(id), body, sequential).emit();
    const kernel = this.finish(body, sequential ? GROUP_SEQUENTIAL_WORKGROUP : "group", { over: "groups" }, prologue);
    return { ...kernel, groupStrategy: sequential ? "sequential" : "workgroup" };
  }

  // ----- outputs

  output(outputs: { name: string; node: number; slot: Slot }[]): WgslKernel {
    const prologue = [`let r = d.begin + wg * ${ROLLOUT_WORKGROUP}u + lid;`, "if (r >= d.end) { return; }"];
    const scope = new Scope(this.root, { rollout: "r", group: "g" }, "  ");
    scope.line(`let g = u32(${this.readTyped(this.plan.system.groupId, "r")});`);
    for (const o of outputs) this.write(scope, o.slot, "r", o.slot.type, this.value(o.node, scope));
    return this.finish(scope, ROLLOUT_WORKGROUP, { over: "rollouts" }, prologue);
  }

  elementOutput(axis: string, outputs: { name: string; node: number; slot: Slot }[]): WgslKernel {
    const prologue = [`let e = d.begin + wg * ${ELEMENT_WORKGROUP}u + lid;`, "if (e >= d.end) { return; }"];
    const scope = new Scope(this.root, { element: "e", rollout: "r", group: "g", axis }, "  ");
    scope.line(`let r = u32(${this.readTyped(this.plan.system.rolloutOf.get(axis)!, "e")});`);
    scope.line(`let g = u32(${this.readTyped(this.plan.system.groupId, "r")});`);
    for (const o of outputs) this.write(scope, o.slot, "e", o.slot.type, this.value(o.node, scope));
    return this.finish(scope, ELEMENT_WORKGROUP, { over: "elements", axis }, prologue);
  }

  /** A scope for one item of a batch reduction's domain, given its index expression. */
  itemScope(parent: Scope, domain: BatchDomain, item: string): Scope {
    switch (domain.kind) {
      case "uniform":
        return parent.child({});
      case "group":
        return parent.child({ group: item });
      case "rollout":
        return this.rolloutScope(parent, item);
      case "element": {
        const r = this.fresh("r");
        const g = this.fresh("g");
        const scope = parent.child({ element: item, rollout: r, group: g, axis: domain.axis });
        scope.line(`let ${r} = u32(${this.readTyped(this.plan.system.rolloutOf.get(domain.axis)!, item)});`);
        scope.line(`let ${g} = u32(${this.readTyped(this.plan.system.groupId, r)});`);
        return scope;
      }
    }
  }

  get kernelName(): string {
    return this.name;
  }

  get phaseIndex(): number {
    return this.phase;
  }
}

/**
 * The shared-memory tree every workgroup reduction uses: `arr[lid] = arr[lid] (+) arr[lid + st]` for
 * st = 1, 2, 4, ... below `size` (adjacent pairs first: the canonical tree over the block), barrier-separated.
 */
function workgroupTree(scope: Scope, arr: string, size: string, combine: (a: string, b: string) => string): void {
  scope.line(`for (var st = 1u; st < ${size}; st = st << 1u) {`);
  scope.line("  workgroupBarrier();");
  scope.line(`  if ((lid & ((st << 1u) - 1u)) == 0u) { ${arr}[lid] = ${combine(`${arr}[lid]`, `${arr}[lid + st]`)}; }`);
  scope.line("}");
  scope.line("workgroupBarrier();");
}

const isSumLike = (fn: string): boolean => fn === "sum" || fn === "mean" || fn === "var" || fn === "std";

/** Code for one axis node inside an axis kernel (one invocation per rollout). */
class AxisNode {
  constructor(
    private readonly k: KernelWriter,
    private readonly node: Node,
    private readonly scope: Scope,
    /** The axis the kernel loops over (for a gather: the index's axis, not the array's). */
    private readonly axis: string,
    private readonly es: string,
    private readonly el: string,
  ) {}

  /** Opens `for` over the rollout's elements (reversed for suffix scans); returns the loop's scope. */
  private loop(into: Scope, reverse = false): { body: Scope; close: () => void; e: string } {
    const i = this.k.fresh("i");
    const e = this.k.fresh("e");
    const body = into.child({ element: e, axis: this.axis });
    body.line(`let ${e} = ${reverse ? `${this.es} + ${this.el} - 1u - ${i}` : `${this.es} + ${i}`};`);
    return { body, e, close: () => into.block(`for (var ${i} = 0u; ${i} < ${this.el}; ${i}++)`, body) };
  }

  emit(): void {
    const node = this.node;
    const slot = this.k["plan"].nodeSlots.get(node.id)!;
    switch (node.op) {
      case "axis_reduce":
        return this.reduce(slot);
      case "axis_scan":
        return this.scan(slot);
      case "axis_shift":
        return this.shift(slot);
      case "axis_at":
        return this.at(slot);
      default:
        throw new InternalError(`\`${node.op}\` in an axis kernel`);
    }
  }

  private selected(body: Scope): string {
    const node = this.node as Node & { masked?: boolean };
    return node.masked ? this.k.value(node.args[1]!, body) : "true";
  }

  private reduce(slot: Slot): void {
    const node = this.node as Extract<Node, { op: "axis_reduce" }>;
    const s = this.scope;
    const x = node.args[0]!;
    const xType = this.k.node(x).type;
    const result = this.k.fresh("res");
    const fn = node.fn;
    if (isSumLike(fn) && !(fn === "sum" && xType === "i32")) {
      const { count, shift } = this.countAndShift(s, x);
      if (fn === "sum") {
        s.line("rc_begin();");
        const l = this.loop(s);
        l.body.line(`if (${this.selected(l.body)}) { rc_push(f32(${this.k.value(x, l.body)})); } else { rc_push(0.0f); }`);
        l.close();
        s.line(`let ${result} = rc_finish();`);
      } else {
        const mean = this.k.fresh("mean");
        s.line("rc_begin();");
        const l = this.loop(s);
        l.body.line(`if (${this.selected(l.body)}) { rc_push(f32(${this.k.value(x, l.body)}) - ${shift}); } else { rc_push(0.0f); }`);
        l.close();
        s.line(`let ${mean} = rc_finish() / f32(max(${count}, 1u));`);
        if (fn === "mean") s.line(`let ${result} = select(${shift} + ${mean}, 0.0f, ${count} == 0u);`);
        else {
          s.line("rc_begin();");
          const l2 = this.loop(s);
          const dev = this.k.fresh("dv");
          l2.body.line(`let ${dev} = (f32(${this.k.value(x, l2.body)}) - ${shift}) - ${mean};`);
          l2.body.line(`if (${this.selected(l2.body)}) { rc_push(${dev} * ${dev}); } else { rc_push(0.0f); }`);
          l2.close();
          const variance = `select(rc_finish() / f32(${count} - ${node.ddof}u), 0.0f, ${count} <= ${node.ddof}u)`;
          s.line(`let ${result} = ${fn === "std" ? `sqrt(${variance})` : variance};`);
        }
      }
      const typed = node.type === "i32" ? `rc_f2i(${result})` : result;
      this.k.write(s, slot, s.index("rollout")!, node.type, typed);
      return;
    }
    // Order-free reductions and positions: one loop.
    const acc = this.k.fresh("acc");
    const seen = this.k.fresh("seen");
    const wt = WGSL_TYPE[node.type];
    const init: Record<string, string> = { sum: "0i", count: "0i", len: "0i", any: "false", all: "true", argmax: "-1i", argmin: "-1i", first_index: "-1i", min: zero(node.type), max: zero(node.type), first: zero(node.type), last: zero(node.type) };
    s.line(`var ${acc}: ${wt} = ${init[fn]};`);
    s.line(`var ${seen} = false;`);
    const best = this.k.fresh("best");
    if (fn === "argmax" || fn === "argmin") s.line(`var ${best}: ${WGSL_TYPE[xType]} = ${zero(xType)};`);
    const l = this.loop(s);
    const b = l.body;
    const sel = this.selected(b);
    const v = fn === "len" ? "" : this.k.value(x, b);
    const i = `i32(${l.e} - ${this.es})`;
    const inner = b.child({});
    switch (fn) {
      case "sum":
        // Int sums are exact and wrap like int32: associative, so the order does not matter.
        inner.line(`${acc} = ${acc} + ${v};`);
        break;
      case "count":
        inner.line(`if (${v}) { ${acc} = ${acc} + 1i; }`);
        break;
      case "len":
        inner.line(`${acc} = ${acc} + 1i;`);
        break;
      case "any":
        inner.line(`if (${v}) { ${acc} = true; }`);
        break;
      case "all":
        inner.line(`if (!${v}) { ${acc} = false; }`);
        break;
      case "min":
      case "max": {
        const combine = node.type === "f32" ? `rc_${fn}(${acc}, ${v})` : `${fn}(${acc}, ${v})`;
        inner.line(`if (!${seen}) { ${acc} = ${v}; } else { ${acc} = ${combine}; }`);
        break;
      }
      case "first":
        inner.line(`if (!${seen}) { ${acc} = ${v}; }`);
        break;
      case "last":
        inner.line(`${acc} = ${v};`);
        break;
      case "argmax":
      case "argmin":
        inner.line(`if (!${seen} || ${v} ${fn === "argmax" ? ">" : "<"} ${best}) { ${best} = ${v}; ${acc} = ${i}; }`);
        break;
      case "first_index":
        inner.line(`if (${v} && ${acc} < 0i) { ${acc} = ${i}; }`);
        break;
    }
    inner.line(`${seen} = true;`);
    b.block(`if (${sel})`, inner);
    l.close();
    this.k.write(s, slot, s.index("rollout")!, node.type, acc);
  }

  /** Number of selected elements and the first selected value (the shift of means and variances). */
  private countAndShift(s: Scope, x: number): { count: string; shift: string } {
    const count = this.k.fresh("cnt");
    const shift = this.k.fresh("sh");
    s.line(`var ${count} = 0u;`);
    s.line(`var ${shift} = 0.0f;`);
    const l = this.loop(s);
    const inner = l.body.child({});
    inner.line(`if (${count} == 0u) { ${shift} = rc_shift(f32(${this.k.value(x, l.body)})); }`);
    inner.line(`${count} = ${count} + 1u;`);
    l.body.block(`if (${this.selected(l.body)})`, inner);
    l.close();
    return { count, shift };
  }

  private scan(slot: Slot): void {
    const node = this.node as Extract<Node, { op: "axis_scan" }>;
    const s = this.scope;
    const x = node.args[0]!;
    const wt = WGSL_TYPE[node.type];
    if (node.fn === "softmax") {
      const top = this.k.fresh("top");
      s.line(`var ${top} = 0.0f;`);
      const l1 = this.loop(s);
      l1.body.line(`let vv = ${this.k.value(x, l1.body)};`);
      l1.body.line(`if (${l1.e} == ${this.es}) { ${top} = vv; } else { ${top} = rc_max(${top}, vv); }`);
      l1.close();
      s.line("rc_begin();");
      const l2 = this.loop(s);
      l2.body.line(`rc_push(exp(${this.k.value(x, l2.body)} - ${top}));`);
      l2.close();
      const total = this.k.fresh("total");
      s.line(`let ${total} = rc_finish();`);
      const l3 = this.loop(s);
      this.k.write(l3.body, slot, l3.e, "f32", `exp(${this.k.value(x, l3.body)} - ${top}) / ${total}`);
      l3.close();
      return;
    }
    const suffix = node.fn.startsWith("suffix");
    const carry = this.k.fresh("carry");
    const l = this.loop(s, suffix);
    const v = this.k.value(x, l.body);
    if (node.fn === "prefix_sum" || node.fn === "suffix_sum") {
      // Per rollout or per element: evaluated where its level puts it.
      const gamma = node.args.length > 1 ? this.k.value(node.args[1]!, l.body) : "1.0f";
      s.line(`var ${carry} = 0.0f;`);
      l.body.line(`${carry} = ${v} + ${gamma} * ${carry};`);
    } else {
      const isMin = node.fn.endsWith("min");
      s.line(`var ${carry}: ${wt} = ${zero(node.type)};`);
      const nan = node.type === "f32" ? ` || rc_isnan(${v})` : "";
      l.body.line(`if (${l.e} == ${suffix ? `${this.es} + ${this.el} - 1u` : this.es} || ${v} ${isMin ? "<" : ">"} ${carry}${nan}) { ${carry} = ${v}; }`);
    }
    this.k.write(l.body, slot, l.e, node.type, carry);
    l.close();
  }

  private shift(slot: Slot): void {
    const node = this.node as Extract<Node, { op: "axis_shift" }>;
    const s = this.scope;
    const l = this.loop(s);
    const out = this.k.fresh("sv");
    l.body.line(`var ${out}: ${WGSL_TYPE[node.type]};`);
    const edge = node.dir === "prev" ? `${l.e} > ${this.es}` : `${l.e} + 1u < ${this.es} + ${this.el}`;
    const neighbour = this.k.fresh("en");
    const near = l.body.child({ element: neighbour, axis: this.axis });
    near.line(`let ${neighbour} = ${l.e} ${node.dir === "prev" ? "-" : "+"} 1u;`);
    near.line(`${out} = ${this.k.value(node.args[0]!, near)};`);
    const fallback = l.body.child({});
    fallback.line(`${out} = ${this.k.value(node.args[1]!, fallback)};`);
    l.body.block(`if (${edge})`, near, "} else {");
    l.body.lines.push(...fallback.lines);
    l.body.line("}");
    this.k.write(l.body, slot, l.e, node.type, out);
    l.close();
  }

  private at(slot: Slot): void {
    const node = this.node as Extract<Node, { op: "axis_at" }>;
    const s = this.scope;
    const system = this.k["plan"].system;
    const r = s.index("rollout")!;
    // The picked array's extent in this rollout (the loop's own axis for a plain index).
    const start = this.k.fresh("as");
    const length = this.k.fresh("al");
    s.line(`let ${start} = u32(${this.k.readTyped(system.elementStart.get(node.axis)!, r)});`);
    s.line(`let ${length} = u32(${this.k.readTyped(system.elementLength.get(node.axis)!, r)});`);
    const pick = (into: Scope, where: string): void => {
      const index = this.k.value(node.args[1]!, into);
      const out = this.k.fresh("at");
      into.line(`var ${out}: ${WGSL_TYPE[node.type]} = ${zero(node.type)};`);
      const e = this.k.fresh("ea");
      const inner = into.child({ element: e, axis: node.axis });
      inner.line(`let ${e} = ${start} + u32(${index});`);
      inner.line(`${out} = ${this.k.value(node.args[0]!, inner)};`);
      into.block(`if (${index} >= 0i && u32(${index}) < ${length})`, inner);
      this.k.write(into, slot, where, node.type, out);
    };
    if (node.level.kind === "element") {
      // A gather: one pick per element of the index's axis.
      const l = this.loop(s);
      pick(l.body, l.e);
      l.close();
    } else pick(s, r);
  }
}

function zero(type: Scalar): string {
  return type === "f32" ? "0.0f" : type === "i32" ? "0i" : "false";
}

/**
 * Code for one group node inside a group kernel: either one workgroup of W invocations per group
 * (shared-memory trees; invocation 0 leads), or one invocation per group (`sequential`, for small groups:
 * the same canonical sums through the pairwise counter, without barriers).
 */
class GroupNode {
  constructor(
    private readonly k: KernelWriter,
    private readonly node: Node,
    private readonly scope: Scope,
    private readonly sequential: boolean,
  ) {}

  /** Code only the leading invocation runs (every invocation, in sequential mode). */
  private leader(s: Scope, build: (t0: Scope) => void): void {
    const t0 = s.child({});
    build(t0);
    if (this.sequential) s.lines.push(...t0.lines);
    else s.block("if (lid == 0u)", t0);
  }

  emit(): void {
    const node = this.node;
    if (node.op === "group_reduce") return this.reduce(node);
    if (node.op === "group_map") return this.map(node);
    throw new InternalError(`\`${node.op}\` in a group kernel`);
  }

  private slot(): Slot {
    return this.k["plan"].nodeSlots.get(this.node.id)!;
  }

  /** A scope for member `index` (a u32 expression, 0-based within the group) bound to a fresh rollout name. */
  private member(parent: Scope, index: string): Scope {
    const rm = this.k.fresh("rm");
    const scope = parent.child({ rollout: rm });
    scope.line(`let ${rm} = gs + ${index};`);
    return scope;
  }

  private selected(member: Scope): string {
    const node = this.node as Node & { masked?: boolean };
    return node.masked ? this.k.value(node.args[1]!, member) : "true";
  }

  /** A value the leader computes, made known to every invocation of the workgroup. */
  private broadcast(s: Scope, type: "u32" | "f32", compute: (t0: Scope) => string): string {
    const name = this.k.fresh(type === "u32" ? "bu" : "bf");
    if (this.sequential) {
      this.leader(s, (t0) => t0.line(`let ${name} = ${compute(t0)};`));
      return name;
    }
    this.leader(s, (t0) => t0.line(`${type === "u32" ? "wn" : "wx"} = ${compute(t0)};`));
    s.line(`let ${name} = workgroupUniformLoad(&${type === "u32" ? "wn" : "wx"});`);
    s.line("workgroupBarrier();");
    return name;
  }

  /** The canonical tree sum of `term` over the members, known to every invocation. */
  private treeSum(s: Scope, term: (member: Scope) => string): string {
    s.line("rc_begin();");
    if (this.sequential) {
      const jj = this.k.fresh("jj");
      const member = this.member(s, jj);
      member.line(`rc_push(${term(member)});`);
      s.block(`for (var ${jj} = 0u; ${jj} < n; ${jj}++)`, member);
      const total = this.k.fresh("sum");
      s.line(`let ${total} = rc_finish();`);
      return total;
    }
    // Blocks of W members reduce in shared memory; their partials enter the counter in order.
    const c = this.k.fresh("c");
    const loop = s.child({});
    const j = this.k.fresh("j");
    const t = this.k.fresh("t");
    loop.line(`let ${j} = ${c} + lid;`);
    loop.line(`var ${t} = 0.0f;`);
    const member = this.member(loop, j);
    member.line(`${t} = ${term(member)};`);
    loop.block(`if (${j} < n)`, member);
    loop.line(`wf[lid] = ${t};`);
    workgroupTree(loop, "wf", "W", (a, b) => `${a} + ${b}`);
    loop.line("if (lid == 0u) { rc_push(wf[0]); }");
    loop.line("workgroupBarrier();");
    s.block(`for (var ${c} = 0u; ${c} < n; ${c} = ${c} + W)`, loop);
    return this.broadcast(s, "f32", () => "rc_finish()");
  }

  /** The leader walks the members in order: `step` runs per member (in its scope). */
  private walk(t0: Scope, step: (member: Scope) => void): void {
    const jj = this.k.fresh("jj");
    const member = this.member(t0, jj);
    step(member);
    t0.block(`for (var ${jj} = 0u; ${jj} < n; ${jj}++)`, member);
  }

  /** Count of selected members and the first selected value, known to every invocation. */
  private countAndShift(s: Scope, x: number): { count: string; shift: string } {
    const k = this.k.fresh("k");
    const x0 = this.k.fresh("x0");
    this.leader(s, (t0) => {
      t0.line(`var ${k} = 0u;`);
      t0.line(`var ${x0} = 0.0f;`);
      this.walk(t0, (m) => {
        const hit = m.child({});
        hit.line(`if (${k} == 0u) { ${x0} = rc_shift(f32(${this.k.value(x, m)})); }`);
        hit.line(`${k} = ${k} + 1u;`);
        m.block(`if (${this.selected(m)})`, hit);
      });
      if (!this.sequential) {
        t0.line(`wn = ${k};`);
        t0.line(`wx = ${x0};`);
      }
    });
    if (this.sequential) return { count: k, shift: x0 };
    const count = this.k.fresh("cnt");
    const shift = this.k.fresh("sh");
    s.line(`let ${count} = workgroupUniformLoad(&wn);`);
    s.line(`let ${shift} = workgroupUniformLoad(&wx);`);
    s.line("workgroupBarrier();");
    return { count, shift };
  }

  private reduce(node: Extract<Node, { op: "group_reduce" }>): void {
    const s = this.scope;
    const x = node.args[0]!;
    const fn = node.fn;
    const slot = this.slot();
    const xType = this.k.node(x).type;
    if (isSumLike(fn) && !(fn === "sum" && xType === "i32")) {
      let result: string;
      if (fn === "sum") {
        const total = this.treeSum(s, (m) => `select(0.0f, f32(${this.k.value(x, m)}), ${this.selected(m)})`);
        result = total;
      } else {
        const { count, shift } = this.countAndShift(s, x);
        const total = this.treeSum(s, (m) => `select(0.0f, f32(${this.k.value(x, m)}) - ${shift}, ${this.selected(m)})`);
        const mean = this.k.fresh("mean");
        s.line(`let ${mean} = ${total} / f32(max(${count}, 1u));`);
        if (fn === "mean") result = `select(${shift} + ${mean}, 0.0f, ${count} == 0u)`;
        else {
          const sq = this.treeSum(s, (m) => {
            const dv = this.k.fresh("dv");
            m.line(`let ${dv} = (f32(${this.k.value(x, m)}) - ${shift}) - ${mean};`);
            return `select(0.0f, ${dv} * ${dv}, ${this.selected(m)})`;
          });
          const variance = `select(${sq} / f32(${count} - ${node.ddof}u), 0.0f, ${count} <= ${node.ddof}u)`;
          result = fn === "std" ? `sqrt(${variance})` : variance;
        }
      }
      this.leader(s, (t0) => this.k.write(t0, slot, "gi", node.type, node.type === "i32" ? `rc_f2i(${result})` : result));
      return;
    }
    // min, max, count, any, all, int sums: order-free, the leader walks the members.
    this.leader(s, (t0) => this.orderFree(t0, node, slot));
  }

  private orderFree(t0: Scope, node: Extract<Node, { op: "group_reduce" }>, slot: Slot): void {
    const x = node.args[0]!;
    const fn = node.fn;
    const acc = this.k.fresh("acc");
    const seen = this.k.fresh("seen");
    const init: Record<string, string> = { sum: "0i", count: "0i", any: "false", all: "true", min: zero(node.type), max: zero(node.type) };
    t0.line(`var ${acc}: ${WGSL_TYPE[node.type]} = ${init[fn]};`);
    t0.line(`var ${seen} = false;`);
    this.walk(t0, (m) => {
      const v = this.k.value(x, m);
      const hit = m.child({});
      if (fn === "sum") hit.line(`${acc} = ${acc} + ${v};`);
      else if (fn === "count") hit.line(`if (${v}) { ${acc} = ${acc} + 1i; }`);
      else if (fn === "any") hit.line(`if (${v}) { ${acc} = true; }`);
      else if (fn === "all") hit.line(`if (!${v}) { ${acc} = false; }`);
      else {
        const combine = node.type === "f32" ? `rc_${fn}(${acc}, ${v})` : `${fn}(${acc}, ${v})`;
        hit.line(`if (!${seen}) { ${acc} = ${v}; } else { ${acc} = ${combine}; }`);
      }
      hit.line(`${seen} = true;`);
      m.block(`if (${this.selected(m)})`, hit);
    });
    this.k.write(t0, slot, "gi", node.type, acc);
  }

  /** Per-member values: each invocation handles members lid, lid + W, ... (all of them, in sequential mode). */
  private perMember(s: Scope, body: (member: Scope, j: string) => void): void {
    if (this.sequential) {
      const j = this.k.fresh("j");
      const member = this.member(s, j);
      body(member, j);
      s.block(`for (var ${j} = 0u; ${j} < n; ${j}++)`, member);
      return;
    }
    const c = this.k.fresh("c");
    const loop = s.child({});
    const j = this.k.fresh("j");
    loop.line(`let ${j} = ${c} + lid;`);
    const member = this.member(loop, j);
    body(member, j);
    loop.block(`if (${j} < n)`, member);
    s.block(`for (var ${c} = 0u; ${c} < n; ${c} = ${c} + W)`, loop);
  }

  private map(node: Extract<Node, { op: "group_map" }>): void {
    const s = this.scope;
    const x = node.args[0]!;
    const slot = this.slot();
    switch (node.fn) {
      case "rank":
      case "count_eq":
        this.perMember(s, (m) => {
          const self = this.k.value(x, m);
          const cnt = this.k.fresh("n");
          m.line(`var ${cnt} = 0i;`);
          const o = this.k.fresh("o");
          const other = this.member(m, o);
          const v = this.k.value(x, other);
          other.line(`if (${v} ${node.fn === "rank" ? "<" : "=="} ${self}) { ${cnt} = ${cnt} + 1i; }`);
          m.block(`for (var ${o} = 0u; ${o} < n; ${o}++)`, other);
          this.k.write(m, slot, m.index("rollout")!, "i32", cnt);
        });
        return;
      case "loo_mean": {
        // (sum - x) / (n - 1), as the frameworks write it, with the canonical sum.
        const total = this.treeSum(s, (m) => `f32(${this.k.value(x, m)})`);
        this.perMember(s, (m) => {
          const v = `f32(${this.k.value(x, m)})`;
          this.k.write(m, slot, m.index("rollout")!, "f32", `select((${total} - ${v}) / f32(n - 1u), 0.0f, n < 2u)`);
        });
        return;
      }
      case "loo_std":
        this.perMember(s, (m, j) => {
          const k = this.k.fresh("k");
          m.line(`let ${k} = n - 1u;`);
          const shift = this.k.fresh("sh");
          m.line(`var ${shift} = 0.0f;`);
          const firstOther = this.member(m, `select(0u, 1u, ${j} == 0u)`);
          firstOther.line(`${shift} = rc_shift(f32(${this.k.value(x, firstOther)}));`);
          m.block("if (n > 1u)", firstOther);
          const pass = (term: (other: Scope) => string): string => {
            m.line("rc_begin();");
            const o = this.k.fresh("o");
            const other = this.member(m, o);
            other.line(`if (${o} != ${j}) { rc_push(${term(other)}); }`);
            m.block(`for (var ${o} = 0u; ${o} < n; ${o}++)`, other);
            const sum = this.k.fresh("sum");
            m.line(`let ${sum} = rc_finish();`);
            return sum;
          };
          const s1 = pass((o) => `f32(${this.k.value(x, o)}) - ${shift}`);
          const mo = this.k.fresh("mo");
          m.line(`let ${mo} = ${s1} / f32(max(${k}, 1u));`);
          const s2 = pass((o) => {
            const dv = this.k.fresh("dv");
            o.line(`let ${dv} = (f32(${this.k.value(x, o)}) - ${shift}) - ${mo};`);
            return `${dv} * ${dv}`;
          });
          this.k.write(m, slot, m.index("rollout")!, "f32", `select(sqrt(${s2} / f32(${k} - ${node.ddof}u)), 0.0f, ${k} <= ${node.ddof}u)`);
        });
        return;
      case "softmax": {
        const top = this.broadcast(s, "f32", (t0) => {
          const best = this.k.fresh("best");
          t0.line(`var ${best} = 0.0f;`);
          const jj = this.k.fresh("jj");
          const member = this.member(t0, jj);
          member.line(`let vv = f32(${this.k.value(x, member)});`);
          member.line(`if (${jj} == 0u) { ${best} = vv; } else { ${best} = rc_max(${best}, vv); }`);
          t0.block(`for (var ${jj} = 0u; ${jj} < n; ${jj}++)`, member);
          return best;
        });
        const total = this.treeSum(s, (m) => `exp(f32(${this.k.value(x, m)}) - ${top})`);
        this.perMember(s, (m) => this.k.write(m, slot, m.index("rollout")!, "f32", `exp(f32(${this.k.value(x, m)}) - ${top}) / ${total}`));
        return;
      }
    }
  }
}

// ----- batch reductions: two levels, one to three passes

type BatchPass = "count" | "fetch" | "sum" | "isum" | "shifted" | "sqdev" | "extremum" | "truth";

/**
 * The passes of a batch reduction. Without a mask the executor knows the count (every item) and the first
 * selected item (item 0) before it starts, so means and variances skip the counting pass.
 */
export function batchPasses(fn: string, integer: boolean, masked: boolean): BatchPass[] {
  const counted: BatchPass[] = masked ? ["count"] : [];
  switch (fn) {
    case "sum":
      return [integer ? "isum" : "sum"];
    case "mean":
      return [...counted, "fetch", "shifted"];
    case "var":
    case "std":
      return [...counted, "fetch", "shifted", "sqdev"];
    case "min":
    case "max":
      return ["count", "extremum"];
    default:
      return ["truth"];
  }
}

function batchKernels(module: IrModule, plan: KernelPlan, id: number, phase: number): WgslKernel[] {
  const node = module.nodes[id] as Extract<Node, { op: "batch_reduce" }>;
  const domain = batchDomain(module, node);
  const kernels: WgslKernel[] = [];
  for (const pass of batchPasses(node.fn, module.nodes[node.args[0]!]!.type === "i32", node.masked)) {
    kernels.push(batchBlockKernel(module, plan, node, domain, pass, phase));
    // The shift is fetched by the block holding the first selected item: no second level.
    if (pass !== "fetch") kernels.push(batchCombineKernel(module, plan, node, pass, phase));
  }
  return kernels;
}

/** Word offsets of a batch pass's partials: count passes keep (count, first) pairs. */
const PARTIAL_WORDS: Record<BatchPass, number> = { count: 2, fetch: 0, sum: 1, isum: 1, shifted: 1, sqdev: 1, extremum: 1, truth: 1 };

function extremumType(module: IrModule, node: Node): Scalar {
  return module.nodes[node.args[0]!]!.type === "i32" ? "i32" : "f32";
}

/** First level: block `blk` of 256 items reduces to one partial (or a count/first pair). */
function batchBlockKernel(module: IrModule, plan: KernelPlan, node: Extract<Node, { op: "batch_reduce" }>, domain: BatchDomain, pass: BatchPass, phase: number): WgslKernel {
  const k = new KernelWriter(module, plan, `batch_${node.id}_${pass}_blocks`, phase);
  const temps = plan.batchTemps.get(node.id)!;
  const pa = k["arena"]("partials");
  const x = node.args[0]!;
  const et = extremumType(module, node);
  k.shared(`var<workgroup> wf: array<f32, ${BATCH_BLOCK}>;`);
  k.shared(`var<workgroup> wu: array<u32, ${BATCH_BLOCK}>;`);
  k.shared(`var<workgroup> wi: array<i32, ${BATCH_BLOCK}>;`);
  const prologue = ["let blk = d.begin + wg;", "if (blk >= d.end) { return; }", `let item = blk * ${BATCH_BLOCK}u + lid;`];
  const s = new Scope(k.root, {}, "  ");
  const item = k.itemScope(s, domain, "item");
  const sel = node.masked ? k.value(node.args[1]!, item) : "true";
  const shift = k.readTyped(temps.shift, "0u");
  const mean = k.readTyped(temps.mean, "0u");
  const tree = (arr: string, combine: (a: string, b: string) => string): void => workgroupTree(s, arr, `${BATCH_BLOCK}u`, combine);
  if (pass === "fetch") {
    const first = k.readTyped(temps.first, "0u");
    item.line(`if (${k.readTyped(temps.count, "0u")} > 0i && item == u32(${first})) { ${k.read(temps.shift, "0u")} = bitcast<u32>(rc_shift(f32(${k.value(x, item)}))); }`);
    s.block("if (item < d.count)", item);
    return k.finish(s, BATCH_BLOCK, { over: "blocks", domain }, prologue);
  }
  switch (pass) {
    case "count":
      s.line("wu[lid] = 0u;");
      s.line("wi[lid] = 2147483647i;");
      item.line(`if (${sel}) { wu[lid] = 1u; wi[lid] = i32(item); }`);
      break;
    case "sum":
      s.line("wf[lid] = 0.0f;");
      item.line(`if (${sel}) { wf[lid] = f32(${k.value(x, item)}); }`);
      break;
    case "isum":
      s.line("wi[lid] = 0i;");
      item.line(`if (${sel}) { wi[lid] = ${k.value(x, item)}; }`);
      break;
    case "shifted":
      s.line("wf[lid] = 0.0f;");
      item.line(`if (${sel}) { wf[lid] = f32(${k.value(x, item)}) - ${shift}; }`);
      break;
    case "sqdev":
      s.line("wf[lid] = 0.0f;");
      item.line(`let dv = (f32(${k.value(x, item)}) - ${shift}) - ${mean};`);
      item.line(`if (${sel}) { wf[lid] = dv * dv; }`);
      break;
    case "extremum": {
      const isMin = node.fn === "min";
      if (et === "i32") {
        s.line(`wi[lid] = ${isMin ? "2147483647i" : "i32(-2147483647 - 1)"};`);
        item.line(`if (${sel}) { wi[lid] = ${k.value(x, item)}; }`);
      } else {
        s.line(`wf[lid] = rc_bits(${isMin ? "0x7f800000u" : "0xff800000u"});`);
        item.line(`if (${sel}) { wf[lid] = f32(${k.value(x, item)}); }`);
      }
      break;
    }
    case "truth": {
      // count: selected trues; any: selected trues > 0; all: selected falses == 0.
      const want = node.fn === "all" ? `!${k.value(x, item)}` : k.value(x, item);
      s.line("wu[lid] = 0u;");
      item.line(`if (${sel} && ${want}) { wu[lid] = 1u; }`);
      break;
    }
  }
  s.block("if (item < d.count)", item);
  const write = (word: string, value: string): void => s.line(`if (lid == 0u) { ${pa}[blk * ${PARTIAL_WORDS[pass]}u + ${word}u] = ${value}; }`);
  switch (pass) {
    case "count":
      tree("wu", (a, b) => `${a} + ${b}`);
      tree("wi", (a, b) => `min(${a}, ${b})`);
      write("0", "wu[0]");
      write("1", "bitcast<u32>(wi[0])");
      break;
    case "extremum":
      if (et === "i32") {
        tree("wi", (a, b) => `${node.fn}(${a}, ${b})`);
        write("0", "bitcast<u32>(wi[0])");
      } else {
        tree("wf", (a, b) => `rc_${node.fn}(${a}, ${b})`);
        write("0", "bitcast<u32>(wf[0])");
      }
      break;
    case "truth":
      tree("wu", (a, b) => `${a} + ${b}`);
      write("0", "wu[0]");
      break;
    case "isum":
      tree("wi", (a, b) => `${a} + ${b}`);
      write("0", "bitcast<u32>(wi[0])");
      break;
    default:
      tree("wf", (a, b) => `${a} + ${b}`);
      write("0", "bitcast<u32>(wf[0])");
  }
  return k.finish(s, BATCH_BLOCK, { over: "blocks", domain }, prologue);
}

/** Second level: one workgroup combines the blocks' partials and finishes the pass. */
function batchCombineKernel(module: IrModule, plan: KernelPlan, node: Extract<Node, { op: "batch_reduce" }>, pass: BatchPass, phase: number): WgslKernel {
  const k = new KernelWriter(module, plan, `batch_${node.id}_${pass}_combine`, phase);
  const temps = plan.batchTemps.get(node.id)!;
  const result = plan.nodeSlots.get(node.id)!;
  const pa = k["arena"]("partials");
  const words = PARTIAL_WORDS[pass];
  const et = extremumType(module, node);
  k.shared(`var<workgroup> wf: array<f32, ${BATCH_BLOCK}>;`);
  k.shared(`var<workgroup> wu: array<u32, ${BATCH_BLOCK}>;`);
  k.shared(`var<workgroup> wi: array<i32, ${BATCH_BLOCK}>;`);
  const s = new Scope(k.root, {}, "  ");
  const prologue = ["let blocks = d.end;"];
  const isMin = node.fn === "min";
  s.line("rc_begin();");
  s.line("var total_u = 0u;");
  s.line("var first_i = 2147483647i;");
  s.line(`var ext_f = rc_bits(${isMin ? "0x7f800000u" : "0xff800000u"});`);
  s.line(`var ext_i = ${pass === "isum" ? "0i" : isMin ? "2147483647i" : "i32(-2147483647 - 1)"};`);
  const loop = s.child({});
  loop.line(`let j = c + lid;`);
  const tree = (arr: string, combine: (a: string, b: string) => string): void => workgroupTree(loop, arr, `${BATCH_BLOCK}u`, combine);
  const load = (word: number): string => `${pa}[j * ${words}u + ${word}u]`;
  switch (pass) {
    case "count":
      loop.line(`wu[lid] = select(0u, ${load(0)}, j < blocks);`);
      loop.line(`wi[lid] = select(2147483647i, bitcast<i32>(${load(1)}), j < blocks);`);
      tree("wu", (a, b) => `${a} + ${b}`);
      tree("wi", (a, b) => `min(${a}, ${b})`);
      loop.line("if (lid == 0u) { total_u = total_u + wu[0]; first_i = min(first_i, wi[0]); }");
      break;
    case "truth":
      loop.line(`wu[lid] = select(0u, ${load(0)}, j < blocks);`);
      tree("wu", (a, b) => `${a} + ${b}`);
      loop.line("if (lid == 0u) { total_u = total_u + wu[0]; }");
      break;
    case "isum":
      loop.line(`wi[lid] = select(0i, bitcast<i32>(${load(0)}), j < blocks);`);
      tree("wi", (a, b) => `${a} + ${b}`);
      loop.line("if (lid == 0u) { ext_i = ext_i + wi[0]; }");
      break;
    case "extremum":
      if (et === "i32") {
        loop.line(`wi[lid] = select(ext_i, bitcast<i32>(${load(0)}), j < blocks);`);
        tree("wi", (a, b) => `${node.fn}(${a}, ${b})`);
        loop.line(`if (lid == 0u) { ext_i = ${node.fn}(ext_i, wi[0]); }`);
      } else {
        loop.line(`wf[lid] = select(ext_f, bitcast<f32>(${load(0)}), j < blocks);`);
        tree("wf", (a, b) => `rc_${node.fn}(${a}, ${b})`);
        loop.line(`if (lid == 0u) { ext_f = rc_${node.fn}(ext_f, wf[0]); }`);
      }
      break;
    default:
      loop.line(`wf[lid] = select(0.0f, bitcast<f32>(${load(0)}), j < blocks);`);
      tree("wf", (a, b) => `${a} + ${b}`);
      loop.line("if (lid == 0u) { rc_push(wf[0]); }");
  }
  loop.line("workgroupBarrier();");
  s.block(`for (var c = 0u; c < blocks; c = c + ${BATCH_BLOCK}u)`, loop);

  const t0 = s.child({});
  const count = k.readTyped(temps.count, "0u");
  const shift = k.readTyped(temps.shift, "0u");
  const write = (slot: Slot, type: Scalar, value: string): void => k.write(t0, slot, "0u", type, value);
  switch (pass) {
    case "count":
      write(temps.count, "i32", "i32(total_u)");
      write(temps.first, "i32", "first_i");
      write(temps.shift, "f32", "0.0f");
      break;
    case "sum":
      write(result, node.type, node.type === "i32" ? "rc_f2i(rc_finish())" : "rc_finish()");
      break;
    case "isum":
      write(result, "i32", "ext_i");
      break;
    case "shifted": {
      const mean = `rc_finish() / f32(max(${count}, 1i))`;
      if (node.fn === "mean") write(result, "f32", `select(${shift} + ${mean}, 0.0f, ${count} == 0i)`);
      else write(temps.mean, "f32", mean);
      break;
    }
    case "sqdev": {
      const variance = `select(rc_finish() / f32(${count} - ${node.ddof}i), 0.0f, ${count} <= ${node.ddof}i)`;
      write(result, "f32", node.fn === "std" ? `sqrt(${variance})` : variance);
      break;
    }
    case "extremum":
      write(result, node.type, `select(${et === "i32" ? "ext_i" : "ext_f"}, ${zero(node.type)}, ${count} == 0i)`);
      break;
    case "truth":
      write(result, node.type, node.fn === "count" ? "i32(total_u)" : node.fn === "any" ? "total_u > 0u" : "total_u == 0u");
      break;
  }
  s.block("if (lid == 0u)", t0);
  return k.finish(s, BATCH_BLOCK, { over: "single" }, prologue);
}
