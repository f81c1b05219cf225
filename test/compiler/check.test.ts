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

describe("text inputs", () => {
  const derived = (text: string, optimize = true): { name: string; type: string; feature: unknown }[] =>
    compileOk(text, "t.reward", { optimize })
      .inputs.filter((i) => i.feature)
      .map(({ name, type, feature }) => ({ name, type, feature }));

  it("one derived input per distinct feature, typed by its function, after the declared inputs", () => {
    const module = compileOk(
      'reward t\ninput c : string\ninput x : float\nlet a = text.chars(c)\nlet b = text.chars(c)\nreward = x + float(a + b) + float(text.matches(c, "x")) + float(text.matches(c, "x", flags: "i")) + text.number(c)\n',
    );
    expect(module.texts).toEqual([{ name: "c" }]);
    expect(module.inputs.map((i) => [i.name, i.type, i.axis, i.range])).toEqual([
      ["x", "f32", null, null],
      ["text.chars#0", "i32", null, null],
      ["text.matches#1", "bool", null, null],
      ["text.matches#2", "bool", null, null],
      ["text.number#3", "f32", null, null],
    ]);
    expect(module.inputs[2]!.feature).toEqual({ fn: "matches", arg: { kind: "input", name: "c" }, pattern: "x", flags: "" });
  });

  it("a let holding a string is inlined into the features that read it; != is `not` of an equality", () => {
    const module = compileOk('reward t\ninput c : string\ninput gold : string\nlet ans = text.trim(text.boxed(c))\nreward = float(ans != gold) + float(ans == "4")\n');
    expect(module.inputs.map((i) => i.feature)).toEqual([
      { fn: "equals", left: { kind: "call", fn: "trim", arg: { kind: "call", fn: "boxed", arg: { kind: "input", name: "c" } } }, right: { kind: "input", name: "gold" } },
      { fn: "equals", left: { kind: "call", fn: "trim", arg: { kind: "call", fn: "boxed", arg: { kind: "input", name: "c" } } }, right: { kind: "literal", value: "4" } },
    ]);
    expect(module.nodes.filter((n) => n.op === "unary").map((n) => n.op === "unary" && n.fn)).toEqual(["not"]);
  });

  it("patterns keep their escapes for the engine (only \\\" becomes a quote); needles and compared literals decode them", () => {
    const [matches, count, equals] = derived('reward t\ninput c : string\nreward = float(text.matches(c, "\\d+\\n\\"\\\\")) + float(text.count(c, "a\\tb\\"\\\\\\n")) + float(c == "\\"q\\"")\n');
    expect(matches!.feature).toMatchObject({ pattern: '\\d+\\n"\\\\' });
    expect(new RegExp((matches!.feature as { pattern: string }).pattern, "u").test('12\n"\\')).toBe(true);
    expect(count!.feature).toMatchObject({ needle: 'a\tb"\\\n' });
    expect(equals!.feature).toMatchObject({ right: { kind: "literal", value: '"q"' } });
  });

  it("the passes drop features nothing reads; the unoptimised IR still has them", () => {
    const text = 'reward t\ninput c : string\nlet unused = text.words(c)\nreward = float(text.chars(c))\n';
    expect(derived(text, false).map((d) => d.name)).toEqual(["text.words#0", "text.chars#1"]);
    expect(derived(text).map((d) => d.name)).toEqual(["text.chars#1"]);
  });

  it("features only a property reads are kept for `rewardc test` and dropped for scoring", async () => {
    const { withoutChecks } = await import("../../src/compiler/passes/removeDeadCode.js");
    const module = compileOk('reward t\ngroup by p\ninput c : string\ninput x : float\nlet long = text.chars(c) > 10\nreward = x\nproperty p1:\n  expect long or not long\n');
    expect(module.inputs.filter((i) => i.feature).map((i) => i.name)).toEqual(["text.chars#0"]);
    expect(withoutChecks(module).inputs.filter((i) => i.feature)).toEqual([]);
  });

  it("modules without strings have texts = []", () => {
    expect(compileOk("reward t\ninput x : float\nreward = x\n").texts).toEqual([]);
  });

  it("derived input names never clash with user names, and the WGSL namer makes identifiers of them", async () => {
    const { WgslNamer } = await import("../../src/compiler/wgsl/namer.js");
    const namer = new WgslNamer();
    const user = namer.name("text_chars_0");
    const derivedName = namer.name("text.chars#0");
    expect(user).toBe("text_chars_0");
    expect(derivedName).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
    expect(derivedName).not.toBe(user);
    const module = compileOk("reward t\ninput c : string\ninput text_chars_0 : int\nreward = float(text.chars(c) + text_chars_0)\n");
    expect(module.inputs.map((i) => i.name)).toEqual(["text_chars_0", "text.chars#0"]);
  });

  it("a string input that is read is used; an unread one warns like any input", () => {
    expect(codes('reward t\ninput c : string\ninput d : string\nreward = float(text.matches(c, "a"))\n')).toEqual(["W0301"]);
  });

  it("strings anywhere else are one R0214 each, pointing at the string", () => {
    const source = "reward t\ninput c : string\nreward = float(text.chars(c)) + c\n";
    const result = compileSource("t.reward", source);
    expect(result.diagnostics.map((d) => [d.code, source.slice(d.labels[0]!.span.start, d.labels[0]!.span.end)])).toEqual([["R0214", "c"]]);
    expect(codes('reward t\ninput c : string\nreward = if c == "a" then 1.0 else text.boxed(c)\n')).toEqual(["R0214"]);
    expect(codes('reward t\ninput c : string\nmetric m = batch.mean(text.lower(c))\nreward = float(text.chars(c))\n')).toEqual(["R0214"]);
    expect(codes('reward t\ninput c : string\nfn f(s: string) = 1.0\nreward = float(text.chars(c))\n')).toEqual(["R0214"]);
    expect(codes('reward t\ninput c : string\nstate s : string = 0.0\nreward = float(text.chars(c))\n')).toEqual(["R0214"]);
    expect(codes('reward t\ninput c : string in 0..1\nreward = float(text.chars(c))\n')).toEqual(["R0209"]);
  });

  it("a string let defined in terms of itself is a cycle, reported once", () => {
    expect(codes("reward t\ninput c : string\nlet a = text.trim(b)\nlet b = text.lower(a)\nreward = float(text.chars(a))\n")).toEqual(["R0106"]);
  });

  it("pattern, needle and flags arguments", () => {
    expect(codes('reward t\ninput c : string\nreward = float(text.matches(c, "a", flags: "mm"))\n')).toEqual(["R0215"]);
    expect(codes('reward t\ninput c : string\nreward = float(text.matches(c, "\\p{Letter}+"))\n')).toEqual([]);
    expect(codes('reward t\ninput c : string\nreward = float(text.matches(c, "\\q"))\n')).toEqual(["R0215"]);
    expect(codes('reward t\ninput c : string\nreward = float(text.count(c, "a", flags: "i"))\n')).toEqual(["R0108"]);
    expect(codes('reward t\ninput c : string\nreward = float(text.matches(c, c))\n')).toEqual(["R0215"]);
  });

  it("text is a namespace: unknown functions get a suggestion, and a function-local value is not a string", () => {
    const result = compileSource("t.reward", "reward t\ninput c : string\nreward = float(text.word(c))\n");
    expect(result.diagnostics[0]!.help).toBe("did you mean `text.words`?");
    expect(codes("reward t\ninput c : string\nfn n(s) = text.chars(s)\nreward = float(n(1))\n")).toEqual(["R0202"]);
  });

  it("scores through the host-computed features on the CPU", () => {
    const module = compileOk('reward t\ninput c : string\ninput gold : string\nreward = float(text.boxed(c) == gold) + 0.5 * float(text.count(c, "ab"))\n');
    const { outputs } = scoreRows(module, [
      { c: "x \\boxed{7} ab ab", gold: "7" },
      { c: "\\boxed{8}", gold: "7" },
    ]);
    expect(outputs.reward).toEqual([2, 0]);
  });
});
