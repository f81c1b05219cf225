/** `rewardc test` on specs with `string` inputs: generated strings exercise the features, counterexamples show them. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { batchFromJsonl } from "../../src/runtime/jsonl.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { textRegExp } from "../../src/runtime/text.js";
import {
  arbitraryBatch,
  arbitraryPairBatch,
  arbitraryText,
  checkProperties,
  counterexampleJsonl,
  counterexampleTable,
  patternSample,
  specLiterals,
  stringCell,
} from "../../src/testing/index.js";
import { compileOk } from "../support.js";

const FORMAT = String.raw`^<think>.*</think>\s*<answer>.*</answer>$`;

const SPEC = String.raw`
reward t
group by prompt
input completion : string
input answer     : string
input length     : int in 0..100
let formatted = text.matches(completion, "${FORMAT}", flags: "s")
let right     = text.trim(text.boxed(completion)) == answer
let steps     = text.count(completion, "Step")
let value     = text.final_number(completion)
reward = float(formatted) * 0.5 + float(right) + 0.1 * float(min(steps, 3)) - float(length) / 1000.0
metric numbered = batch.mean(if value > 0.0 then 1.0 else 0.0)
advantage = std.grpo(reward)
property bounded: expect reward >= -0.1 and reward <= 1.8
property right_wins:
  pair a, b differ in completion
  given a.right and not b.right and a.formatted == b.formatted and a.steps == b.steps
  expect a.reward > b.reward
`;

describe("patternSample", () => {
  it.each([
    [FORMAT, "<think>x</think> <answer>x</answer>", ["<think>", "</think>", "<answer>", "</answer>"]],
    [String.raw`\\boxed\{(\d+)\}`, "\\boxed{7}", ["\\boxed{", "}"]],
    [String.raw`#### (-?[0-9.,]+)`, "#### -0", ["#### ", "-"]],
    [String.raw`(?<year>\d{4})-\d{2}`, "7777-77", ["-"]],
    [String.raw`[^<>]+\n\u{1F642}\x41`, "x\n🙂A", ["\n🙂A"]],
    [String.raw`a{3}b`, "aaab", ["a", "b"]],
  ])("samples %j", (pattern, sample, fragments) => {
    expect(patternSample(pattern)).toEqual({ sample, fragments });
    expect(textRegExp(pattern, "s").test(sample)).toBe(true);
  });

  it("spells out every alternative", () => {
    const { sample } = patternSample(String.raw`(Step \d+:|^\d+\.|\n-|First,)`);
    for (const part of ["Step 7:", "7.", "\n-", "First,"]) expect(sample).toContain(part);
  });
});

describe("generated strings", () => {
  const module = compileOk(SPEC);

  it("draw on the spec's literals", () => {
    const literals = specLiterals(module);
    expect(literals).toEqual(expect.arrayContaining(["<think>x</think> <answer>x</answer>", "<think>", "</answer>", "Step"]));
  });

  it("give rows `rewardc run` reads, with every string input and no derived input", () => {
    fc.assert(
      fc.property(arbitraryBatch(module), (rows) => {
        const built = batchFromRows(module, rows);
        expect("errors" in built ? built.errors : []).toEqual([]);
        for (const row of rows) {
          expect(typeof row.completion).toBe("string");
          expect(typeof row.answer).toBe("string");
          expect(Object.keys(row).some((k) => k.startsWith("text."))).toBe(false);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("make every feature take more than one value", () => {
    const seen = new Map<string, Set<number>>();
    const rows = fc.sample(arbitraryBatch(module), { numRuns: 200, seed: 5 }).flat();
    const built = batchFromRows(module, rows);
    if ("errors" in built) throw new Error("bad rows");
    for (const input of module.inputs.filter((i) => i.feature)) {
      const values = new Set(Array.from(built.batch.columns.get(input.name)!, (v) => (Number.isNaN(v) ? NaN : Math.min(v, 2))));
      seen.set(input.feature!.fn, values);
    }
    expect([...seen.get("matches")!].sort()).toEqual([0, 1]);
    expect([...seen.get("equals")!].sort()).toEqual([0, 1]);
    expect([...seen.get("count")!].sort()).toEqual([0, 1, 2]);
    expect(seen.get("final_number")!.has(NaN)).toBe(true);
    expect(seen.get("final_number")!.size).toBeGreaterThan(2);
  });

  it("shrink to short strings", () => {
    const shrunk = [1, 2, 3, 4, 5].map((seed) => fc.check(fc.property(arbitraryText(module), (s) => !s.includes("<")), { seed }).counterexample![0]);
    expect(shrunk).toContain("<think>");
    for (const s of shrunk) expect(s.length).toBeLessThanOrEqual(20);
  });

  it("pair batches differ only in the strings they say", () => {
    fc.assert(
      fc.property(arbitraryPairBatch(module, ["completion"]), ({ rows, a, b }) => {
        const [x, y] = [rows[a]!, rows[b]!];
        expect(x.completion).not.toBe(y.completion);
        expect({ ...x, completion: null }).toEqual({ ...y, completion: null });
      }),
    );
  });
});

describe("properties of specs with strings", () => {
  it("hold when they should, the pair over strings included", async () => {
    const module = compileOk(SPEC);
    const results = await checkProperties(module, { seed: 7, runs: 100 });
    expect(results.filter((r) => r.status !== "passed").map((r) => [r.name, r.status, r.note])).toEqual([["cpu_webgpu_agreement", "skipped", "no WebGPU backend (no adapter, or --backend cpu)"]]);
    const pair = results.find((r) => r.name === "right_wins")!;
    expect(pair.runs).toBe(100);
  });

  it("a failing one shows its strings in the table and replays from its JSONL", async () => {
    const module = compileOk(String.raw`
reward f
input completion : string
let tagged = text.matches(completion, "<answer>\\d+</answer>")
reward = if tagged then 1.0 else float(text.words(completion)) / 3.0
property at_most_one: expect reward <= 1.0
`);
    const [result] = await checkProperties(module, { seed: 3, runs: 200, only: ["at_most_one"] });
    expect(result!.status).toBe("failed");
    const c = result!.counterexample!;
    // Four words or more, shrunk to few pieces.
    expect(c.rows.length).toBeLessThanOrEqual(2);
    const completion = c.rows[c.violation.rows[0]!]!.completion as string;
    expect(completion.split(/\s+/).filter((w) => w).length).toBe(4);
    expect(completion.length).toBeLessThan(40);
    const table = counterexampleTable(module, result!);
    expect(table.split("\n")[0]).toMatch(/row\s+completion\s+reward/);
    expect(table).toContain(stringCell(completion));
    const replay = batchFromJsonl(module, counterexampleJsonl(c));
    if ("errors" in replay) throw new Error("replay failed");
    expect(replay.batch.texts!.get("completion")).toEqual(c.rows.map((r) => r.completion));
  });
});

describe("stringCell", () => {
  it("escapes and cuts the middle of long strings", () => {
    expect(stringCell('a "b"\n')).toBe('"a \\"b\\"\\n"');
    expect(stringCell("\ud800")).toBe('"\\ud800"');
    const long = `${"x".repeat(40)}🙂${"y".repeat(20)}`;
    expect(stringCell(long)).toBe(`"${"x".repeat(32)}…${"y".repeat(12)}" (61 chars)`);
  });
});
