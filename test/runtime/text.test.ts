import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TextExpr, TextFeature } from "../../src/compiler/ir.js";
import { InternalError } from "../../src/diagnostics/diagnostic.js";
import {
  boxed,
  codePoints,
  computeTextFeatures,
  countMatches,
  countOccurrences,
  finalNumber,
  hasNumber,
  numbersIn,
  parseNumber,
  textRegExp,
  words,
} from "../../src/runtime/text.js";
import { shortestF32 } from "../../src/util/numbers.js";
import { IrBuilder } from "./ir.js";

const completion: TextExpr = { kind: "input", name: "completion" };

/** The column of one feature over `strings`. */
function feature(f: TextFeature, strings: string[]): number[] {
  const b = new IrBuilder("t", null).text("completion");
  b.derived("f", f);
  const columns = computeTextFeatures(b.build(), new Map([["completion", strings]]), strings.length);
  return Array.from(columns.get("f")!);
}

/** No lone surrogate (with `u`, a pair is one code point and only a lone half is in Cs). */
const wellFormed = (s: string): boolean => !/\p{Cs}/u.test(s);
const f32 = fc.float({ noNaN: true, noDefaultInfinity: true });
/** Strings over a small alphabet, so needles and patterns occur often; surrogate pairs and lone halves included. */
const smallText = fc.string({ unit: fc.constantFrom("a", "b", "ab", " ", "\n", "🙂", "\ud83d", "\ude42", "1", ",", ".", "-"), maxLength: 20 });

describe("matches and count_matches", () => {
  it("search anywhere, with the flags as written plus u", () => {
    const m = (pattern: string, flags: string, strings: string[]) => feature({ fn: "matches", arg: completion, pattern, flags }, strings);
    expect(m("<think>.*</think>", "s", ["a <think>\nx</think>", "<think>x", "<THINK></THINK>"])).toEqual([1, 0, 0]);
    expect(m("<think>.*</think>", "i", ["<THINK></THINK>", "<think>\n</think>"])).toEqual([1, 0]);
    expect(m("^answer:", "m", ["x\nanswer: 3", "x answer:"])).toEqual([1, 0]);
    expect(m("^.$", "", ["🙂", "ab"])).toEqual([1, 0]);
  });

  it("count non-overlapping matches; an empty match moves on one code point", () => {
    const c = (pattern: string, strings: string[]) => feature({ fn: "count_matches", arg: completion, pattern, flags: "" }, strings);
    expect(c("x*", ["ab", "xx", ""])).toEqual([3, 2, 1]);
    expect(c("", ["🙂", "ab"])).toEqual([2, 3]);
    expect(c("\\d+", ["a1b22c333", "none"])).toEqual([3, 0]);
    expect(c("aa", ["aaaaa"])).toEqual([2]);
    expect(c("<step>", ["<step>a<step>b", ""])).toEqual([2, 0]);
  });

  it("count_matches agrees with matchAll, and matches with count_matches > 0", () => {
    const patterns = fc.constantFrom("a", "ab|b", "a*", "(?:)", "\\s+", "[🙂b]", "b?", "\\p{L}+", ".");
    fc.assert(
      fc.property(smallText, patterns, (s, pattern) => {
        const n = countMatches(textRegExp(pattern, "", true), s);
        expect(n).toBe([...s.matchAll(new RegExp(pattern, "gu"))].length);
        expect(textRegExp(pattern, "").test(s)).toBe(n > 0);
      }),
    );
  });

  it("a literal pattern counts what count counts", () => {
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    fc.assert(
      fc.property(smallText, smallText.filter((n) => n.length > 0 && wellFormed(n)), (s, needle) => {
        expect(countMatches(textRegExp(escape(needle), "", true), s)).toBe(countOccurrences(s, needle));
      }),
    );
  });

  it("rejects flags other than i, m and s", () => {
    expect(() => textRegExp("a", "g")).toThrow(SyntaxError);
    expect(() => textRegExp("(", "")).toThrow(SyntaxError);
  });
});

describe("count, chars, words", () => {
  it("count is Python's str.count", () => {
    expect(countOccurrences("aaaa", "aa")).toBe(2);
    expect(countOccurrences("abab", "ab")).toBe(2);
    expect(countOccurrences("🙂a", "")).toBe(3);
    expect(countOccurrences("", "")).toBe(1);
    expect(countOccurrences("", "a")).toBe(0);
    // A needle that is half of a surrogate pair never matches inside the pair.
    expect(countOccurrences("🙂\ude42", "\ude42")).toBe(1);
    expect(feature({ fn: "count", arg: completion, needle: "</step>" }, ["a</step>b</step>", "</step"])).toEqual([2, 0]);
  });

  it("count matches a split-based reference on well-formed strings", () => {
    const text = smallText.filter(wellFormed);
    fc.assert(
      fc.property(text, text, (s, needle) => {
        const expected = needle === "" ? [...s].length + 1 : s.split(needle).length - 1;
        expect(countOccurrences(s, needle)).toBe(expected);
      }),
    );
  });

  it("chars counts code points, a lone surrogate as one", () => {
    expect(codePoints("")).toBe(0);
    expect(codePoints("héllo")).toBe(5);
    expect(codePoints("🙂🙂")).toBe(2);
    expect(codePoints("\ud83d")).toBe(1);
    expect(codePoints("\ude42\ud83d")).toBe(2);
    fc.assert(fc.property(fc.string({ unit: "binary" }), smallText, (s, t) => {
      expect(codePoints(s + t)).toBe([...(s + t)].length);
    }));
  });

  it("words counts runs of non-whitespace", () => {
    expect(words("")).toBe(0);
    expect(words("  one\ttwo\nthree  ")).toBe(3);
    expect(words("a\u00a0b\u3000c")).toBe(3);
    fc.assert(fc.property(smallText, (s) => {
      expect(words(s)).toBe(s.split(/\s+/u).filter((w) => w !== "").length);
    }));
  });
});

describe("numbers", () => {
  const cases: [string, number][] = [
    ["The answer is 42.", 42],
    ["x = -3", -3],
    ["3-4", 4],
    ["x-1", 1],
    ["(-5)", -5],
    ["\u22127", -7],
    ["1,234.5 dollars", 1234.5],
    ["costs $1{,}000", 1000],
    ["1,2,3", 3],
    ["1,2345", 2345],
    ["1234,567", 567],
    ["12,345,678", 12345678],
    [".5", 0.5],
    ["2.", 2],
    ["1.2.3", Math.fround(0.3)],
    ["1e-3", Math.fround(0.001)],
    ["2E+2 and 3e", 3],
    ["10^5", 5],
    ["50%", 50],
    ["1e999", Infinity],
    ["-1e999", -Infinity],
    ["0.1", Math.fround(0.1)],
    ["16777217", 16777216],
    ["#### 72\n", 72],
    ["no numbers here", NaN],
    ["", NaN],
    ["-", NaN],
    [".", NaN],
  ];
  it.each(cases)("final_number(%j) is %d", (s, expected) => {
    expect(finalNumber(s)).toBe(expected);
    expect(hasNumber(s)).toBe(!Number.isNaN(expected));
  });

  it("finds every number left to right", () => {
    expect(numbersIn("Step 1: 3-4 = -1, total 1,000.5 (2e3)")).toEqual([1, 3, 4, -1, 1000.5, 2000]);
  });

  const whole: [string, number][] = [
    ["42", 42],
    [" -$1,234.50 ", -1234.5],
    ["+2.", 2],
    ["$5", 5],
    ["-.5", -0.5],
    ["1e-3", Math.fround(0.001)],
    ["\u22123", -3],
    ["1{,}000", 1000],
    ["12%", NaN],
    ["1/2", NaN],
    ["\\frac{1}{2}", NaN],
    ["5 apples", NaN],
    ["", NaN],
    ["Infinity", NaN],
    ["NaN", NaN],
    ["0x10", NaN],
    ["1_000", NaN],
    ["12,34", NaN],
    ["$-5", NaN],
    ["--5", NaN],
  ];
  it.each(whole)("number(%j) is %d", (s, expected) => expect(parseNumber(s)).toBe(expected));

  it("final_number and number read back every printed float32", () => {
    fc.assert(
      fc.property(f32, fc.constantFrom("The answer is ", "x = ", "so ", "\\boxed{", ""), (x, before) => {
        const printed = String(shortestF32(x));
        // -0 prints as "0"; any other float32 comes back with its bits.
        const expected = Object.is(x, -0) ? 0 : x;
        expect(finalNumber(`${before}${printed}`)).toBe(expected);
        expect(parseNumber(printed)).toBe(expected);
      }),
    );
  });

  it("reads integers printed with thousands separators", () => {
    fc.assert(
      fc.property(fc.integer({ min: -2e9, max: 2e9 }), (n) => {
        const printed = n.toLocaleString("en-US");
        expect(finalNumber(`total: ${printed} items`)).toBe(Math.fround(n));
        expect(parseNumber(printed)).toBe(Math.fround(n));
      }),
    );
  });

  it("has_number is final_number not being NaN, and final_number is the last of the numbers", () => {
    fc.assert(
      fc.property(smallText, (s) => {
        const all = numbersIn(s);
        expect(hasNumber(s)).toBe(all.length > 0);
        expect(finalNumber(s)).toBe(all.length > 0 ? all[all.length - 1]! : NaN);
      }),
    );
  });
});

describe("boxed", () => {
  it.each([
    ["\\boxed{42}", "42"],
    ["so \\boxed{\\frac{1}{2}}.", "\\frac{1}{2}"],
    ["\\boxed{1} then \\boxed{2}", "2"],
    ["\\boxed{1} then \\fbox{3}", "3"],
    ["\\boxed{\\boxed{1}}", "1"],
    ["\\boxed{\\{1, 2\\}}", "\\{1, 2\\}"],
    ["\\boxed{a\\\\}", "a\\\\"],
    ["\\boxed{}", ""],
    ["\\boxed{1", ""],
    ["\\boxed{1} \\boxed{2", ""],
    ["\\boxed {1}", ""],
    ["boxed{1}", ""],
    ["", ""],
  ])("boxed(%j) is %j", (s, expected) => expect(boxed(s)).toBe(expected));

  /** Balanced content: text, nested groups, escaped braces and commands, never a box of its own. */
  const content: fc.Arbitrary<string> = fc.letrec<{ c: string }>((tie) => ({
    c: fc
      .array(
        fc.oneof(
          { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom("a", "1", " ", "+", "^", "_", "🙂", "b"), maxLength: 4 }) },
          { weight: 1, arbitrary: fc.constantFrom("\\{", "\\}", "\\frac", "\\\\", "\\sqrt") },
          { weight: 2, arbitrary: tie("c").map((inner) => `{${inner}}`) },
        ),
        { maxLength: 4 },
      )
      .map((parts) => parts.join("")),
  })).c;
  const noBox = fc.string({ unit: fc.constantFrom("a", "}", "{", " ", "\\", "boxed", "1") }).filter((s) => !s.includes("\\boxed{") && !s.includes("\\fbox{"));

  it("finds the last box's content, nested braces included", () => {
    fc.assert(
      fc.property(fc.string(), content, noBox, fc.constantFrom("\\boxed{", "\\fbox{"), (before, inside, after, open) => {
        const s = `${before}${open}${inside}}${after}`;
        fc.pre(!after.startsWith("boxed{") && !after.startsWith("fbox{")); // `\` + after would open another box
        expect(boxed(s)).toBe(inside);
      }),
    );
  });

  it("is empty when the last box is never closed", () => {
    fc.assert(fc.property(fc.string(), content, (before, inside) => {
      expect(boxed(`${before}\\boxed{{${inside}`)).toBe("");
    }));
  });
});

describe("computeTextFeatures", () => {
  it("evaluates string expressions (literals, trim, lower, boxed) and equals", () => {
    const b = new IrBuilder("t", null).text("completion").text("answer");
    const answer: TextExpr = { kind: "input", name: "answer" };
    const box: TextExpr = { kind: "call", fn: "trim", arg: { kind: "call", fn: "boxed", arg: completion } };
    b.derived("same", { fn: "equals", left: box, right: answer });
    b.derived("yes", { fn: "equals", left: { kind: "call", fn: "lower", arg: { kind: "call", fn: "trim", arg: completion } }, right: { kind: "literal", value: "yes" } });
    b.derived("value", { fn: "number", arg: box });
    b.derived("lit", { fn: "chars", arg: { kind: "call", fn: "trim", arg: { kind: "literal", value: "  ab  " } } });
    const texts = new Map([
      ["completion", ["so \\boxed{ 12 }", " YES\n", "\\boxed{x}"]],
      ["answer", ["12", "yes", "y"]],
    ]);
    const columns = computeTextFeatures(b.build(), texts, 3);
    expect(Array.from(columns.get("same")!)).toEqual([1, 0, 0]);
    expect(Array.from(columns.get("yes")!)).toEqual([0, 1, 0]);
    expect(Array.from(columns.get("value")!)).toEqual([12, NaN, NaN]);
    expect(Array.from(columns.get("lit")!)).toEqual([2, 2, 2]);
    expect(columns.get("same")).toBeInstanceOf(Uint8Array);
    expect(columns.get("value")).toBeInstanceOf(Float32Array);
    expect(columns.get("lit")).toBeInstanceOf(Int32Array);
  });

  it("an empty batch gives empty columns", () => {
    expect(feature({ fn: "final_number", arg: completion }, [])).toEqual([]);
  });

  it("a derived input of the wrong type, or reading a missing string input, is an internal error", () => {
    const b = new IrBuilder("t", null).text("completion");
    b.input("x", "f32");
    const m = b.build();
    m.inputs[0]!.feature = { fn: "matches", arg: completion, pattern: "a", flags: "" };
    expect(() => computeTextFeatures(m, new Map([["completion", ["a"]]]), 1)).toThrow(InternalError);
    const c = new IrBuilder("t", null).text("completion");
    c.derived("n", { fn: "chars", arg: { kind: "input", name: "other" } });
    expect(() => computeTextFeatures(c.build(), new Map([["completion", ["a"]]]), 1)).toThrow(InternalError);
  });
});
