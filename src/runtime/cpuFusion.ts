/**
 * Fusion of element-wise nodes for the CPU backend: one generated loop per chain instead of one typed array
 * per node.
 *
 * A chain ends at a materialised node (a root, or a node read by anything other than one element-wise node
 * of its own level) and takes in every element-wise node of that level that only it reads. The loop computes
 * each member as a local, rounded exactly as the interpreter's typed-array store rounds it (Math.fround for
 * f32, ToInt32 for i32, ToUint8 for bool), with the operand conversions, int semantics (imul, wrap, x / 0,
 * truncated remainder) and built-ins of `compiler/columnOps.ts` and `compiler/builtins.ts`; so a chain's
 * result has the interpreter's bits. Coarser arguments (uniform, group, rollout) are read by index inside
 * the loop instead of being expanded to arrays first.
 *
 * Plans are built once per module (WeakMap) and generated functions once per source text.
 */
import { roots, type IrModule, type Node, type Scalar } from "../compiler/ir.js";
import { ELEMENTWISE_BY_NAME } from "../compiler/builtins.js";
import { binaryOperandType, toI32 } from "../compiler/columnOps.js";
import { InternalError } from "../diagnostics/diagnostic.js";

/** 0 uniform, 1 group, 2 rollout, 3 element (of the chain's own axis: element-wise nodes never mix axes). */
export type LevelClass = 0 | 1 | 2 | 3;

export interface Chain {
  /** The materialised node the chain computes. */
  root: number;
  /** Nodes the chain reads (computed elsewhere), in the order the kernel takes them. */
  leaves: number[];
  /** Level class of the chain (1..3). */
  cls: LevelClass;
  /** Axis of an element-level chain. */
  axis: string | null;
  /**
   * kernel(out, leafColumns, n, groupIds, offsets, size, builtins, toI32): fills out[0..n).
   * groupIds/offsets are only read when some leaf is coarser than the chain.
   */
  kernel: (...args: unknown[]) => void;
  builtins: ((...a: number[]) => number)[];
}

export interface FusionPlan {
  /** Chain by root node id. */
  chains: Map<number, Chain>;
  /** Nodes computed inside a chain and never materialised. */
  internal: Uint8Array;
}

const ELEMENTWISE = new Set<string>(["unary", "binary", "math", "cast", "select"]);

function classOf(node: Node): LevelClass {
  switch (node.level.kind) {
    case "const":
    case "param":
    case "batch":
      return 0;
    case "group":
      return 1;
    case "rollout":
      return 2;
    case "element":
      return 3;
  }
}

function levelKey(node: Node): string {
  return node.level.kind === "element" ? `e:${node.level.axis}` : classOf(node) === 0 ? "u" : node.level.kind;
}

const plans = new WeakMap<IrModule, FusionPlan>();
const kernels = new Map<string, (...args: unknown[]) => void>();

export function fusionPlan(module: IrModule): FusionPlan {
  let plan = plans.get(module);
  if (plan === undefined) {
    plan = buildPlan(module);
    plans.set(module, plan);
  }
  return plan;
}

function buildPlan(module: IrModule): FusionPlan {
  const nodes = module.nodes;
  const n = nodes.length;
  const isRoot = new Uint8Array(n);
  const needed = new Uint8Array(n);
  for (const id of roots(module)) {
    if (id >= 0 && id < n) isRoot[id] = needed[id] = 1;
  }
  for (let i = n - 1; i >= 0; i--) {
    if (needed[i] === 0) continue;
    for (const a of nodes[i]!.args) if (a >= 0 && a < i) needed[a] = 1;
  }
  // The one consumer of each node (-1: none, -2: several).
  const consumer = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (needed[i] === 0) continue;
    for (const a of nodes[i]!.args) {
      if (!(a >= 0 && a < i)) continue; // the interpreter reports it
      consumer[a] = consumer[a] === -1 || consumer[a] === i ? i : -2;
    }
  }
  const fusable = (node: Node): boolean => ELEMENTWISE.has(node.op) && classOf(node) !== 0;
  const internal = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    if (needed[i] === 0 || isRoot[i] === 1 || !fusable(node) || node.id !== i) continue;
    const c = consumer[i]!;
    if (c < 0) continue;
    const user = nodes[c]!;
    if (fusable(user) && levelKey(user) === levelKey(node)) internal[i] = 1;
  }
  const chains = new Map<number, Chain>();
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    if (needed[i] === 0 || internal[i] === 1 || !fusable(node) || node.id !== i) continue;
    const chain = buildChain(nodes, internal, i);
    // A malformed node: leave the whole module to the interpreter, which reports it.
    if (chain === null) return { chains: new Map(), internal: new Uint8Array(n) };
    chains.set(i, chain);
  }
  return { chains, internal };
}

const STORE: Record<Scalar, (x: string) => string> = {
  f32: (x) => `fr(${x})`,
  i32: (x) => `((${x}) | 0)`,
  bool: (x) => `((${x}) & 255)`,
};

/** `x` (a value of type `from`) converted as `convertColumn` converts it. */
function convert(x: string, from: Scalar, to: Scalar): string {
  if (from === to) return x;
  if (to === "f32") return `fr(${x})`;
  if (to === "i32") return from === "bool" ? x : `toI32(${x})`;
  return `(${x} !== 0 ? 1 : 0)`;
}

function buildChain(nodes: Node[], internal: Uint8Array, root: number): Chain | null {
  const rootNode = nodes[root]!;
  const cls = classOf(rootNode);
  const axis = rootNode.level.kind === "element" ? rootNode.level.axis : null;
  // Members in topological order (ids ascending), found from the root through internal arguments.
  const members = new Set<number>([root]);
  const stack = [root];
  const leaves: number[] = [];
  const leafIndex = new Map<number, number>();
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const a of nodes[id]!.args) {
      if (internal[a] === 1) {
        if (!members.has(a)) {
          members.add(a);
          stack.push(a);
        }
      } else if (!leafIndex.has(a)) {
        leafIndex.set(a, leaves.length);
        leaves.push(a);
      }
    }
  }
  const order = [...members].sort((x, y) => x - y);
  const builtins: ((...a: number[]) => number)[] = [];
  const builtinIndex = new Map<string, number>();
  const ref = (id: number, type: Scalar): string => convert(internal[id] === 1 ? `v${id}` : `l${leafIndex.get(id)!}`, nodes[id]!.type, type);
  const body: string[] = [];
  for (const id of order) {
    const node = nodes[id]!;
    const expr = memberExpression(node, nodes, ref, (fn) => {
      let k = builtinIndex.get(fn);
      if (k === undefined) {
        const b = ELEMENTWISE_BY_NAME.get(fn);
        if (b === undefined) throw new InternalError(`unknown built-in \`${fn}\``);
        k = builtins.length;
        builtins.push(b.cpu);
        builtinIndex.set(fn, k);
      }
      return `b${k}`;
    });
    if (expr === null) return null;
    body.push(`const v${id} = ${STORE[node.type](expr)};`);
  }
  body.push(`out[i] = v${root};`);

  const leafClass = leaves.map((id) => classOf(nodes[id]!));
  for (const [k, c] of leafClass.entries()) if (c > cls) throw new InternalError(`node ${root} reads node ${leaves[k]} of a finer level`);
  const header: string[] = ["const fr = Math.fround;"];
  builtins.forEach((_, k) => header.push(`const b${k} = builtins[${k}];`));
  leaves.forEach((_, k) => header.push(`const L${k} = leafColumns[${k}];`));
  leafClass.forEach((c, k) => {
    if (c === 0) header.push(`const l${k} = L${k}[0];`);
  });
  const load = (c: LevelClass, index: string): string[] => leafClass.flatMap((lc, k) => (lc === c ? [`const l${k} = L${k}[${index}];`] : []));
  const inner = [...load(cls, "i"), ...body];
  let loop: string;
  if (cls === 3 && leafClass.some((c) => c === 1 || c === 2)) {
    const perRollout = [...(leafClass.includes(1) ? ["const g = groupIds[r];", ...load(1, "g")] : []), ...load(2, "r")];
    loop = `for (let r = 0; r < size; r++) {\n${perRollout.join("\n")}\nfor (let i = offsets[r], end = offsets[r + 1]; i < end; i++) {\n${inner.join("\n")}\n}\n}`;
  } else if (cls === 2 && leafClass.includes(1)) {
    loop = `for (let i = 0; i < n; i++) {\nconst g = groupIds[i];\n${load(1, "g").join("\n")}\n${inner.join("\n")}\n}`;
  } else {
    loop = `for (let i = 0; i < n; i++) {\n${inner.join("\n")}\n}`;
  }
  const source = `${header.join("\n")}\n${loop}`;
  let kernel = kernels.get(source);
  if (kernel === undefined) {
    kernel = new Function("out", "leafColumns", "n", "groupIds", "offsets", "size", "builtins", "toI32", source) as (...args: unknown[]) => void;
    kernels.set(source, kernel);
  }
  return { root, leaves, cls, axis, kernel, builtins };
}

/** The expression computing `node` from its (converted) operands, before the store's rounding; null if not fusable. */
function memberExpression(node: Node, nodes: Node[], ref: (id: number, type: Scalar) => string, builtin: (fn: string) => string): string | null {
  switch (node.op) {
    case "unary":
      if (node.args.length !== 1) return null;
      return node.fn === "not" ? `(${ref(node.args[0]!, "bool")} === 0 ? 1 : 0)` : `(-${ref(node.args[0]!, node.type)})`;
    case "binary": {
      if (node.args.length !== 2) return null;
      const opType = binaryOperandType(node.fn, node.type, node.args.map((a) => nodes[a]!.type));
      const a = ref(node.args[0]!, opType);
      const b = ref(node.args[1]!, opType);
      switch (node.fn) {
        case "add":
          return `(${a} + ${b})`;
        case "sub":
          return `(${a} - ${b})`;
        case "mul":
          return opType === "i32" ? `Math.imul(${a}, ${b})` : `${a} * ${b}`;
        case "div":
          return opType === "i32" ? `(${b} === 0 ? ${a} : ${a} / ${b})` : `${a} / ${b}`;
        case "mod":
          return `(${a} % ${b})`;
        case "pow":
          return `Math.pow(${a}, ${b})`;
        case "eq":
          return `(${a} === ${b} ? 1 : 0)`;
        case "ne":
          return `(${a} !== ${b} ? 1 : 0)`;
        case "lt":
          return `(${a} < ${b} ? 1 : 0)`;
        case "le":
          return `(${a} <= ${b} ? 1 : 0)`;
        case "gt":
          return `(${a} > ${b} ? 1 : 0)`;
        case "ge":
          return `(${a} >= ${b} ? 1 : 0)`;
        case "and":
          return `(${a} & ${b})`;
        case "or":
          return `(${a} | ${b})`;
      }
      return null;
    }
    case "math": {
      const b = ELEMENTWISE_BY_NAME.get(node.fn);
      if (b === undefined || node.args.length !== b.params.length) return null;
      const argTypes = node.args.map((a) => nodes[a]!.type);
      let numType: Scalar = "i32";
      if (b.result === "num" && node.type !== "bool") numType = node.type;
      else b.params.forEach((p, k) => {
        if (p === "num" && argTypes[k] === "f32") numType = "f32";
      });
      const args = b.params.map((p, k) => ref(node.args[k]!, p === "float" ? "f32" : p === "bool" ? "bool" : numType));
      return `${builtin(node.fn)}(${args.join(", ")})`;
    }
    case "cast":
      if (node.args.length !== 1) return null;
      return ref(node.args[0]!, node.type);
    case "select":
      if (node.args.length !== 3) return null;
      return `(${ref(node.args[0]!, "bool")} !== 0 ? ${ref(node.args[1]!, node.type)} : ${ref(node.args[2]!, node.type)})`;
  }
  return null;
}
