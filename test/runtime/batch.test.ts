import { describe, expect, it } from "vitest";
import { batchFromColumns } from "../../src/runtime/batch.js";
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
