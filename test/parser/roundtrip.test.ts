import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../../src/parser/parse.js";
import { print, printExpr } from "../../src/parser/printer.js";
import { expr, FILE, program, stripSpans } from "./arbitraries.js";

describe("printer and parser round trip", () => {
  it("parse(print(ast)) equals ast, up to spans", () => {
    fc.assert(
      fc.property(program, (ast) => {
        const text = print(ast);
        const { program: parsed, diagnostics } = parse(FILE, text);
        expect(diagnostics, text).toEqual([]);
        expect(stripSpans(parsed)).toEqual(stripSpans(ast));
      }),
      { numRuns: 300 },
    );
  });

  it("printing is a fixed point: print(parse(print(ast))) === print(ast)", () => {
    fc.assert(
      fc.property(program, (ast) => {
        const text = print(ast);
        const { program: parsed } = parse(FILE, text);
        expect(parsed).not.toBeNull();
        expect(print(parsed!)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("round trips deeply nested expressions", () => {
    fc.assert(
      fc.property(expr, (e) => {
        const text = `let x = ${printExpr(e)}\n`;
        const { program: parsed, diagnostics } = parse(FILE, text);
        expect(diagnostics, text).toEqual([]);
        const item = parsed?.items[0];
        expect(item?.kind).toBe("Let");
        expect(stripSpans(item?.kind === "Let" ? item.value : null)).toEqual(stripSpans(e));
      }),
      { numRuns: 1000 },
    );
  });
});
