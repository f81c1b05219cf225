/**
 * The nesting limit of expressions. Every later stage (checker, printer, JSON dumps) walks expressions
 * recursively, so a tree too deep for the stack must be stopped here, right after parsing. The grammar builds
 * flat chains such as `x + x + ... + x` without recursing, but their AST is still one level per operator.
 */
import { error, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Expr, Item, Program } from "./ast.js";

/** Far beyond any hand-written expression, far below what the recursive stages can take. */
export const MAX_EXPRESSION_DEPTH = 256;

/** The number of nodes on the longest path from `root` down to a leaf, computed without recursion. */
export function expressionDepth(root: Expr): number {
  let deepest = 0;
  const pending: [Expr, number][] = [[root, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [e, depth] = next;
    if (depth > deepest) deepest = depth;
    for (const child of children(e)) pending.push([child, depth + 1]);
  }
  return deepest;
}

function children(e: Expr): Expr[] {
  switch (e.kind) {
    case "Number":
    case "String":
    case "Bool":
    case "Name":
      return [];
    case "Call":
      return [...e.args, ...e.named.map((n) => n.value)];
    case "Unary":
      return [e.operand];
    case "Binary":
      return [e.left, e.right];
    case "If":
      return [e.cond, e.then, e.else];
    case "Match":
      return [...e.scrutinees, ...e.arms.map((arm) => arm.body)];
    case "Index":
      return [e.target, e.index];
  }
}

function itemExpressions(item: Item): Expr[] {
  switch (item.kind) {
    case "Import":
    case "GroupBy":
    case "Input":
      return [];
    case "Fn":
      return [item.body];
    case "Property": {
      const law = item.law;
      const settings = item.settings.flatMap((s) => (s.kind === "Fixed" ? [s.value] : []));
      if (law.kind === "Expect") return [law.expect, ...settings];
      if (law.kind === "Pair") return [...(law.given ? [law.given] : []), law.expect, ...settings];
      return [...law.transforms.map((t) => t.value), law.expect, ...settings];
    }
    case "Param":
    case "Let":
    case "Output":
    case "Metric":
    case "State":
    case "Update":
      return [item.value];
  }
}

/** Reports every expression deeper than the limit and leaves its item out, so no later stage ever walks it. */
export function limitExpressionDepth(program: Program): { program: Program; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const items = program.items.filter((item) => {
    let withinLimit = true;
    for (const e of itemExpressions(item)) {
      const depth = expressionDepth(e);
      if (depth <= MAX_EXPRESSION_DEPTH) continue;
      withinLimit = false;
      diagnostics.push(
        error("R0002", "expression nested too deeply", e.span, `${depth} levels deep; the limit is ${MAX_EXPRESSION_DEPTH}`, {
          notes: ["every operator nests one level, so a chain such as `a + b + ... + z` is as deep as it is long"],
          help: "split the expression with `let` definitions",
        }),
      );
    }
    return withinLimit;
  });
  return { program: items.length === program.items.length ? program : { ...program, items }, diagnostics };
}
