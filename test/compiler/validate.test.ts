/**
 * validateIr as the gate for artifacts read from disk: it names what is wrong with a damaged module, never
 * throws on any JSON, and what it accepts the CPU backend runs without an internal error.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../src/compiler/compile.js";
import type { IrModule } from "../../src/compiler/ir.js";
import { validateIr } from "../../src/compiler/validate.js";
import { InternalError } from "../../src/diagnostics/diagnostic.js";
import { runCpu } from "../../src/runtime/cpu.js";
import { parseJsonl } from "../../src/runtime/jsonl.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { resolveParams } from "../../src/runtime/session.js";

const root = join(import.meta.dirname, "../..");
const EXAMPLES = ["grpo_lambda", "process_delta", "lagrange_state", "rm_ensemble", "dapo_overlong", "format_tags", "math_boxed"];

function example(name: string): { module: IrModule; rows: unknown[] } {
  const file = join("examples", `${name}.reward`);
  const module = compileSource(file, readFileSync(join(root, file), "utf8")).module!;
  const parsed = parseJsonl(readFileSync(join(root, "examples/data", `${name}.jsonl`), "utf8"));
  if ("errors" in parsed) throw new Error("bad example data");
  return { module, rows: parsed.rows };
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A compiled module edited by `damage`, as a hand-edited artifact would be. */
function damaged(damage: (m: IrModule & Record<string, unknown>) => void, name = "grpo_lambda"): string[] {
  const module = copy(example(name).module) as IrModule & Record<string, unknown>;
  damage(module);
  return validateIr(module);
}

/** The feature of the first derived input computing `fn`, to edit in place. */
const featureOf = (m: IrModule, fn: string): Record<string, unknown> => {
  const input = m.inputs.find((i) => i.feature?.fn === fn);
  if (!input) throw new Error(`no ${fn} feature in the example`);
  return input.feature as unknown as Record<string, unknown>;
};

const nodeWhere = (m: IrModule, test: (n: IrModule["nodes"][number]) => boolean): Record<string, unknown> => {
  const node = m.nodes.find(test);
  if (!node) throw new Error("no such node in the example");
  return node as unknown as Record<string, unknown>;
};

describe("validateIr", () => {
  it.each(EXAMPLES)("accepts the compiled %s", (name) => {
    expect(validateIr(example(name).module)).toEqual([]);
  });

  it.each<[string, (m: IrModule & Record<string, unknown>) => void, string, string?]>([
    ["a missing field", (m) => delete (m as Record<string, unknown>).nodes, "the module has no `nodes` array"],
    ["an unknown op", (m) => void (nodeWhere(m, (n) => n.op === "binary").op = "frobnicate"), 'unknown op "frobnicate"'],
    ["an unknown math function", (m) => void (nodeWhere(m, (n) => n.op === "math").fn = "nope"), 'unknown function "nope"'],
    ["an unknown binary function", (m) => void (nodeWhere(m, (n) => n.op === "binary").fn = "xor"), 'unknown function "xor"'],
    ["an unknown reduction", (m) => void (nodeWhere(m, (n) => n.op === "group_reduce").fn = "median"), 'unknown function "median"'],
    ["a math function with too few arguments", (m) => void (nodeWhere(m, (n) => n.op === "math" && n.args.length === 2).args as number[]).pop(), "takes 2 arguments, has 1"],
    ["a binary op with three arguments", (m) => void (nodeWhere(m, (n) => n.op === "binary").args as number[]).push(0), "takes 2 arguments, has 3"],
    ["a select whose condition is not a bool", (m) => {
      const select = nodeWhere(m, (n) => n.op === "select") as { args: number[] };
      select.args[0] = select.args[1]!;
    }, "the condition must be a bool"],
    ["a masked reduction without its mask", (m) => void (nodeWhere(m, (n) => n.op === "group_reduce").masked = true), "takes 2 arguments, has 1"],
    ["an argument after its node", (m) => void (nodeWhere(m, (n) => n.op === "binary").args as number[]).splice(0, 1, 9999), "argument 9999 is not before it"],
    ["a constant that is not a number", (m) => void (nodeWhere(m, (n) => n.op === "const").value = null), "value null is not a float"],
    ["a node at an undeclared axis", (m) => void (nodeWhere(m, (n) => n.level.kind === "element").level = { kind: "element", axis: "words" }), "unknown axis `words`", "process_delta"],
    ["an input along an undeclared axis", (m) => void (m.inputs.find((i) => i.axis !== null)!.axis = "words"), 'axis "words" is not declared', "process_delta"],
    ["an undeclared input", (m) => void (nodeWhere(m, (n) => n.op === "input").name = "ghost"), 'input "ghost" is not declared'],
    ["a param default that is not a number", (m) => void ((m.params[0] as unknown as Record<string, unknown>).default = "0.5"), 'default "0.5" is not a float'],
    ["a state without a numeric initial value", (m) => void ((m.states[0] as unknown as Record<string, unknown>).initial = null), "initial value null is not a float", "lagrange_state"],
    ["a metric per rollout", (m) => void (m.metrics[0]!.node = m.outputs.find((o) => o.name === "reward")!.node), "must be one value per batch"],
    ["a state update per rollout", (m) => void (m.states[0]!.update = m.outputs.find((o) => o.name === "reward")!.node), "update of state `mu`: must be one value per batch", "lagrange_state"],
    ["a reward per token", (m) => void (m.outputs.find((o) => o.name === "reward")!.node = m.outputs.find((o) => o.name === "advantage")!.node), "only `advantage` may be finer than one value per rollout", "process_delta"],
    ["a keep that is not a bool", (m) => void m.outputs.push({ name: "keep", node: m.outputs[0]!.node }), "output `keep`: must be a bool"],
    ["no reward", (m) => void m.outputs.splice(m.outputs.findIndex((o) => o.name === "reward"), 1), "the module has no `reward` output"],
    ["texts that are not an array", (m) => void (m.texts = {} as never), "`texts` must be an array", "format_tags"],
    ["a text input declared twice", (m) => void m.texts!.push({ name: "completion" }), "text input `completion` is declared twice", "format_tags"],
    ["a feature reading an undeclared text input", (m) => void (featureOf(m, "chars").arg = { kind: "input", name: "ghost" }), 'reads "ghost", which is not a text input', "math_boxed"],
    ["a feature of an unknown function", (m) => void (featureOf(m, "chars").fn = "sentiment"), 'unknown feature "sentiment"', "math_boxed"],
    ["a feature input of the wrong type", (m) => void (m.inputs.find((i) => i.feature?.fn === "matches")!.type = "f32"), "`matches` is a bool", "format_tags"],
    ["a derived input along an axis", (m) => void (m.inputs.find((i) => i.feature)!.range = [0, 1]), "no axis and no range", "format_tags"],
    ["a pattern that does not compile", (m) => void (featureOf(m, "matches").pattern = "(<think>"), "Unterminated group", "format_tags"],
    ["a regex flag outside i, m, s", (m) => void (featureOf(m, "count_matches").flags = "g"), "unknown flag `g`", "format_tags"],
    ["a needle that is not a string", (m) => void (featureOf(m, "count").needle = 3), "needs a string `needle`", "format_tags"],
    ["an unknown string function", (m) => void (featureOf(m, "equals").left = { kind: "call", fn: "upper", arg: { kind: "input", name: "completion" } }), 'unknown string function "upper"', "format_tags"],
  ])("names %s", (_what, damage, message, name = "grpo_lambda") => {
    expect(damaged(damage, name).join("\n")).toContain(message);
  });

  it("never throws, and what it accepts runs on the CPU without an internal error", () => {
    const examples = EXAMPLES.map(example);
    const replacement = fc.oneof(
      fc.constantFrom<unknown>(0.5, 1e9, -1, "x", "", null, true, false, [], {}, [0], [0, 1], { kind: "rollout" }, { kind: "element", axis: "tokens" }),
      fc.nat(12),
      fc.constantFrom("f32", "i32", "bool", "const", "param", "group", "rollout", "element", "batch", "sum", "min", "mean", "count", "std", "tokens", "steps", "reward", "keep"),
      fc.constantFrom("select", "binary", "math", "cast", "axis_reduce", "axis_scan", "axis_at", "group_reduce", "group_map", "batch_reduce", "add", "lt", "and", "abs"),
    );
    fc.assert(
      fc.property(fc.nat(examples.length - 1), fc.array(fc.tuple(fc.nat(), replacement), { minLength: 1, maxLength: 4 }), (which, edits) => {
        const { module, rows } = examples[which]!;
        const edited = copy(module) as unknown;
        for (const [at, value] of edits) replaceLeaf(edited, at, value);
        const problems = validateIr(edited as IrModule);
        if (problems.length > 0) return;
        const built = batchFromRows(edited as IrModule, rows);
        if ("errors" in built) return;
        try {
          runCpu(edited as IrModule, built.batch, resolveParams(edited as IrModule), {});
        } catch (e) {
          if (e instanceof InternalError || !(e instanceof Error) || e.name !== "RuntimeInputError") throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });
});

/** Replaces the `at`-th (modulo their number) leaf or container of a JSON tree, in place. */
function replaceLeaf(tree: unknown, at: number, value: unknown): void {
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach((child, i) => (slots.push([node, i]), visit(child)));
    else if (typeof node === "object" && node !== null) for (const [k, child] of Object.entries(node)) slots.push([node as Record<string, unknown>, k]), visit(child);
  };
  visit(tree);
  if (slots.length === 0) return;
  const [holder, key] = slots[at % slots.length]!;
  (holder as Record<string | number, unknown>)[key] = copy(value);
}
