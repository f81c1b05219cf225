/**
 * Prints an AST back to canonical source: one item per line, minimal parentheses, `parse(print(p))` equal to `p`
 * up to spans for every tree the parser can produce.
 *
 * Parentheses come from binding strength: every node has a precedence, every operand position a minimum, and an
 * operand weaker than its position's minimum is wrapped. The minimums restate `grammar/reward.ebnf`.
 */
import {
  BINARY_PRECEDENCE,
  NEG_PRECEDENCE,
  NOT_PRECEDENCE,
  type Bounds,
  type Expr,
  type Item,
  type PropertyItem,
  type PropertySetting,
  type MatchExpr,
  type NumberLit,
  type Pattern,
  type Program,
  type RangeExpr,
  type TypeExpr,
} from "./ast.js";

/** `if` and `match` only appear as operands inside parentheses (an `if` would swallow what follows its `else`). */
const IF_MATCH_PRECEDENCE = 0;
/** `a[i]`: the operand of `**` on the left and the target of an index. */
const POSTFIX_PRECEDENCE = 9;
/** Literals, names and calls. */
const ATOM_PRECEDENCE = 10;

const INDENT = "  ";

export function print(program: Program): string {
  const lines: string[] = [];
  if (program.header) lines.push(`reward ${program.header.name}`, ...(program.items.length > 0 ? [""] : []));
  for (const item of program.items) lines.push(printItem(item));
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

function printItem(item: Item): string {
  switch (item.kind) {
    case "Import":
      return `import "${item.path}" as ${item.alias.name}`;
    case "GroupBy":
      return `group by ${item.key.name}`;
    case "Input":
      return `input ${item.name.name} : ${printType(item.type)}${printRange(item.range)}`;
    case "Param":
      return `param ${item.name.name} : ${printType(item.type)} = ${printExpr(item.value)}${printRange(item.range)}`;
    case "Let":
      return `let ${item.name.name} = ${printExpr(item.value)}`;
    case "Fn": {
      const params = item.params.map((p) => (p.type ? `${p.name.name}: ${printType(p.type)}` : p.name.name));
      return `fn ${item.name.name}(${params.join(", ")}) = ${printExpr(item.body)}`;
    }
    case "Output":
      return `${item.target.name} = ${printExpr(item.value)}`;
    case "Metric":
      return `metric ${item.name.name} = ${printExpr(item.value)}`;
    case "State":
      return `state ${item.name.name} : ${printType(item.type)} = ${printExpr(item.value)}`;
    case "Update":
      return `update ${item.name.name} = ${printExpr(item.value)}`;
    case "Property":
      return printProperty(item);
  }
}

/** One clause a line, indented under `property NAME:`. */
function printProperty(item: PropertyItem): string {
  const lines = [`property ${item.name.name}:`];
  const law = item.law;
  if (law.kind === "Pair") {
    lines.push(`${INDENT}pair ${law.a.name}, ${law.b.name}${law.differ.length > 0 ? ` differ in ${law.differ.map((d) => d.name).join(", ")}` : ""}`);
    if (law.given) lines.push(`${INDENT}given ${printExpr(law.given)}`);
  } else if (law.kind === "Transform") {
    for (const t of law.transforms) lines.push(`${INDENT}transform ${t.input.name} = ${printExpr(t.value)}`);
  }
  lines.push(`${INDENT}expect ${printExpr(law.expect)}`);
  if (item.settings.length > 0) lines.push(`${INDENT}with ${item.settings.map(printSetting).join(", ")}`);
  return lines.join("\n");
}

function printSetting(s: PropertySetting): string {
  switch (s.kind) {
    case "Shape":
      return `${s.group ? "group " : ""}${s.name.name} ${printBounds(s.bounds)}`;
    case "InputRange":
      return `${s.input.name} in ${printBounds(s.bounds)}`;
    case "Fixed":
      return `${s.input.name} = ${printExpr(s.value)}`;
  }
}

function printBounds(b: Bounds): string {
  return `${b.loRaw || String(b.lo)}..${b.hiRaw || String(b.hi)}`;
}

function printType(type: TypeExpr): string {
  if (type.shape === null) return type.scalar;
  return `${type.scalar}[${type.shape.kind === "ragged" ? type.shape.axis.name : type.shape.width}]`;
}

function printRange(range: RangeExpr | null): string {
  if (range === null) return "";
  return ` in ${range.loRaw || String(range.lo)}..${range.hiRaw || String(range.hi)}`;
}

/** An expression in a position that takes any expression (an item's value, an argument, inside brackets). */
export function printExpr(e: Expr): string {
  return printAt(e, IF_MATCH_PRECEDENCE, "");
}

function precedence(e: Expr): number {
  switch (e.kind) {
    case "If":
    case "Match":
      return IF_MATCH_PRECEDENCE;
    case "Binary":
      return BINARY_PRECEDENCE[e.op];
    case "Unary":
      return e.op === "not" ? NOT_PRECEDENCE : NEG_PRECEDENCE;
    case "Number":
      // A negative literal (never parsed, but a rewrite may make one) prints as `-x` and binds like unary minus.
      return isNegative(e.value) ? NEG_PRECEDENCE : ATOM_PRECEDENCE;
    case "Index":
      return POSTFIX_PRECEDENCE;
    case "String":
    case "Bool":
    case "Name":
    case "Call":
      return ATOM_PRECEDENCE;
  }
}

/** Prints `e` where the grammar accepts only expressions binding at least as tightly as `minimum`. */
function printAt(e: Expr, minimum: number, indent: string): string {
  const text = printBare(e, indent);
  return precedence(e) < minimum ? `(${text})` : text;
}

function printBare(e: Expr, indent: string): string {
  switch (e.kind) {
    case "Number":
      return printNumber(e);
    case "String":
      return `"${e.raw}"`;
    case "Bool":
      return String(e.value);
    case "Name":
      return (e.namespace ? `${e.namespace.name}.${e.name.name}` : e.name.name) + (e.primed ? "'" : "");
    case "Call": {
      const args = [...e.args.map((a) => printAt(a, IF_MATCH_PRECEDENCE, indent)), ...e.named.map((n) => `${n.name.name}: ${printAt(n.value, IF_MATCH_PRECEDENCE, indent)}`)];
      return `${printBare(e.callee, indent)}(${args.join(", ")})`;
    }
    case "Index":
      return `${printAt(e.target, POSTFIX_PRECEDENCE, indent)}[${printAt(e.index, IF_MATCH_PRECEDENCE, indent)}]`;
    case "Unary":
      if (e.op === "not") return `not ${printAt(e.operand, NOT_PRECEDENCE, indent)}`;
      return `-${printNegated(e.operand, indent)}`;
    case "Binary": {
      const p = BINARY_PRECEDENCE[e.op];
      const [leftMinimum, rightMinimum] = operandMinimums(e.op, p);
      return `${printAt(e.left, leftMinimum, indent)} ${e.op} ${printAt(e.right, rightMinimum, indent)}`;
    }
    case "If":
      return `if ${printAt(e.cond, IF_MATCH_PRECEDENCE, indent)} then ${printAt(e.then, IF_MATCH_PRECEDENCE, indent)} else ${printAt(e.else, IF_MATCH_PRECEDENCE, indent)}`;
    case "Match":
      return printMatch(e, indent);
  }
}

/** The operand of unary minus; `--x` would parse, but `-(-x)` says what it means. */
function printNegated(operand: Expr, indent: string): string {
  const text = printAt(operand, NEG_PRECEDENCE, indent);
  return text.startsWith("-") ? `(${text})` : text;
}

/** Minimum precedences of a binary operator's left and right operands. */
function operandMinimums(op: keyof typeof BINARY_PRECEDENCE, p: number): [number, number] {
  // power = postfix [ "**" unary ]: right-associative, and `-x ** 2` is `-(x ** 2)`, so `(-x) ** 2` needs its parentheses.
  if (op === "**") return [POSTFIX_PRECEDENCE, NEG_PRECEDENCE];
  // comparison = additive [ op additive ]: comparisons do not chain, so neither side may be a comparison.
  if (p === BINARY_PRECEDENCE["=="]) return [p + 1, p + 1];
  // The rest are left-associative: `a - (b - c)` keeps its parentheses, `(a - b) - c` loses them.
  return [p, p + 1];
}

function printMatch(e: MatchExpr, indent: string): string {
  const inner = indent + INDENT;
  const scrutinees = e.scrutinees.map((s) => printAt(s, IF_MATCH_PRECEDENCE, indent)).join(", ");
  const arms = e.arms.map((arm) => `${inner}| ${arm.patterns.map(printPattern).join(", ")} => ${printAt(arm.body, IF_MATCH_PRECEDENCE, inner)}`);
  return `match (${scrutinees}) {\n${arms.join("\n")}\n${indent}}`;
}

function printPattern(p: Pattern): string {
  switch (p.kind) {
    case "PWild":
      return "_";
    case "PBool":
      return String(p.value);
    case "PInt":
      return String(p.value);
  }
}

const INT_SPELLING = /^\d+$/;
const FLOAT_SPELLING = /^\d+(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+)$/;

/** The literal's own spelling when it still says the same thing, else one that re-parses with the same value and type. */
function printNumber(n: NumberLit): string {
  const sign = isNegative(n.value) ? "-" : "";
  const magnitude = Math.abs(n.value);
  const rawMatches = n.raw !== "" && (n.isInt ? INT_SPELLING : FLOAT_SPELLING).test(n.raw) && Number(n.raw) === magnitude;
  if (rawMatches) return sign + n.raw;
  if (Number.isNaN(magnitude)) return "(0.0 / 0.0)";
  // Overflows on re-parse too, where it is reported (R0003) instead of silently becoming a different number.
  if (magnitude === Infinity) return `${sign}1e999`;
  if (n.isInt && Number.isInteger(magnitude)) return sign + BigInt(magnitude).toString();
  const spelled = String(magnitude).replace("e+", "e");
  return sign + (/[.e]/.test(spelled) ? spelled : `${spelled}.0`);
}

function isNegative(value: number): boolean {
  return value < 0 || Object.is(value, -0);
}
