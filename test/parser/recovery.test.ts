import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../src/compiler/compile.js";
import { SourceMap } from "../../src/diagnostics/sourceMap.js";
import { MAX_EXPRESSION_DEPTH } from "../../src/parser/depth.js";
import { parse } from "../../src/parser/parse.js";
import { print } from "../../src/parser/printer.js";
import { FILE, program, stripSpans } from "./arbitraries.js";

function lines(text: string, diagnostics: ReturnType<typeof parse>["diagnostics"]): number[] {
  const sources = new SourceMap();
  sources.add(FILE, text);
  return diagnostics.map((d) => sources.position(FILE, d.labels[0]!.span.start).line);
}

/** What must hold for any input whatsoever. */
function checkInvariants(text: string): void {
  const { program: parsed, diagnostics } = parse(FILE, text);
  if (parsed === null) expect(diagnostics.length).toBeGreaterThan(0);
  for (const d of diagnostics) {
    expect(d.code).toMatch(/^R000[123]$/);
    expect(d.message).not.toMatch(/-->|<--|Expecting|token of type/);
    const { start, end } = d.labels[0]!.span;
    expect(0 <= start && start <= end && end <= text.length).toBe(true);
  }
  const starts = diagnostics.map((d) => d.labels[0]!.span.start);
  expect(new Set(starts).size).toBe(starts.length);
  // Whatever survived recovery is a well-formed program: it prints and re-parses to itself.
  if (parsed !== null) {
    const reparsed = parse(FILE, print(parsed));
    expect(reparsed.diagnostics.filter((d) => d.code === "R0002")).toEqual([]);
    expect(stripSpans(reparsed.program)).toEqual(stripSpans(parsed));
  }
}

describe("error recovery", () => {
  it("reports separate syntax errors on separate lines in one run", () => {
    const text = [
      "reward spec", //        1
      "input x : float", //    2
      "let a = (x + ) * 2", // 3: missing operand
      "let b = x * 2", //      4
      "let c = if a then b", // 5: missing else
      "input y float", //      6: missing colon
      "reward = a + b", //     7
    ].join("\n");
    const { program: parsed, diagnostics } = parse(FILE, text);
    expect(diagnostics.length).toBeGreaterThanOrEqual(3);
    expect(diagnostics.every((d) => d.code === "R0002")).toBe(true);
    expect(lines(text, diagnostics)).toEqual([3, 6, 6]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      "expected an expression after `+`, found `)`",
      "expected `else` after the `then` branch of an `if`, found `input`",
      "expected `:` after the name in an `input` declaration, found `float`",
    ]);
    // The items that were written out completely survive.
    expect(parsed?.items.map((i) => i.kind)).toEqual(["Input", "Let", "Input", "Output"]);
  });

  it("reports errors on three different lines with the right line numbers", () => {
    const text = "let a = 1 +\nlet b = 2\nlet c = (3\nlet d = 4\nfn f(x = 5\nlet e = 6\n";
    const { program: parsed, diagnostics } = parse(FILE, text);
    expect(lines(text, diagnostics)).toEqual([2, 4, 5]);
    // `let c = (3` and `fn f(x = 5` are repaired by inserting a `)`; `let a = 1 +` has a hole and is dropped.
    expect(parsed?.items.map((i) => (i.kind === "Let" ? i.name.name : i.kind))).toEqual(["b", "c", "d", "Fn", "e"]);
  });

  it("turns unknown characters into R0001 and keeps parsing", () => {
    const text = "let a = 1 $ 2\nlet b = 3 @\nlet c = \"open\n";
    const { diagnostics } = parse(FILE, text);
    const lexical = diagnostics.filter((d) => d.code === "R0001");
    expect(lexical.map((d) => d.message)).toEqual(["unexpected character `$`", "unexpected character `@`", 'unexpected character `"`']);
    expect(lexical[0]!.labels[0]!.span).toEqual({ file: FILE, start: 10, end: 11 });
    expect(lines(text, lexical)).toEqual([1, 2, 3]);
  });

  it("points at the end of the input when the file stops too early", () => {
    const text = "let a = f(1, 2\n# trailing comment\n";
    const { diagnostics } = parse(FILE, text);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toBe("expected `,` or `)` after an argument, found the end of the file");
    expect(diagnostics[0]!.labels[0]!.span.start).toBe(14);
  });

  it("reports absurd nesting instead of overflowing the stack, and parses normally afterwards", () => {
    const deep = parse(FILE, `let x = ${"(".repeat(5000)}1${")".repeat(5000)}`);
    expect(deep.program).toBeNull();
    expect(deep.diagnostics.map((d) => d.message)).toEqual(["expression nested too deeply"]);
    expect(parse(FILE, `let x = ${"-".repeat(20000)}1`).diagnostics[0]?.message).toBe("expression nested too deeply");
    expect(parse(FILE, "let x = ((1))").diagnostics).toEqual([]);
  });

  it.each([2000, 100_000])("stops a flat chain of %i terms at the depth limit, before any stage walks it", (terms) => {
    const expression = `x${" + x".repeat(terms - 1)}`;
    const text = `reward t\ninput x : float\nlet fine = x${" + x".repeat(MAX_EXPRESSION_DEPTH - 1)}\nreward = ${expression}\n`;
    const { program: parsed, diagnostics } = parse(FILE, text);
    expect(diagnostics.map((d) => [d.code, d.message, d.labels[0]!.message])).toEqual([["R0002", "expression nested too deeply", `${terms} levels deep; the limit is ${MAX_EXPRESSION_DEPTH}`]]);
    const start = text.indexOf(expression);
    expect(diagnostics[0]!.labels[0]!.span).toEqual({ file: FILE, start, end: start + expression.length });
    // The too-deep item is left out; the others stay.
    expect(parsed!.items.map((item) => item.kind)).toEqual(["Input", "Let"]);
    const compiled = compileSource(FILE, text);
    expect(compiled.diagnostics.map((d) => d.code)).toEqual(["R0002"]);
  });

  it("measures depth without recursion, at the limit and one past it", () => {
    const chain = (terms: number): string => `let x = x${" + x".repeat(terms - 1)}`;
    expect(parse(FILE, chain(MAX_EXPRESSION_DEPTH)).diagnostics).toEqual([]);
    expect(parse(FILE, chain(MAX_EXPRESSION_DEPTH + 1)).diagnostics.map((d) => d.message)).toEqual(["expression nested too deeply"]);
    expect(parse(FILE, `let x = ${"not ".repeat(MAX_EXPRESSION_DEPTH - 1)}x`).diagnostics).toEqual([]);
    expect(parse(FILE, `let x = ${"not ".repeat(MAX_EXPRESSION_DEPTH)}x`).diagnostics.map((d) => d.message)).toEqual(["expression nested too deeply"]);
  });

  it("never throws on arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => checkInvariants(text)), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 100 }), (text) => checkInvariants(text)), { numRuns: 200 });
  });

  const tokenSoup = fc
    .array(
      fc.constantFrom(
        "reward", "advantage", "keep", "weight", "group", "batch", "by", "import", "as", "input", "param", "let", "fn", "metric",
        "state", "update", "in", "if", "then", "else", "match", "true", "false", "or", "and", "not", "bool", "int", "float", "_",
        "x", "f", "1", "2.5", "1e3", '"p"', "..", ".", "=>", "==", "!=", "<=", ">=", "<", ">", "=", "**", "*", "/", "%", "+",
        "-", "(", ")", "[", "]", "{", "}", ",", ":", "|", "\n", "#c\n", "$",
      ),
      { maxLength: 60 },
    )
    .map((words) => words.join(" "));

  it("never throws on token soup", () => {
    fc.assert(fc.property(tokenSoup, (text) => checkInvariants(text)), { numRuns: 1000 });
  });

  it("never throws on mutated valid programs", () => {
    const mutation = fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.constantFrom("", "(", ")", "=", "let ", "if ", "|", ",", "-", "]", "#", "\n", "}", "$"));
    fc.assert(
      fc.property(program, fc.array(mutation, { minLength: 1, maxLength: 4 }), (ast, mutations) => {
        let text = print(ast);
        for (const [at, length, insert] of mutations) {
          const start = text.length === 0 ? 0 : at % text.length;
          text = text.slice(0, start) + insert + text.slice(start + length);
        }
        checkInvariants(text);
      }),
      { numRuns: 500 },
    );
  });
});
