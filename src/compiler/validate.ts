/**
 * Checks a module against the invariants listed at the top of ir.ts, and everything a backend relies on without
 * checking it again: known ops and functions, argument counts and the types that matter, declared names and axes,
 * roots at the levels their consumers read them at. For a module the compiler just built, a violation is a compiler
 * bug; an artifact read from disk can be damaged or hand-edited, so this must hold for any JSON value: it never
 * throws, and returns messages (empty when the module is valid) for tests, `--dump` and `rewardc run` to show.
 */
import { OUTPUT_NAMES } from "../parser/ast.js";
import { ELEMENTWISE_BY_NAME, STRUCTURED_BUILTINS, reductionType } from "./builtins.js";
import { FEATURE_TYPES, regexError } from "./text.js";
import { INT32_MAX, INT32_MIN, LEVEL_RANK, isUniform, levelName, sameLevel, type BinaryFn, type IrModule, type Level, type Node, type Op, type Scalar, type UnaryFn } from "./ir.js";

export function validateIr(module: IrModule): string[] {
  const problems: string[] = [];
  if (!hasModuleFields(module, problems)) return problems;
  const axes = checkAxes(module, problems);
  checkDeclarations(module, axes, problems);
  checkTexts(module, problems);
  if (!nodesAreWellFormed(module, axes, problems)) return dedupe(problems);
  for (const node of module.nodes) {
    const fail = (message: string): void => {
      problems.push(`node ${node.id} (${node.op}): ${message}`);
    };
    checkArgumentLevels(node, module, fail);
    const rule = OP_RULES[node.op] as Rule<Op["op"]>;
    rule(node, { module, axes, fail, arg: (i) => module.nodes[node.args[i]!]! });
  }
  if (module.spans.length !== module.nodes.length) problems.push(`span table has ${module.spans.length} entries for ${module.nodes.length} nodes`);
  checkRoots(module, problems);
  return dedupe(problems);
}

// ---------------------------------------------------------------- the module's shape and declarations

const ARRAY_FIELDS = ["axes", "inputs", "params", "states", "nodes", "spans", "outputs", "metrics"] as const;

function hasModuleFields(module: unknown, problems: string[]): module is IrModule {
  if (!isRecord(module)) {
    problems.push("the module is not an object");
    return false;
  }
  if (typeof module.name !== "string") problems.push("the module has no `name`");
  if (module.groupKey !== null && typeof module.groupKey !== "string") problems.push("`groupKey` must be a string or null");
  for (const field of ARRAY_FIELDS) if (!Array.isArray(module[field])) problems.push(`the module has no \`${field}\` array`);
  return problems.length === 0;
}

/** The names of the module's axes; checks each axis on the way. */
function checkAxes(module: IrModule, problems: string[]): Set<string> {
  const axes = new Set<string>();
  module.axes.forEach((axis: unknown, i) => {
    if (!isRecord(axis) || typeof axis.name !== "string" || (axis.kind !== "ragged" && axis.kind !== "fixed")) {
      problems.push(`axis ${i}: needs a name and a kind (ragged or fixed)`);
      return;
    }
    if (axis.kind === "fixed" && !(Number.isInteger(axis.width) && (axis.width as number) >= 1)) problems.push(`axis \`${axis.name}\`: a fixed axis needs a positive integer width`);
    if (axes.has(axis.name)) problems.push(`axis \`${axis.name}\` is declared twice`);
    axes.add(axis.name);
  });
  return axes;
}

function checkDeclarations(module: IrModule, axes: ReadonlySet<string>, problems: string[]): void {
  const declarations = [
    ["input", module.inputs],
    ["param", module.params],
    ["state", module.states],
  ] as const;
  for (const [kind, list] of declarations) {
    const names = new Set<string>();
    list.forEach((decl: unknown, i) => {
      if (!isRecord(decl) || typeof decl.name !== "string") {
        problems.push(`${kind} ${i}: needs a name`);
        return;
      }
      const what = `${kind} \`${decl.name}\``;
      if (names.has(decl.name)) problems.push(`${what} is declared twice`);
      names.add(decl.name);
      if (!isScalar(decl.type)) {
        problems.push(`${what}: unknown type ${describe(decl.type)}`);
        return;
      }
      if (kind === "input" && decl.axis !== null && !(typeof decl.axis === "string" && axes.has(decl.axis))) problems.push(`${what}: axis ${describe(decl.axis)} is not declared`);
      if (kind !== "state" && !isRange(decl.range)) problems.push(`${what}: a range is null or [lo, hi] with lo <= hi`);
      if (kind === "param" && !fitsType(decl.default, decl.type)) problems.push(`${what}: default ${describe(decl.default)} is not ${article(decl.type)}`);
      if (kind === "state") {
        if (!fitsType(decl.initial, decl.type)) problems.push(`${what}: initial value ${describe(decl.initial)} is not ${article(decl.type)}`);
        if (decl.update !== null && !isNodeId(decl.update, module)) problems.push(`${what}: update ${describe(decl.update)} is not a node`);
      }
    });
  }
}

/** `texts` and the features of derived inputs: what the host evaluates before any kernel runs. */
function checkTexts(module: IrModule, problems: string[]): void {
  const texts = new Set<string>();
  const declared: unknown = module.texts;
  if (declared !== undefined && !Array.isArray(declared)) problems.push("`texts` must be an array");
  for (const [i, text] of (Array.isArray(declared) ? declared : []).entries()) {
    if (!isRecord(text) || typeof text.name !== "string") {
      problems.push(`text input ${i}: needs a name`);
      continue;
    }
    if (texts.has(text.name)) problems.push(`text input \`${text.name}\` is declared twice`);
    if (module.inputs.some((input: unknown) => isRecord(input) && input.name === text.name)) problems.push(`\`${text.name}\` is declared both as a text input and as an input`);
    texts.add(text.name);
  }
  for (const input of module.inputs as unknown[]) {
    if (!isRecord(input) || input.feature === undefined) continue;
    const what = `derived input ${describe(input.name)}`;
    const feature = input.feature;
    if (!isRecord(feature) || typeof feature.fn !== "string" || !Object.hasOwn(FEATURE_TYPES, feature.fn)) {
      problems.push(`${what}: unknown feature ${describe(isRecord(feature) ? feature.fn : feature)}`);
      continue;
    }
    const fn = feature.fn as keyof typeof FEATURE_TYPES;
    if (input.type !== FEATURE_TYPES[fn]) problems.push(`${what}: \`${fn}\` is ${article(FEATURE_TYPES[fn])}, not ${describe(input.type)}`);
    if (input.axis !== null || input.range !== null) problems.push(`${what}: a derived input is one value per rollout, with no axis and no range`);
    const strings = fn === "equals" ? [feature.left, feature.right] : [feature.arg];
    for (const e of strings) checkTextExpr(e, texts, (message) => problems.push(`${what}: ${message}`));
    if (fn === "matches" || fn === "count_matches") {
      if (typeof feature.pattern !== "string" || typeof feature.flags !== "string") problems.push(`${what}: needs a string \`pattern\` and \`flags\``);
      else {
        const invalid = regexError(feature.pattern, feature.flags);
        if (invalid) problems.push(`${what}: ${invalid}`);
      }
    }
    if (fn === "count" && typeof feature.needle !== "string") problems.push(`${what}: needs a string \`needle\``);
  }
}

function checkTextExpr(e: unknown, texts: ReadonlySet<string>, fail: (message: string) => void): void {
  if (!isRecord(e)) return fail(`${describe(e)} is not a string expression`);
  switch (e.kind) {
    case "input":
      if (typeof e.name !== "string" || !texts.has(e.name)) fail(`reads ${describe(e.name)}, which is not a text input`);
      return;
    case "literal":
      if (typeof e.value !== "string") fail(`literal ${describe(e.value)} is not a string`);
      return;
    case "call":
      if (e.fn !== "boxed" && e.fn !== "trim" && e.fn !== "lower") return fail(`unknown string function ${describe(e.fn)}`);
      return checkTextExpr(e.arg, texts, fail);
    default:
      return fail(`unknown string expression ${describe(e.kind)}`);
  }
}

// ---------------------------------------------------------------- nodes

/** Invariants 1-3 of ir.ts and the fields every node has; the per-op rules read arguments only after these hold. */
function nodesAreWellFormed(module: IrModule, axes: ReadonlySet<string>, problems: string[]): boolean {
  const before = problems.length;
  module.nodes.forEach((node: unknown, index) => {
    const fail = (message: string): void => {
      problems.push(`node ${index}: ${message}`);
    };
    if (!isRecord(node)) return fail("not an object");
    if (node.id !== index) fail(`id ${describe(node.id)} at index ${index}`);
    if (typeof node.op !== "string" || !Object.hasOwn(OP_RULES, node.op)) fail(`unknown op ${describe(node.op)}`);
    if (!isScalar(node.type)) fail(`unknown type ${describe(node.type)}`);
    if (!isLevel(node.level)) fail(`invalid level ${describe(node.level)}`);
    else if (node.level.kind === "element" && !axes.has(node.level.axis)) fail(`unknown axis \`${node.level.axis}\``);
    if (!Array.isArray(node.args)) return fail("no argument list");
    for (const a of node.args) if (!(Number.isInteger(a) && a >= 0 && a < index)) fail(`argument ${describe(a)} is not before it`);
  });
  return problems.length === before;
}

/** An element-wise op reads its arguments at its own level, broadcasting coarser ones; only reductions go down. */
function checkArgumentLevels(node: Node, module: IrModule, fail: (message: string) => void): void {
  if (READS_FINER_ARGUMENTS.has(node.op)) return;
  for (const a of node.args) {
    const level = module.nodes[a]!.level;
    if (!readableAt(level, node.level)) fail(`reads argument ${a} (${levelName(level)}) at level ${levelName(node.level)}`);
  }
}

const READS_FINER_ARGUMENTS = new Set<Op["op"]>(["axis_reduce", "axis_at", "axis_distinct", "group_reduce", "batch_reduce"]);

interface RuleContext {
  module: IrModule;
  axes: ReadonlySet<string>;
  fail: (message: string) => void;
  /** The node's i-th argument (present once `argumentCount` has passed). */
  arg: (i: number) => Node;
}

type Rule<K extends Op["op"]> = (node: Extract<Node, { op: K }>, context: RuleContext) => void;

/** What each op needs beyond the common fields; a new op without a rule does not compile. */
const OP_RULES: { [K in Op["op"]]: Rule<K> } = {
  const(node, { fail }) {
    argumentCount(node, 0, fail);
    if (node.level.kind !== "const") fail("constants are const level");
    if (!fitsType(node.value, node.type)) fail(`value ${describe(node.value)} is not ${article(node.type)}`);
  },
  input(node, { module, fail }) {
    argumentCount(node, 0, fail);
    const decl = declared(module.inputs, node.name);
    if (!decl) return fail(`input ${describe(node.name)} is not declared`);
    const level: Level = decl.axis === null ? { kind: "rollout" } : { kind: "element", axis: decl.axis };
    if (node.type !== decl.type || !sameLevel(node.level, level)) fail(`input \`${decl.name}\` is declared ${decl.type} ${levelName(level)}`);
  },
  param(node, { module, fail }) {
    argumentCount(node, 0, fail);
    const decl = declared(module.params, node.name);
    if (!decl) return fail(`param ${describe(node.name)} is not declared`);
    if (node.type !== decl.type || node.level.kind !== "param") fail(`param \`${decl.name}\` is declared ${decl.type}, at param level`);
  },
  state(node, { module, fail }) {
    argumentCount(node, 0, fail);
    const decl = declared(module.states, node.name);
    if (!decl) return fail(`state ${describe(node.name)} is not declared`);
    if (node.type !== decl.type || node.level.kind !== "batch") fail(`state \`${decl.name}\` is declared ${decl.type}, at batch level`);
  },
  unary(node, { fail, arg }) {
    if (!known(UNARY_FNS, node.fn, fail) || !argumentCount(node, 1, fail)) return;
    if (node.fn === "not" && (node.type !== "bool" || arg(0).type !== "bool")) fail("`not` takes and gives a bool");
    if (node.fn === "neg" && (node.type === "bool" || arg(0).type !== node.type)) fail("`neg` takes and gives a number of one type");
  },
  binary(node, { fail, arg }) {
    if (!known(BINARY_FNS, node.fn, fail) || !argumentCount(node, 2, fail)) return;
    const kind = BINARY_FNS[node.fn];
    if (kind === "logic" && (node.type !== "bool" || arg(0).type !== "bool" || arg(1).type !== "bool")) fail(`\`${node.fn}\` takes and gives bools`);
    if (kind === "comparison" && node.type !== "bool") fail(`\`${node.fn}\` gives a bool`);
    if (kind === "arithmetic" && node.type === "bool") fail(`\`${node.fn}\` gives a number`);
  },
  math(node, { fail }) {
    const def = typeof node.fn === "string" ? ELEMENTWISE_BY_NAME.get(node.fn) : undefined;
    if (!def) return fail(`unknown function ${describe(node.fn)}`);
    if (!argumentCount(node, def.params.length, fail)) return;
    const ok = def.result === "float" ? node.type === "f32" : def.result === "bool" ? node.type === "bool" : node.type !== "bool";
    if (!ok) fail(`\`${def.name}\` does not give ${article(node.type)}`);
  },
  cast(node, { fail }) {
    argumentCount(node, 1, fail);
  },
  select(node, { fail, arg }) {
    if (!argumentCount(node, 3, fail)) return;
    if (arg(0).type !== "bool") fail("the condition must be a bool");
    if (arg(1).type !== node.type || arg(2).type !== node.type) fail(`both branches must be ${article(node.type)}`);
  },
  axis_reduce(node, context) {
    const { fail, arg } = context;
    if (!known(AXIS_REDUCE_FNS, node.fn, fail) || !knownAxis(node.axis, context) || !maskedArgumentCount(node, fail) || !validDdof(node.ddof, fail)) return;
    if (node.level.kind !== "rollout") fail("must be rollout level");
    if (!sameLevel(arg(0).level, { kind: "element", axis: node.axis })) fail(`reduces a value that is not along \`${node.axis}\``);
    reductionTypes(node, arg(0).type, fail);
    if (node.masked) mask(arg(1), { kind: "element", axis: node.axis }, fail);
  },
  axis_scan(node, context) {
    const { fail, arg } = context;
    if (!known(SCAN_FNS, node.fn, fail) || !knownAxis(node.axis, context)) return;
    const discounted = node.fn === "prefix_sum" || node.fn === "suffix_sum";
    if (!argumentCount(node, discounted ? [1, 2] : [1, 1], fail)) return;
    atAxisElements(node, node.axis, fail);
    if (!sameLevel(arg(0).level, node.level)) fail(`scans a value that is not along \`${node.axis}\``);
    const extremum = !discounted && node.fn !== "softmax";
    if (node.type !== (extremum ? arg(0).type : "f32")) fail(`\`${node.fn}\` does not give ${article(node.type)}`);
    if (node.args.length === 2 && arg(1).level.kind === "element" && !sameLevel(arg(1).level, node.level)) fail("the discount must be per rollout, or per element of the same axis");
  },
  axis_shift(node, context) {
    const { fail, arg } = context;
    if (!known(SHIFT_DIRECTIONS, node.dir, fail, "direction") || !knownAxis(node.axis, context) || !argumentCount(node, 2, fail)) return;
    atAxisElements(node, node.axis, fail);
    if (!sameLevel(arg(0).level, node.level)) fail(`shifts a value that is not along \`${node.axis}\``);
    if (arg(0).type !== node.type || arg(1).type !== node.type) fail(`the value and the fallback must be ${article(node.type)}`);
  },
  axis_index(node, context) {
    if (!knownAxis(node.axis, context)) return;
    argumentCount(node, 0, context.fail);
    atAxisElements(node, node.axis, context.fail);
    if (node.type !== "i32") context.fail("a position is an int");
  },
  axis_at(node, context) {
    const { fail, arg } = context;
    if (!knownAxis(node.axis, context) || !argumentCount(node, 2, fail)) return;
    const gather = arg(1).level.kind === "element";
    if (gather ? !sameLevel(node.level, arg(1).level) : node.level.kind !== "rollout") fail("must be at its index's level: per rollout, or per element of the index's axis");
    if (!sameLevel(arg(0).level, { kind: "element", axis: node.axis })) fail(`indexes a value that is not along \`${node.axis}\``);
    if (arg(0).type !== node.type) fail(`gives ${article(arg(0).type)}, the type of its array`);
    if (arg(1).type !== "i32") fail("the index must be an int");
  },
  axis_distinct(node, context) {
    const { fail, arg } = context;
    if (!knownAxis(node.axis, context) || !argumentCount(node, 2, fail)) return;
    if (node.level.kind !== "rollout" || node.type !== "i32") fail("must be an int at rollout level");
    if (!sameLevel(arg(0).level, { kind: "element", axis: node.axis })) fail(`counts windows of a value that is not along \`${node.axis}\``);
    if (arg(0).type === "f32") fail("compares values exactly: ints or bools only");
    if (arg(1).type !== "i32" || !isUniform(arg(1).level) || arg(1).level.kind === "batch") fail("the window length must be a constant or param int");
  },
  group_reduce(node, { fail, arg }) {
    if (!known(REDUCE_FNS, node.fn, fail) || !maskedArgumentCount(node, fail) || !validDdof(node.ddof, fail)) return;
    if (node.level.kind !== "group") fail("must be group level");
    if (LEVEL_RANK[arg(0).level.kind] > LEVEL_RANK.rollout) fail("reduces a value finer than one per rollout");
    reductionTypes(node, arg(0).type, fail);
    if (node.masked) mask(arg(1), { kind: "rollout" }, fail);
  },
  group_map(node, { fail }) {
    if (!known(GROUP_MAP_FNS, node.fn, fail) || !argumentCount(node, 1, fail) || !validDdof(node.ddof, fail)) return;
    if (node.level.kind !== "rollout") fail("must be rollout level");
    const counts = node.fn === "rank" || node.fn === "count_eq";
    if (node.type !== (counts ? "i32" : "f32")) fail(`\`${node.fn}\` does not give ${article(node.type)}`);
  },
  group_size(node, { fail }) {
    argumentCount(node, 0, fail);
    if (node.level.kind !== "group" || node.type !== "i32") fail("must be an int at group level");
  },
  batch_size(node, { fail }) {
    argumentCount(node, 0, fail);
    if (node.level.kind !== "batch" || node.type !== "i32") fail("must be an int at batch level");
  },
  batch_reduce(node, { fail, arg }) {
    if (!known(REDUCE_FNS, node.fn, fail) || !maskedArgumentCount(node, fail) || !validDdof(node.ddof, fail)) return;
    if (node.level.kind !== "batch") fail("must be batch level");
    reductionTypes(node, arg(0).type, fail);
    if (!node.masked) return;
    // The mask and the values are read together at the finer of their two levels, so either may be the finer one.
    const [values, selection] = [arg(0).level, arg(1).level];
    if (arg(1).type !== "bool") fail("the mask must be a bool");
    if (!readableAt(values, selection) && !readableAt(selection, values)) fail(`the mask (${levelName(selection)}) and the values (${levelName(values)}) are along different axes`);
  },
};

// ---------------------------------------------------------------- roots

function checkRoots(module: IrModule, problems: string[]): void {
  const outputNames = new Set<string>();
  module.outputs.forEach((output: unknown, i) => {
    if (!isRecord(output) || typeof output.name !== "string" || !isNodeId(output.node, module)) {
      problems.push(`output ${i}: needs a name and a node`);
      return;
    }
    const what = `output \`${output.name}\``;
    if (!(OUTPUT_NAMES as readonly string[]).includes(output.name)) problems.push(`${what}: not one of ${OUTPUT_NAMES.join(", ")}`);
    if (outputNames.has(output.name)) problems.push(`${what} is defined twice`);
    outputNames.add(output.name);
    const node = module.nodes[output.node]!;
    if (node.level.kind === "element" && output.name !== "advantage") problems.push(`${what}: only \`advantage\` may be finer than one value per rollout`);
    const type: Scalar = output.name === "keep" ? "bool" : "f32";
    if (node.type !== type) problems.push(`${what}: must be ${article(type)}`);
  });
  if (!outputNames.has("reward")) problems.push("the module has no `reward` output");
  module.metrics.forEach((metric: unknown, i) => {
    if (!isRecord(metric) || typeof metric.name !== "string" || !isNodeId(metric.node, module)) {
      problems.push(`metric ${i}: needs a name and a node`);
      return;
    }
    if (!isUniform(module.nodes[metric.node]!.level)) problems.push(`metric \`${metric.name}\`: must be one value per batch`);
  });
  if (module.checks !== undefined) {
    if (!Array.isArray(module.checks)) problems.push("`checks` must be an array");
    else {
      module.checks.forEach((check: unknown, i) => {
        if (!isRecord(check) || typeof check.property !== "string" || !isNodeId(check.node, module)) problems.push(`check ${i}: needs a property and a node`);
        else if (check.role === "expect" && module.nodes[check.node as number]!.type !== "bool") problems.push(`check ${i} of property \`${check.property}\`: must be a bool`);
      });
    }
  }
  for (const state of module.states) {
    if (!isRecord(state) || state.update === null || !isNodeId(state.update, module)) continue;
    const node = module.nodes[state.update]!;
    if (!isUniform(node.level)) problems.push(`update of state \`${state.name}\`: must be one value per batch`);
    if (node.type !== state.type) problems.push(`update of state \`${state.name}\`: must be ${article(state.type)}`);
  }
}

// ---------------------------------------------------------------- the tables the rules check against

const UNARY_FNS: Record<UnaryFn, true> = { neg: true, not: true };

const BINARY_FNS: Record<BinaryFn, "arithmetic" | "comparison" | "logic"> = {
  add: "arithmetic",
  sub: "arithmetic",
  mul: "arithmetic",
  div: "arithmetic",
  mod: "arithmetic",
  pow: "arithmetic",
  eq: "comparison",
  ne: "comparison",
  lt: "comparison",
  le: "comparison",
  gt: "comparison",
  ge: "comparison",
  and: "logic",
  or: "logic",
};

const SHIFT_DIRECTIONS = { prev: true, next: true };

/** Function names by kind of structured built-in, from the one table of built-ins. */
function structuredFns(kind: string): Record<string, true> {
  const fns: Record<string, true> = {};
  for (const def of STRUCTURED_BUILTINS.values()) if (def.kind === kind && "fn" in def) fns[def.fn] = true;
  return fns;
}

const AXIS_REDUCE_FNS = structuredFns("axis_reduce");
const SCAN_FNS = structuredFns("axis_scan");
const REDUCE_FNS = structuredFns("group_reduce");
const GROUP_MAP_FNS = structuredFns("group_map");

/** Reductions that count or test conditions read bools. */
const READS_BOOLS = new Set(["count", "any", "all", "first_index"]);

// ---------------------------------------------------------------- rule helpers

function known(table: object, name: unknown, fail: (message: string) => void, what = "function"): boolean {
  if (typeof name === "string" && Object.hasOwn(table, name)) return true;
  fail(`unknown ${what} ${describe(name)}`);
  return false;
}

/** The declaration named `name`; entries that are not objects (reported by checkDeclarations) never match. */
function declared<T extends { name: string }>(list: readonly T[], name: unknown): T | undefined {
  return list.find((decl) => isRecord(decl) && decl.name === name);
}

function knownAxis(axis: unknown, { axes, fail }: RuleContext): boolean {
  if (typeof axis === "string" && axes.has(axis)) return true;
  fail(`unknown axis ${describe(axis)}`);
  return false;
}

/** `count` arguments exactly, or a [min, max] range of them. */
function argumentCount(node: Node, count: number | [number, number], fail: (message: string) => void): boolean {
  const [min, max] = typeof count === "number" ? [count, count] : count;
  if (node.args.length >= min && node.args.length <= max) return true;
  fail(`takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? "" : "s"}, has ${node.args.length}`);
  return false;
}

/** Reductions take the values, then the mask when `masked`. */
function maskedArgumentCount(node: Node & { masked: unknown }, fail: (message: string) => void): boolean {
  if (typeof node.masked !== "boolean") {
    fail("`masked` must be true or false");
    return false;
  }
  return argumentCount(node, node.masked ? 2 : 1, fail);
}

function validDdof(ddof: unknown, fail: (message: string) => void): boolean {
  if (ddof === 0 || ddof === 1) return true;
  fail(`ddof ${describe(ddof)} is neither 0 (population) nor 1 (unbiased)`);
  return false;
}

function reductionTypes(node: Node & { fn: string }, input: Scalar, fail: (message: string) => void): void {
  if (READS_BOOLS.has(node.fn) && input !== "bool") fail(`\`${node.fn}\` reads bools`);
  if (node.type !== reductionType(node.fn, input)) fail(`\`${node.fn}\` of ${article(input)} does not give ${article(node.type)}`);
}

/** A mask is a bool read at the level of the values it selects: it may be coarser, never finer nor along another axis. */
function mask(node: Node, values: Level, fail: (message: string) => void): void {
  if (node.type !== "bool") fail("the mask must be a bool");
  if (!readableAt(node.level, values)) fail(`the mask (${levelName(node.level)}) is finer than the values (${levelName(values)})`);
}

function atAxisElements(node: Node, axis: string, fail: (message: string) => void): void {
  if (!sameLevel(node.level, { kind: "element", axis })) fail("must be at its axis's element level");
}

// ---------------------------------------------------------------- values

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): v is Scalar {
  return v === "f32" || v === "i32" || v === "bool";
}

function isLevel(v: unknown): v is Level {
  if (!isRecord(v) || typeof v.kind !== "string" || !Object.hasOwn(LEVEL_RANK, v.kind)) return false;
  return v.kind !== "element" || typeof v.axis === "string";
}

function isRange(v: unknown): boolean {
  return v === null || (Array.isArray(v) && v.length === 2 && typeof v[0] === "number" && typeof v[1] === "number" && v[0] <= v[1]);
}

function isNodeId(v: unknown, module: IrModule): v is number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) < module.nodes.length;
}

/** Whether a number is a value of `type`: any float (NaN and infinities included), an int32, or 0/1. */
function fitsType(v: unknown, type: Scalar): boolean {
  if (typeof v !== "number") return false;
  if (type === "f32") return true;
  if (type === "bool") return v === 0 || v === 1;
  return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
}

/** Whether a value at `from` can be read element-wise at `at`: coarser values broadcast, axes never mix. */
function readableAt(from: Level, at: Level): boolean {
  if (from.kind === "element" && at.kind === "element") return from.axis === at.axis;
  return LEVEL_RANK[from.kind] <= LEVEL_RANK[at.kind];
}

function article(type: Scalar): string {
  return type === "f32" ? "a float" : type === "i32" ? "an int" : "a bool";
}

/** A short rendering of any JSON value for messages. */
function describe(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function dedupe(problems: string[]): string[] {
  return [...new Set(problems)];
}
