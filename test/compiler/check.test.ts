/**
 * The checker on cases the error fixtures cannot show by a snapshot alone: what it does not report, how many
 * times it reports, and the values it emits.
 */
import { describe, expect, it } from "vitest";
import { compileSource } from "../../src/compiler/compile.js";
import { compileOk, scoreRows } from "../support.js";

const codes = (text: string): string[] => compileSource("t.reward", text).diagnostics.map((d) => d.code);

describe("functions nobody calls", () => {
  it("are not held to the levels of made-up arguments", () => {
    const module = compileOk("reward t\ninput x : float\nfn total(v) = sum(v)\nfn gated(c, v) = if c then v else 0.0\nreward = x\n");
    expect(module.nodes.map((n) => n.op)).toEqual(["input"]);
  });

  it("still report names, arities and recursion, which do not depend on the arguments", () => {
    expect(codes("reward t\ninput x : float\nfn f(v) = sum(w)\nreward = x\n")).toEqual(["R0101"]);
    expect(codes("reward t\ninput x : float\nfn f(v) = summ(v)\nreward = x\n")).toEqual(["R0103"]);
    expect(codes("reward t\ninput x : float\nfn f(v) = clamp(v, 0.0)\nreward = x\n")).toEqual(["R0104"]);
    expect(codes("reward t\ninput x : float\nfn f(v) = mean(v, wher: v > 0.0)\nreward = x\n")).toEqual(["R0108"]);
    expect(codes("reward t\ninput x : float\nfn f(v) = f(v)\nreward = x\n")).toEqual(["R0106"]);
  });

  it("leave no nodes in the module's IR", () => {
    const unoptimized = compileSource("t.reward", "reward t\ninput x : float\nfn f(v) = v * 2.0 + 1.0\nreward = x\n", { optimize: false });
    expect(unoptimized.module!.nodes.map((n) => n.op)).toEqual(["input"]);
  });
});

describe("warnings inside functions", () => {
  it("an unreachable arm is reported once, however often the function is called", () => {
    const text = "reward t\ninput c : bool\nfn pick(b) = match (b) { | _ => 0.0 | true => 1.0 }\nreward = pick(c) + pick(not c) + pick(true)\n";
    expect(codes(text)).toEqual(["W0302"]);
  });
});

describe("calls", () => {
  it("an argument given by position and again by name is a duplicate, not a missing argument", () => {
    const result = compileSource("t.reward", "reward t\ninput x : float\nfn f(a, b) = a + b\nreward = f(x, a: 1.0)\n");
    expect(result.diagnostics.map((d) => [d.code, d.message, d.labels.map((l) => l.message)])).toEqual([
      ["R0102", "argument `a` of `f` is given twice", ["given again by name", "given by position here"]],
    ]);
  });
});

describe("int literals", () => {
  it("accepts the smallest int as the negation of 2147483648", () => {
    const module = compileOk("reward t\ninput x : float\nlet smallest = -2147483648\nmetric m = float(smallest)\nmetric above = float(smallest + 256)\nreward = x\n", "t.reward", { optimize: false });
    expect(module.nodes.find((n) => n.op === "const" && n.type === "i32" && n.value < 0)).toMatchObject({ value: -2147483648 });
    expect(scoreRows(module, [{ x: 0 }]).metrics).toEqual({ m: -2147483648, above: -2147483392 });
  });

  it("still rejects 2147483648 anywhere else", () => {
    expect(codes("reward t\ninput x : float\nlet big = 2147483648\nreward = x\n")).toEqual(["R0003"]);
    expect(codes("reward t\ninput x : float\nlet big = 1 - 2147483648\nreward = x\n")).toEqual(["R0003"]);
  });
});

describe("depth once functions and lets are expanded", () => {
  it("a chain of functions too deep for the stack is a diagnostic, not a crash", () => {
    const terms = " + v".repeat(250);
    const fns = Array.from({ length: 40 }, (_, i) => (i === 0 ? `fn f0(v) = v${terms}` : `fn f${i}(v) = f${i - 1}(v)${terms}`));
    const text = `reward t\ninput x : float\n${fns.join("\n")}\nreward = f39(x)\n`;
    const result = compileSource("t.reward", text);
    expect(result.module).toBeNull();
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([["R0002", "expression nested too deeply once functions and `let`s are expanded"]]);
    expect(text.slice(result.diagnostics[0]!.labels[0]!.span.start, result.diagnostics[0]!.labels[0]!.span.end)).toBe("f39(x)");
  });

  it("so is a chain of lets, each defined from the next", () => {
    const lets = Array.from({ length: 20_000 }, (_, i) => `let a${i} = a${i + 1} + 1.0`);
    const text = `reward t\ninput x : float\n${lets.join("\n")}\nlet a20000 = x\nreward = a0\n`;
    expect(codes(text)).toEqual(["R0002"]);
  });
});
