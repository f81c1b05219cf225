/**
 * The kernel plan: which IR nodes live in memory, where, and which dispatches compute them, following
 * the levels.
 *
 * Values live in four kinds of arena, each an array of 32-bit words laid out item-major so that any range
 * of items is one contiguous window (large batches are bound window by window):
 *  - `rollout`: one row of slots per rollout (inputs, per-rollout reductions, group maps, system slots);
 *  - `group`: one row per group (group reductions, group sizes and starts);
 *  - `element:<axis>`: one row per element of a ragged or fixed axis (array inputs, scans, shifts);
 *  - `scalar`: params, state, batch reductions and their temporaries.
 * Outputs get their own arenas (`out` per rollout, `eout:<axis>` per element) so readback copies only them.
 * `scratch:<axis>` (two words per element, never uploaded nor read back) holds each rollout's hash table of
 * window starts for distinct-window counts, over the rollout's own elements.
 *
 * On the device, rollouts are sorted by group (groups in order of first appearance, members in input
 * order), so a group is a contiguous range and the canonical batch order is the memory order.
 *
 * Everything that is not materialised (arithmetic, casts, selects, element-wise built-ins, constants) is
 * recomputed inline by whichever kernel reads it: no dispatch and no memory for it.
 *
 * A materialised node's stage is one more than the latest stage it depends on; all nodes of one stage are
 * computed by the dispatches of that stage: one per axis for per-rollout loops over arrays, one per
 * distinct-window count, one for group reductions and maps (a workgroup per
 * group), and a two-level reduction per batch reduction.
 */
import { InternalError } from "../../diagnostics/diagnostic.js";
import type { IrModule, Node, Scalar } from "../ir.js";

export type ArenaName = string; // "rollout" | "group" | "scalar" | "out" | `element:${axis}` | `eout:${axis}`

export interface Slot {
  arena: ArenaName;
  index: number;
  type: Scalar;
}

export type Phase =
  | { kind: "axis"; stage: number; axis: string; nodes: number[] }
  | { kind: "group"; stage: number; nodes: number[] }
  /** Distinct windows of one axis_distinct node (see emitWgsl.ts). */
  | { kind: "distinct"; stage: number; node: number }
  | { kind: "batch"; stage: number; node: number }
  | { kind: "output"; outputs: { name: string; node: number; slot: Slot }[] }
  | { kind: "element-output"; axis: string; outputs: { name: string; node: number; slot: Slot }[] };

export interface KernelPlan {
  /** Slot of every materialised node (inputs, reductions, scans, shifts, group maps, batch values). */
  nodeSlots: Map<number, Slot>;
  /** Slots per arena, in order (their count is the arena's row width). */
  arenas: Map<ArenaName, Slot[]>;
  /** System slots: the group of each rollout, each rollout's element start and length per axis, etc. */
  system: {
    groupId: Slot;
    groupStart: Slot;
    groupSize: Slot;
    batchSize: Slot;
    elementStart: Map<string, Slot>;
    elementLength: Map<string, Slot>;
    rolloutOf: Map<string, Slot>;
  };
  params: Map<string, Slot>;
  states: Map<string, Slot>;
  /** Per axis with distinct-window counts: the first of the two words per element of its scratch table. */
  distinctTables: Map<string, Slot>;
  /** Scratch scalars of each batch reduction: its result, the count, the shift and the mean. */
  batchTemps: Map<number, { count: Slot; first: Slot; shift: Slot; mean: Slot }>;
  phases: Phase[];
  stages: number;
}

const MATERIALISED = new Set(["input", "axis_reduce", "axis_at", "axis_distinct", "axis_scan", "axis_shift", "group_reduce", "group_map", "group_size", "batch_reduce", "batch_size", "param", "state"]);

export function isMaterialised(node: Node): boolean {
  return MATERIALISED.has(node.op);
}

export function planKernels(module: IrModule): KernelPlan {
  const arenas = new Map<ArenaName, Slot[]>();
  const slot = (arena: ArenaName, type: Scalar): Slot => {
    let slots = arenas.get(arena);
    if (!slots) arenas.set(arena, (slots = []));
    const s = { arena, index: slots.length, type };
    slots.push(s);
    return s;
  };

  const system = {
    groupId: slot("rollout", "i32"),
    groupStart: slot("group", "i32"),
    groupSize: slot("group", "i32"),
    batchSize: slot("scalar", "i32"),
    elementStart: new Map<string, Slot>(),
    elementLength: new Map<string, Slot>(),
    rolloutOf: new Map<string, Slot>(),
  };
  for (const axis of module.axes) {
    system.elementStart.set(axis.name, slot("rollout", "i32"));
    system.elementLength.set(axis.name, slot("rollout", "i32"));
    system.rolloutOf.set(axis.name, slot(`element:${axis.name}`, "i32"));
  }
  const params = new Map(module.params.map((p) => [p.name, slot("scalar", p.type)]));
  const states = new Map(module.states.map((s) => [s.name, slot("scalar", s.type)]));

  const nodeSlots = new Map<number, Slot>();
  const batchTemps = new Map<number, { count: Slot; first: Slot; shift: Slot; mean: Slot }>();
  const distinctTables = new Map<string, Slot>();
  const stage: number[] = [];
  const byStage = new Map<number, Node[]>();
  for (const node of module.nodes) {
    const argStage = Math.max(0, ...node.args.map((a) => stage[a]!));
    const materialisedHere = isMaterialised(node) && !["input", "param", "state", "group_size", "batch_size"].includes(node.op);
    stage[node.id] = materialisedHere ? argStage + 1 : argStage;
    switch (node.op) {
      case "input": {
        const level = node.level;
        nodeSlots.set(node.id, slot(level.kind === "element" ? `element:${level.axis}` : "rollout", node.type));
        break;
      }
      case "param":
        nodeSlots.set(node.id, params.get(node.name) ?? fail(`param \`${node.name}\` is not declared`));
        break;
      case "state":
        nodeSlots.set(node.id, states.get(node.name) ?? fail(`state \`${node.name}\` is not declared`));
        break;
      case "group_size":
        nodeSlots.set(node.id, system.groupSize);
        break;
      case "batch_size":
        nodeSlots.set(node.id, system.batchSize);
        break;
      case "axis_at":
        nodeSlots.set(node.id, slot(node.level.kind === "element" ? `element:${node.level.axis}` : "rollout", node.type));
        break;
      case "axis_distinct":
        nodeSlots.set(node.id, slot("rollout", node.type));
        if (!distinctTables.has(node.axis)) {
          distinctTables.set(node.axis, slot(`scratch:${node.axis}`, "i32"));
          slot(`scratch:${node.axis}`, "i32");
        }
        break;
      case "axis_reduce":
      case "group_map":
        nodeSlots.set(node.id, slot("rollout", node.type));
        break;
      case "axis_scan":
      case "axis_shift":
        nodeSlots.set(node.id, slot(`element:${node.axis}`, node.type));
        break;
      case "group_reduce":
        nodeSlots.set(node.id, slot("group", node.type));
        break;
      case "batch_reduce":
        nodeSlots.set(node.id, slot("scalar", node.type));
        batchTemps.set(node.id, { count: slot("scalar", "i32"), first: slot("scalar", "i32"), shift: slot("scalar", "f32"), mean: slot("scalar", "f32") });
        break;
    }
    if (materialisedHere) {
      const list = byStage.get(stage[node.id]!) ?? [];
      list.push(node);
      byStage.set(stage[node.id]!, list);
    }
  }

  const phases: Phase[] = [];
  const stages = Math.max(0, ...byStage.keys());
  for (let s = 1; s <= stages; s++) {
    const nodes = byStage.get(s) ?? [];
    for (const axis of module.axes) {
      const onAxis = nodes.filter((n) => (n.op === "axis_reduce" || n.op === "axis_at" || n.op === "axis_scan" || n.op === "axis_shift") && loopAxis(n) === axis.name);
      if (onAxis.length > 0) phases.push({ kind: "axis", stage: s, axis: axis.name, nodes: onAxis.map((n) => n.id) });
    }
    for (const n of nodes) if (n.op === "axis_distinct") phases.push({ kind: "distinct", stage: s, node: n.id });
    const groupNodes = nodes.filter((n) => n.op === "group_reduce" || n.op === "group_map");
    if (groupNodes.length > 0) phases.push({ kind: "group", stage: s, nodes: groupNodes.map((n) => n.id) });
    for (const n of nodes) if (n.op === "batch_reduce") phases.push({ kind: "batch", stage: s, node: n.id });
  }

  const rolloutOutputs: { name: string; node: number; slot: Slot }[] = [];
  const elementOutputs = new Map<string, { name: string; node: number; slot: Slot }[]>();
  for (const o of module.outputs) {
    const node = module.nodes[o.node]!;
    if (node.level.kind === "element") {
      const list = elementOutputs.get(node.level.axis) ?? [];
      list.push({ name: o.name, node: o.node, slot: slot(`eout:${node.level.axis}`, node.type) });
      elementOutputs.set(node.level.axis, list);
    } else rolloutOutputs.push({ name: o.name, node: o.node, slot: slot("out", node.type) });
  }
  if (rolloutOutputs.length > 0) phases.push({ kind: "output", outputs: rolloutOutputs });
  for (const [axis, outputs] of elementOutputs) phases.push({ kind: "element-output", axis, outputs });

  return { nodeSlots, arenas, system, params, states, distinctTables, batchTemps, phases, stages };
}

/** The axis an axis kernel loops over for a node: a gather loops over its index's axis. */
function loopAxis(node: Node & { axis: string }): string {
  return node.op === "axis_at" && node.level.kind === "element" ? node.level.axis : node.axis;
}

function fail(message: string): never {
  throw new InternalError(message);
}
