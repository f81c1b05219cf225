import { describe, expect, it } from "vitest";
import type { Span } from "../../src/diagnostics/diagnostic.js";
import type { Expr, Item, NumberLit, Program } from "../../src/parser/ast.js";
import { parse } from "../../src/parser/parse.js";
import { print, printExpr } from "../../src/parser/printer.js";
import { stripSpans } from "./arbitraries.js";

const FILE = "test.reward";

function parseOk(text: string): Program {
  const { program, diagnostics } = parse(FILE, text);
  expect(diagnostics).toEqual([]);
  return program!;
}

function firstItem(text: string): Item {
  return parseOk(text).items[0]!;
}

/** The value of `let x = <text>`, without spans. */
function exprOf(text: string): unknown {
  const item = firstItem(`let x = ${text}`);
  if (item.kind !== "Let") throw new Error("not a let");
  return stripSpans(item.value);
}

// Compact builders for expected trees (spans stripped).
const name = (n: string) => ({ kind: "Name", namespace: null, name: { kind: "Ident", name: n } });
const int = (value: number) => ({ kind: "Number", value, isInt: true, raw: String(value) });
const binary = (op: string, left: unknown, right: unknown) => ({ kind: "Binary", op, left, right });
const unary = (op: string, operand: unknown) => ({ kind: "Unary", op, operand });

const EXAMPLE = `reward grpo_lambda
# comment
import "lib/shaping.reward" as shaping
group by prompt
input correct : bool
input length  : int in 0..32768
input logp    : float[tokens]
input scores  : float[3]
param threshold : float = 0.5 in 0..1
param c : float = -1.5 in -10..0
fn kimi(len: float, lo, hi: float) = if hi == lo then 0.0 else 0.5 - (len - lo) / (hi - lo)
let span   = group.max(length) - group.min(length)
let kimi_r = if span == 0 then 0.0 else 0.5 - (length - group.min(length)) / span
let table = match (correct, length > 100) {
  | true, true => 1.0
  | true, _ => 0.5
  | _, _ => -1.0
}
reward     = if group.mean(correct) >= threshold
             then (if correct then 1.0 + kimi_r else min(0.0, kimi_r))
             else float(correct)
advantage  = std.grpo(reward)
keep = group.std(reward, unbiased) > 0.0
weight = 1.0
metric accuracy = batch.mean(correct, where: length > 0)
state mu : float = 0.0
update mu = max(0.0, mu + 0.1 * (0.5 - batch.mean(scores[0])))
`;

describe("parse", () => {
  it("parses the example spec", () => {
    const program = parseOk(EXAMPLE);
    expect(program.header?.name).toBe("grpo_lambda");
    expect(program.items.map((i) => i.kind)).toEqual([
      "Import", "GroupBy", "Input", "Input", "Input", "Input", "Param", "Param", "Fn", "Let", "Let", "Let",
      "Output", "Output", "Output", "Output", "Metric", "State", "Update",
    ]);
    expect(program.span).toEqual({ file: FILE, start: 0, end: EXAMPLE.length });
  });

  it("prints the example canonically, and the canonical text is stable", () => {
    const printed = print(parseOk(EXAMPLE));
    expect(printed).toContain("reward grpo_lambda\n\nimport \"lib/shaping.reward\" as shaping\ngroup by prompt\n");
    expect(printed).toContain("fn kimi(len: float, lo, hi: float) = if hi == lo then 0.0 else 0.5 - (len - lo) / (hi - lo)\n");
    expect(printed).toContain("let table = match (correct, length > 100) {\n  | true, true => 1.0\n  | true, _ => 0.5\n  | _, _ => -1.0\n}\n");
    // Parentheses are minimal: an `if` in a `then` branch needs none, since its own `else` closes it.
    expect(printed).toContain("reward = if group.mean(correct) >= threshold then if correct then 1.0 + kimi_r else min(0.0, kimi_r) else float(correct)\n");
    expect(printed).toContain("param c : float = -1.5 in -10..0\n");
    expect(printed).toContain("metric accuracy = batch.mean(correct, where: length > 0)\n");
    expect(print(parseOk(printed))).toBe(printed);
  });

  describe("header", () => {
    it("reads `reward NAME` at the top as the header", () => {
      const program = parseOk("reward my_spec\nlet a = 1");
      expect(program.header).toEqual({ kind: "Ident", name: "my_spec", span: { file: FILE, start: 7, end: 14 } });
    });

    it("reads `reward = …` at the top as the reward output (two tokens of lookahead)", () => {
      const program = parseOk("reward = 1");
      expect(program.header).toBeNull();
      expect(program.items[0]?.kind).toBe("Output");
    });

    it("accepts a library file of functions without a header, and an empty file", () => {
      expect(parseOk("fn f(x) = x").header).toBeNull();
      expect(parseOk("").items).toEqual([]);
      expect(parseOk("# only a comment\n").items).toEqual([]);
    });
  });

  describe("precedence and associativity", () => {
    it("binds unary minus looser than `**`", () => {
      expect(exprOf("-x**2")).toEqual(unary("-", binary("**", name("x"), int(2))));
      expect(exprOf("2 ** -x")).toEqual(binary("**", int(2), unary("-", name("x"))));
    });

    it("makes `**` right-associative and the rest left-associative", () => {
      expect(exprOf("a ** b ** c")).toEqual(binary("**", name("a"), binary("**", name("b"), name("c"))));
      expect(exprOf("a - b - c")).toEqual(binary("-", binary("-", name("a"), name("b")), name("c")));
      expect(exprOf("a / b * c % d")).toEqual(binary("%", binary("*", binary("/", name("a"), name("b")), name("c")), name("d")));
    });

    it("orders the levels or < and < not < comparison < + < * < unary minus", () => {
      expect(exprOf("not a == b")).toEqual(unary("not", binary("==", name("a"), name("b"))));
      expect(exprOf("a or b and not c")).toEqual(binary("or", name("a"), binary("and", name("b"), unary("not", name("c")))));
      expect(exprOf("-a * b + c > d")).toEqual(binary(">", binary("+", binary("*", unary("-", name("a")), name("b")), name("c")), name("d")));
    });

    it("lets an `if` in operand position take everything after its `else`", () => {
      expect(exprOf("1 + if c then 2 else 3 + 4")).toEqual(
        binary("+", int(1), { kind: "If", cond: name("c"), then: int(2), else: binary("+", int(3), int(4)) }),
      );
    });

    it("rejects chained comparisons", () => {
      const { diagnostics } = parse(FILE, "let x = a < b == c\nlet y = 1");
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({
        code: "R0002",
        message: "comparison operators cannot be chained",
        labels: [{ span: { start: 14, end: 16 }, message: "a second comparison", primary: true }],
      });
      expect(parseOk("let x = (a < b) == c").items).toHaveLength(1);
    });
  });

  describe("names", () => {
    it("accepts the nameWord keywords as names in expressions", () => {
      const advantage = firstItem("advantage = std.grpo(reward)");
      expect(stripSpans(advantage)).toEqual({
        kind: "Output",
        target: { kind: "Ident", name: "advantage" },
        value: {
          kind: "Call",
          callee: { kind: "Name", namespace: { kind: "Ident", name: "std" }, name: { kind: "Ident", name: "grpo" } },
          args: [name("reward")],
          named: [],
        },
      });
      expect(exprOf("group.mean(x)")).toMatchObject({ kind: "Call", callee: { namespace: { name: "group" }, name: { name: "mean" } } });
      expect(exprOf("batch.std(keep * weight)")).toMatchObject({ args: [binary("*", name("keep"), name("weight"))] });
    });

    it("lexes words that merely start with a keyword as identifiers", () => {
      expect(exprOf("rewards + index_of + input2 + iff + _x")).toMatchObject({ right: name("_x") });
      expect(firstItem("let grouped = 1")).toMatchObject({ name: { name: "grouped" } });
    });

    it("treats the type names as names outside types, e.g. a conversion call", () => {
      expect(exprOf("float(correct)")).toMatchObject({ kind: "Call", callee: name("float"), args: [name("correct")] });
    });

    it("reports a keyword used as a declared name", () => {
      const { diagnostics } = parse(FILE, "let if = 1");
      expect(diagnostics[0]).toMatchObject({
        message: "expected a name after `let`, found `if`",
        help: "`if` is a keyword and cannot be used as a name here",
      });
    });
  });

  describe("calls", () => {
    it("separates positional and named arguments", () => {
      expect(exprOf("batch.mean(correct, where: length > 0)")).toMatchObject({
        kind: "Call",
        args: [name("correct")],
        named: [{ kind: "NamedArg", name: { name: "where" }, value: binary(">", name("length"), int(0)) }],
      });
      expect(exprOf("f()")).toMatchObject({ kind: "Call", args: [], named: [] });
    });

    it("names arguments with any name word, keywords included, as `arg = [ nameWord \":\" ] expr` says", () => {
      const { program, diagnostics } = parse(FILE, "let x = group.mean(score, weight: score)");
      expect(diagnostics).toEqual([]);
      const value = (program!.items[0] as { value: { named: { name: { name: string } }[] } }).value;
      expect(value.named.map((n) => n.name.name)).toEqual(["weight"]);
    });

    it("rejects a positional argument after a named one", () => {
      const { diagnostics } = parse(FILE, "let x = f(a: 1, 2)");
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({ code: "R0002", message: "positional argument after a named argument" });
    });
  });

  describe("match", () => {
    it("parses scrutinees, arms and every pattern kind", () => {
      expect(exprOf("match (a, b) { | true, -3 => 1 | false, 7 => 2 | _, _ => 3 }")).toEqual({
        kind: "Match",
        scrutinees: [name("a"), name("b")],
        arms: [
          { kind: "MatchArm", patterns: [{ kind: "PBool", value: true }, { kind: "PInt", value: -3 }], body: int(1) },
          { kind: "MatchArm", patterns: [{ kind: "PBool", value: false }, { kind: "PInt", value: 7 }], body: int(2) },
          { kind: "MatchArm", patterns: [{ kind: "PWild" }, { kind: "PWild" }], body: int(3) },
        ],
      });
    });

    it("needs at least one arm", () => {
      const { diagnostics } = parse(FILE, "let x = match (a) { }");
      expect(diagnostics[0]?.message).toBe("expected a match arm starting with `|`, found `}`");
    });
  });

  describe("declarations", () => {
    it("keeps range bounds with their spelling, negative ones included", () => {
      const item = firstItem("param c : float = -1.5 in -10..0.50");
      expect(item).toMatchObject({ kind: "Param", range: { lo: -10, hi: 0.5, loRaw: "-10", hiRaw: "0.50" } });
      expect(firstItem("input t : float in -1e-3..1e3")).toMatchObject({ range: { lo: -0.001, hi: 1000, loRaw: "-1e-3", hiRaw: "1e3" } });
    });

    it("parses scalar, ragged and fixed-width types", () => {
      expect(stripSpans(firstItem("input a : bool"))).toMatchObject({ type: { kind: "TypeExpr", scalar: "bool", shape: null } });
      expect(stripSpans(firstItem("input b : float[tokens]"))).toMatchObject({
        type: { scalar: "float", shape: { kind: "ragged", axis: { kind: "Ident", name: "tokens" } } },
      });
      expect(stripSpans(firstItem("input c : int[3]"))).toMatchObject({ type: { scalar: "int", shape: { kind: "fixed", width: 3 } } });
    });

    it("parses imports with the path's own span", () => {
      const item = firstItem('import "lib/shaping.reward" as shaping');
      expect(item).toMatchObject({ kind: "Import", path: "lib/shaping.reward", alias: { name: "shaping" } });
      expect(item.kind === "Import" && item.pathSpan).toEqual({ file: FILE, start: 7, end: 27 });
    });

    it("parses functions with and without parameter types", () => {
      const item = firstItem("fn kimi(len: float, lo, hi: float[3]) = len");
      expect(stripSpans(item)).toMatchObject({
        kind: "Fn",
        params: [
          { name: { name: "len" }, type: { scalar: "float", shape: null } },
          { name: { name: "lo" }, type: null },
          { name: { name: "hi" }, type: { scalar: "float", shape: { kind: "fixed", width: 3 } } },
        ],
      });
      expect(firstItem("fn zero() = 0")).toMatchObject({ params: [] });
    });
  });

  describe("number literals", () => {
    it("types a literal int only without `.` and exponent", () => {
      const literals = (exprOf("f(3, 3.0, 3e2, 2.5E-3)") as { args: NumberLit[] }).args;
      expect(literals.map((n) => [n.value, n.isInt, n.raw])).toEqual([[3, true, "3"], [3, false, "3.0"], [300, false, "3e2"], [0.0025, false, "2.5E-3"]]);
    });

    it("reports out-of-range literals as R0003", () => {
      const { diagnostics } = parse(FILE, "let a = 9007199254740993\nlet b = 1e400\nlet c = 9007199254740991\nlet d = 1e39\nlet e = 3.4028235e38");
      expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
        ["R0003", "integer literal `9007199254740993` is too large"],
        ["R0003", "float literal `1e400` overflows float32 (largest finite is 3.4028235e38)"],
        ["R0003", "float literal `1e39` overflows float32 (largest finite is 3.4028235e38)"],
      ]);
    });
  });

  describe("spans", () => {
    it("gives every node the half-open range of its source text", () => {
      const text = "let a = (x + 1) * f(y)[0]";
      const item = firstItem(text);
      const at = (span: Span) => text.slice(span.start, span.end);
      expect(at(item.span)).toBe(text);
      const value = (item as { value: Expr }).value;
      expect(value.kind === "Binary" && [at(value.span), at(value.left.span), at(value.right.span)]).toEqual(["(x + 1) * f(y)[0]", "x + 1", "f(y)[0]"]);
    });
  });
});

describe("printer", () => {
  const print1 = (text: string) => printExpr((firstItem(`let x = ${text}`) as { value: Expr }).value);

  it("drops redundant parentheses and keeps needed ones", () => {
    expect(print1("((a + b)) + (c)")).toBe("a + b + c");
    expect(print1("a - (b - c)")).toBe("a - (b - c)");
    expect(print1("(a ** b) ** c")).toBe("(a ** b) ** c");
    expect(print1("a ** (b ** c)")).toBe("a ** b ** c");
    expect(print1("(-x) ** 2")).toBe("(-x) ** 2");
    expect(print1("-(x ** 2)")).toBe("-x ** 2");
    expect(print1("(a < b) == c")).toBe("(a < b) == c");
    expect(print1("not (a and b)")).toBe("not (a and b)");
    expect(print1("(not a) == b")).toBe("(not a) == b");
    expect(print1("-(-x)")).toBe("-(-x)");
    expect(print1("(if a then b else c) + 1")).toBe("(if a then b else c) + 1");
    expect(print1("1 + (if a then b else c)")).toBe("1 + (if a then b else c)");
    expect(print1("(x)[0][1]")).toBe("x[0][1]");
    expect(print1("(-x)[0]")).toBe("(-x)[0]");
  });

  it("spells synthesized numbers so they re-parse with the same value and type", () => {
    const number = (value: number, isInt: boolean, raw = ""): NumberLit => ({ kind: "Number", value, isInt, raw, span: { file: FILE, start: 0, end: 0 } });
    expect(printExpr(number(1, false))).toBe("1.0");
    expect(printExpr(number(1e-6, false))).toBe("0.000001");
    expect(printExpr(number(1e-7, false))).toBe("1e-7");
    expect(printExpr(number(1e21, false))).toBe("1e21");
    expect(printExpr(number(42, true))).toBe("42");
    expect(printExpr(number(0.5, false, "0.50"))).toBe("0.50");
    expect(printExpr(number(2, false, "2"))).toBe("2.0"); // a raw that would re-parse as an int is not used
    const negative = { kind: "Unary", op: "-", operand: number(-2, true), span: { file: FILE, start: 0, end: 0 } } as const;
    expect(printExpr(negative)).toBe("-(-2)");
  });

  it("indents nested matches", () => {
    const printed = print1("match (a) { | 1 => match (b) { | _ => 2 } | _ => 3 }");
    expect(printed).toBe("match (a) {\n  | 1 => match (b) {\n    | _ => 2\n  }\n  | _ => 3\n}");
  });
});

describe("strings", () => {
  it("a string literal keeps its raw text; a backslash escapes the next character, quotes included", () => {
    expect(exprOf('"a\\"b"')).toEqual({ kind: "String", raw: 'a\\"b' });
    expect(exprOf('"\\\\"')).toEqual({ kind: "String", raw: "\\\\" });
    expect(exprOf('text.matches(c, "^\\d+\\.", flags: "m") == "x"')).toEqual(
      binary(
        "==",
        {
          kind: "Call",
          callee: { kind: "Name", namespace: { kind: "Ident", name: "text" }, name: { kind: "Ident", name: "matches" } },
          args: [name("c"), { kind: "String", raw: "^\\d+\\." }],
          named: [{ kind: "NamedArg", name: { kind: "Ident", name: "flags" }, value: { kind: "String", raw: "m" } }],
        },
        { kind: "String", raw: "x" },
      ),
    );
  });

  it("a string ends at the first unescaped quote and never spans lines", () => {
    expect(parse(FILE, 'let x = "a" "b"').diagnostics.map((d) => d.code)).toEqual(["R0002"]);
    expect(parse(FILE, 'let x = "a\nb"').diagnostics.length).toBeGreaterThan(0);
    expect(parse(FILE, 'let x = "a\\"').diagnostics.length).toBeGreaterThan(0);
  });

  it("`string` is a type, and still a name", () => {
    const input = firstItem("input completion : string");
    expect(input.kind === "Input" && input.type.scalar).toBe("string");
    expect(exprOf("string + 1")).toEqual(binary("+", name("string"), int(1)));
  });

  it("imports still take a path", () => {
    const item = firstItem('import "std" as std');
    expect(item.kind === "Import" && item.path).toBe("std");
  });

  it("prints strings back as written", () => {
    const text = 'input c : string\nlet x = text.count(c, "<think>\\n") + float(c == "a\\"b")\n';
    expect(print(parseOk(text))).toBe(text);
  });
});
