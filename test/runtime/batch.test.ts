import { describe, expect, it } from "vitest";
import { BatchBuilder, batchFromColumns, takeRollouts } from "../../src/runtime/batch.js";
import { RuntimeInputError } from "../../src/runtime/errors.js";
import { run } from "./helpers.js";
import { IrBuilder } from "./ir.js";

function module() {
  const b = new IrBuilder().axis("tokens").axis("k2", 2);
  const s = b.input("score", "f32", null, [-10, 10]);
  const ok = b.input("ok", "bool");
  const t = b.input("t", "i32", "tokens");
  const p = b.input("p", "f32", "k2");
  b.output("reward", b.add(b.add(s, b.cast(ok, "f32")), b.add(b.cast(b.axisReduce("sum", t, "tokens"), "f32"), b.axisReduce("sum", p, "k2"))));
  return b.build();
}

describe("batchFromColumns", () => {
  it("uses typed arrays of the right class without copying", () => {
    const score = new Float32Array([1, 2, 3]);
    const ok = new Uint8Array([1, 0, 1]);
    const t = new Int32Array([5, 6, 7]);
    const tokens = new Int32Array([0, 2, 2, 3]);
    const p = new Float32Array([0.5, 0.5, 0, 0, 1, 1]);
    const batch = batchFromColumns(module(), { groupKeys: ["a", "b", "a"], columns: { score, ok, t, p }, offsets: { tokens } });
    expect(batch.columns.get("score")).toBe(score);
    expect(batch.columns.get("ok")).toBe(ok);
    expect(batch.columns.get("t")).toBe(t);
    expect(batch.axes.get("tokens")).toBe(tokens);
    expect(Array.from(batch.axes.get("k2")!)).toEqual([0, 2, 4, 6]);
    expect(Array.from(batch.groupIds)).toEqual([0, 1, 0]);
    expect(run(module(), batch).out.reward).toEqual([1 + 1 + 11 + 1, 2, 3 + 1 + 7 + 2]);
  });

  it("converts plain arrays (bools as true/false or 0/1) and accepts a Map of columns", () => {
    const batch = batchFromColumns(module(), {
      groupKeys: [1, 1],
      columns: new Map<string, ArrayLike<number | boolean>>([
        ["score", [1, 2]],
        ["ok", [true, 0]],
        ["t", [1, 2, 3]],
        ["p", [0, 0, 0, 0]],
      ]),
      offsets: { tokens: [0, 1, 3] },
    });
    expect(batch.columns.get("ok")).toBeInstanceOf(Uint8Array);
    expect(Array.from(batch.columns.get("ok")!)).toEqual([1, 0]);
    expect(batch.columns.get("t")).toBeInstanceOf(Int32Array);
  });

  it("reports every length, offset and value problem in one error", () => {
    let err: unknown;
    try {
      batchFromColumns(module(), {
        groupKeys: ["a", null as unknown as string, "c"],
        columns: { score: new Float32Array([1, NaN, 11]), ok: new Uint8Array([0, 2, 1]), t: [1.5, 2, 3], p: new Float32Array(5) },
        offsets: { tokens: [0, 2, 1, 3] },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RuntimeInputError);
    expect((err as Error).message).toBe(
      [
        "invalid batch:",
        "  group key `prompt`[1]: expected a string or a finite number, found null",
        "  offsets for axis `tokens` must start at 0 and never decrease",
        "  column `score`[1]: expected float, found NaN",
        "  column `score`[2]: value 11 is outside the declared range -10..10",
        "  column `ok`[1]: expected bool (0 or 1), found 2",
        "  column `p` has 5 values, expected 6 (the offsets of axis `k2` end at 6)",
      ].join("\n"),
    );
    expect(() => batchFromColumns(module(), { groupKeys: ["a"], columns: { score: [1, 2] } })).toThrow(
      /offsets for axis `tokens` are missing\n  column `score` has 2 values, expected 1 \(one per rollout\)\n  column `ok` is missing/,
    );
    expect(() => batchFromColumns(module(), { columns: { score: [1] } })).toThrow("group key column `prompt` is missing");
  });
});

/** A spec with a `string` input: reward = ok + 2 * (mentions "yes") + the final number of the completion. */
function textModule() {
  const b = new IrBuilder("text", null).text("completion");
  const ok = b.input("ok", "bool");
  const yes = b.derived("yes", { fn: "matches", arg: { kind: "input", name: "completion" }, pattern: "\\byes\\b", flags: "i" });
  const n = b.derived("n", { fn: "final_number", arg: { kind: "input", name: "completion" } });
  const words = b.derived("w", { fn: "words", arg: { kind: "call", fn: "trim", arg: { kind: "input", name: "completion" } } });
  b.output("reward", b.add(b.add(b.cast(ok, "f32"), b.mul(b.cast(yes, "f32"), b.c(2))), b.add(n, b.cast(words, "f32"))));
  return b.build();
}

describe("batchFromColumns with string inputs", () => {
  it("computes the derived columns from the strings and keeps the strings", () => {
    const completion = ["Yes, it is 3.", "no: -1,000", "YESTERDAY 7"];
    const batch = batchFromColumns(textModule(), { columns: { ok: [true, false, false] }, texts: { completion } });
    expect(batch.size).toBe(3);
    expect(batch.texts?.get("completion")).toBe(completion);
    expect(Array.from(batch.columns.get("yes")!)).toEqual([1, 0, 0]);
    expect(batch.columns.get("yes")).toBeInstanceOf(Uint8Array);
    expect(Array.from(batch.columns.get("n")!)).toEqual([3, -1000, 7]);
    expect(batch.columns.get("n")).toBeInstanceOf(Float32Array);
    expect(Array.from(batch.columns.get("w")!)).toEqual([4, 2, 2]);
    expect(run(textModule(), batch).out.reward).toEqual([1 + 2 + 3 + 4, -1000 + 2, 7 + 2]);
  });

  it("takes the size from the strings and accepts a Map", () => {
    const b = new IrBuilder("t", null).text("s");
    b.output("reward", b.cast(b.derived("c", { fn: "chars", arg: { kind: "input", name: "s" } }), "f32"));
    const batch = batchFromColumns(b.build(), { columns: {}, texts: new Map([["s", ["ab", "🙂", ""]]]) });
    expect(Array.from(batch.columns.get("c")!)).toEqual([2, 1, 0]);
  });

  it("reports missing, mistyped and wrongly sized strings, and a derived column given by the caller", () => {
    const m = textModule();
    expect(() => batchFromColumns(m, { columns: { ok: [true] } })).toThrow("strings `completion` are missing (give them in `texts`)");
    expect(() => batchFromColumns(m, { columns: { ok: [true, true] }, texts: { completion: ["a"] } })).toThrow("strings `completion` have 1 values, expected 2 (one per rollout)");
    expect(() => batchFromColumns(m, { columns: { ok: [true, true] }, texts: { completion: "ab" as unknown as string[] } })).toThrow('strings `completion`: expected an array of strings, found "ab"');
    expect(() => batchFromColumns(m, { columns: { ok: [true, true, true] }, texts: { completion: ["a", 3, null] as unknown as string[] } })).toThrow(
      "invalid batch:\n  strings `completion`[1]: expected string, found 3\n  strings `completion`[2]: expected string, found null",
    );
    expect(() => batchFromColumns(m, { columns: { ok: [true], n: [1] }, texts: { completion: ["a"] } })).toThrow(
      "column `n` is computed from the string inputs; give the strings in `texts`, not this column",
    );
  });

  it("keeps strings with their rollouts when rollouts are taken", () => {
    const m = textModule();
    const batch = batchFromColumns(m, { columns: { ok: [true, false] }, texts: { completion: ["yes 1", "2"] } });
    const taken = takeRollouts(m, batch, [1, 0, 1]);
    expect(taken.texts?.get("completion")).toEqual(["2", "yes 1", "2"]);
    expect(Array.from(taken.columns.get("n")!)).toEqual([2, 1, 2]);
  });
});

describe("BatchBuilder with string inputs", () => {
  it("ignores the values of derived inputs and computes them from the strings once, at the end", () => {
    const m = textModule();
    const builder = new BatchBuilder(m);
    // inputs: ok, yes, n, w
    builder.add(null, [1, 99, 99, 99], ["yes 5"]);
    builder.add(null, [0, 0, 0, 0], ["x"]);
    const batch = builder.finish();
    expect(Array.from(batch.columns.get("yes")!)).toEqual([1, 0]);
    expect(Array.from(batch.columns.get("n")!)).toEqual([5, NaN]);
    expect(batch.texts?.get("completion")).toEqual(["yes 5", "x"]);
    builder.add(null, [0, 0, 0, 0], ["more"]);
    expect(batch.texts?.get("completion")).toEqual(["yes 5", "x"]);
    expect(() => builder.add(null, [0, 0, 0, 0])).toThrow("BatchBuilder.add got 0 strings for 1 string inputs");
  });
});
