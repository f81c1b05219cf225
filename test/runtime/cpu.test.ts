import { describe, expect, it } from "vitest";
import type { IrModule } from "../../src/compiler/ir.js";
import { takeRollouts } from "../../src/runtime/batch.js";
import { runCpu } from "../../src/runtime/cpu.js";
import { expectClose, rowsBatch, run } from "./helpers.js";
import { grpoModule, IrBuilder } from "./ir.js";

const f32 = Math.fround;

function grpoRows(rewards: number[], groupSize: number): unknown[] {
  return rewards.map((r, i) => ({ prompt: `p${Math.floor(i / groupSize)}`, reward_in: r }));
}

describe("advantage vectors (catalog.md section 6)", () => {
  it("verl GRPO: (r - mean) / (unbiased std + 1e-6) matches the catalog vector", () => {
    // Source: catalog.md section 6, verl GRPO vector.
    const module = grpoModule();
    const batch = rowsBatch(module, grpoRows([1, 0, 0, 1, 0, 0, 0, 0, 0.5, 1, 0, 0], 4));
    const { out } = run(module, batch);
    expectClose(out.advantage!, [0.866, -0.866, -0.866, 0.866, 0, 0, 0, 0, 0.2611, 1.3056, -0.7833, -0.7833], 1e-4);
    expect(out.reward).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0.5, 1, 0, 0]);
  });

  it("numeric trap: [1.0, 1.00001] in one group gives -/+0.6196, not a variance-floor artefact", () => {
    // Source: catalog.md section 6, known traps (verl loop GRPO in float32).
    const module = grpoModule();
    const { out } = run(module, rowsBatch(module, grpoRows([1.0, 1.00001], 2)));
    expectClose(out.advantage!, [-0.6196, 0.6196], 1e-4);
  });

  it("singleton groups: std of one value is 0, so the advantage is 0; group maps have defined results", () => {
    const b = new IrBuilder();
    const r = b.input("reward_in");
    const mu = b.groupReduce("mean", r);
    const sd = b.groupReduce("std", r, { ddof: 1 });
    b.output("advantage", b.div(b.sub(r, mu), b.add(sd, b.c(1e-6))));
    b.output("reward", b.groupMap("loo_mean", r));
    b.output("weight", b.groupMap("loo_std", r, 1));
    b.output("size", b.groupSize());
    b.output("rank", b.groupMap("rank", r));
    b.output("eq", b.groupMap("count_eq", r));
    b.output("soft", b.groupMap("softmax", r));
    const module = b.build();
    const { out } = run(module, rowsBatch(module, [{ prompt: 1, reward_in: 3 }, { prompt: 2, reward_in: -1 }, { prompt: "1", reward_in: 5 }]));
    expect(out.advantage).toEqual([0, 0, 0]);
    expect(out.reward).toEqual([0, 0, 0]);
    expect(out.weight).toEqual([0, 0, 0]);
    expect(out.size).toEqual([1, 1, 1]); // 1 and "1" are different keys
    expect(out.rank).toEqual([0, 0, 0]);
    expect(out.eq).toEqual([1, 1, 1]);
    expect(out.soft).toEqual([1, 1, 1]);
  });
});

describe("groups", () => {
  function groupModule(): IrModule {
    const b = new IrBuilder();
    const r = b.input("score");
    const mu = b.groupReduce("mean", r);
    const sd = b.groupReduce("std", r, { ddof: 1 });
    b.output("advantage", b.div(b.sub(r, mu), b.add(sd, b.c(1e-6))));
    b.output("rank", b.groupMap("rank", r));
    b.output("eq", b.groupMap("count_eq", r));
    b.output("loo", b.groupMap("loo_mean", r));
    b.output("loo_std", b.groupMap("loo_std", r, 1));
    b.output("soft", b.groupMap("softmax", r));
    b.output("size", b.groupSize());
    b.output("gsum", b.groupReduce("sum", r));
    return b.build();
  }

  it("non-adjacent groups give the same per-rollout results as adjacent ones, after permutation", () => {
    const module = groupModule();
    const keys = ["a", "b", "c", "a", "c", "b", "a", "c", "a", "b"];
    const scores = [0.5, 1, 0, 0.25, 3, -1, 0.5, 2, 1, 1];
    const interleaved = rowsBatch(module, keys.map((k, i) => ({ prompt: k, score: scores[i] })));
    expect(interleaved.groupKeys).toEqual(["a", "b", "c"]);
    expect(Array.from(interleaved.groupIds)).toEqual([0, 1, 2, 0, 2, 1, 0, 2, 0, 1]);
    // Stable sort by group: the relative order within each group is kept, so results are bit-identical.
    const order = keys.map((k, i) => [k, i] as const).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1])).map(([, i]) => i);
    const adjacent = rowsBatch(module, order.map((i) => ({ prompt: keys[i], score: scores[i] })));
    const a = runCpu(module, interleaved, {}, {});
    const b = runCpu(module, adjacent, {}, {});
    for (const [name, values] of a.outputs) {
      const permuted = order.map((i) => values[i]!);
      expect(permuted, name).toEqual(Array.from(b.outputs.get(name)!));
    }
    expect(Array.from(a.outputs.get("size")!)).toEqual([4, 3, 3, 4, 3, 3, 4, 3, 4, 3]);
  });

  it("rank and count_eq agree between the pairwise path and the sorting path (groups above 32)", () => {
    const b = new IrBuilder();
    const r = b.input("score", "i32");
    b.output("rank", b.groupMap("rank", r));
    b.output("eq", b.groupMap("count_eq", r));
    const module = b.build();
    const rows: { prompt: string; score: number }[] = [];
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % 9;
    for (let i = 0; i < 100; i++) rows.push({ prompt: i % 3 === 0 ? "small" : "big", score: rand() - 4 });
    // "small" has 34 members too; shrink it below the threshold by relabelling some rows.
    for (let i = 0; i < 60; i += 3) rows[i]!.prompt = "big";
    const { out } = run(module, rowsBatch(module, rows));
    for (let i = 0; i < rows.length; i++) {
      const mates = rows.filter((x) => x.prompt === rows[i]!.prompt);
      expect(out.rank![i]).toBe(mates.filter((x) => x.score < rows[i]!.score).length);
      expect(out.eq![i]).toBe(mates.filter((x) => x.score === rows[i]!.score).length);
    }
  });

  it("without group by, the whole batch is one group", () => {
    const b = new IrBuilder("ungrouped", null);
    const r = b.input("score");
    b.output("reward", b.sub(r, b.groupReduce("mean", r)));
    const module = b.build();
    const batch = rowsBatch(module, [{ score: 1 }, { score: 3 }]);
    expect(batch.groupCount).toBe(1);
    expect(run(module, batch).out.reward).toEqual([-1, 1]);
    expect(rowsBatch(module, []).groupCount).toBe(0);
  });

  it("masked group reductions and batch reductions over groups, rollouts and elements", () => {
    const b = new IrBuilder().axis("tokens");
    const r = b.input("score");
    const ok = b.input("ok", "bool");
    const t = b.input("t", "f32", "tokens");
    const gm = b.groupReduce("mean", r, { where: ok });
    b.output("reward", gm);
    b.metric("mean_of_group_means", b.batchReduce("mean", gm));
    b.metric("rollout_mean", b.batchReduce("mean", r));
    b.metric("token_sum", b.batchReduce("sum", t));
    b.metric("token_count_ok", b.batchReduce("count", b.c(1, "bool"), { where: ok }));
    b.metric("ok_tokens", b.batchReduce("sum", t, { where: ok }));
    b.metric("var_pop", b.batchReduce("var", r));
    const module = b.build();
    const rows = [
      { prompt: 0, score: 1, ok: true, t: [1, 2] },
      { prompt: 0, score: 3, ok: false, t: [] },
      { prompt: 1, score: 5, ok: true, t: [4] },
      { prompt: 1, score: 7, ok: true, t: [8, 16, 32] },
    ];
    const { out, metrics } = run(module, rowsBatch(module, rows));
    expect(out.reward).toEqual([1, 1, 6, 6]);
    expect(metrics.mean_of_group_means).toBe(3.5);
    expect(metrics.rollout_mean).toBe(4);
    expect(metrics.token_sum).toBe(63);
    expect(metrics.token_count_ok).toBe(3); // the where is finer than the constant: count over rollouts
    expect(metrics.ok_tokens).toBe(63); // rollout-level where broadcast over its tokens
    expect(metrics.var_pop).toBe(5);
  });
});

describe("ragged axes", () => {
  function axisModule(): IrModule {
    const b = new IrBuilder().axis("tokens");
    const x = b.input("x", "f32", "tokens");
    const m = b.input("m", "bool", "tokens");
    b.output("sum", b.axisReduce("sum", x, "tokens"));
    b.output("mean", b.axisReduce("mean", x, "tokens"));
    b.output("max", b.axisReduce("max", x, "tokens"));
    b.output("std", b.axisReduce("std", x, "tokens", { ddof: 1 }));
    b.output("argmax", b.axisReduce("argmax", x, "tokens"));
    b.output("argmax_m", b.axisReduce("argmax", x, "tokens", { where: m }));
    b.output("first_m", b.axisReduce("first", x, "tokens", { where: m }));
    b.output("len", b.axisReduce("len", x, "tokens"));
    b.output("count_m", b.axisReduce("count", m, "tokens"));
    b.output("first_index", b.axisReduce("first_index", m, "tokens"));
    b.output("any", b.axisReduce("any", m, "tokens"));
    b.output("all", b.axisReduce("all", m, "tokens"));
    b.output("at1", b.at(x, b.c(1, "i32"), "tokens"));
    b.output("advantage", b.add(x, b.axisReduce("sum", x, "tokens")));
    return b.build();
  }

  it("reductions, including empty arrays and masks", () => {
    const module = axisModule();
    const rows = [
      { prompt: 0, x: [5, 9, 1, 7], m: [true, false, true, true] },
      { prompt: 0, x: [], m: [] },
      { prompt: 1, x: [2], m: [false] },
    ];
    const { out } = run(module, rowsBatch(module, rows));
    expect(out.sum).toEqual([22, 0, 2]);
    expect(out.mean).toEqual([5.5, 0, 2]);
    expect(out.max).toEqual([9, 0, 2]);
    expectClose(out.std!, [Math.sqrt(35 / 3), 0, 0], 1e-5);
    expect(out.argmax).toEqual([1, -1, 0]);
    expect(out.argmax_m).toEqual([3, -1, -1]); // position in the full array, not among selected elements
    expect(out.first_m).toEqual([5, 0, 0]);
    expect(out.len).toEqual([4, 0, 1]);
    expect(out.count_m).toEqual([3, 0, 0]);
    expect(out.first_index).toEqual([0, -1, -1]);
    expect(out.any).toEqual([1, 0, 0]);
    expect(out.all).toEqual([0, 1, 0]);
    expect(out.at1).toEqual([9, 0, 0]);
    // An element-level output stays element level: one value per token, in input order.
    expect(out.advantage).toEqual([27, 31, 23, 29, 4]);
  });

  it("scans with a per-rollout discount, shifts, index, extremum scans and softmax", () => {
    const b = new IrBuilder().axis("steps");
    const r = b.input("r", "f32", "steps");
    const gamma = b.input("gamma", "f32");
    const k = b.input("k", "i32", "steps");
    b.output("returns", b.axisScan("suffix_sum", r, "steps", gamma));
    b.output("prefix", b.axisScan("prefix_sum", r, "steps"));
    b.output("pmax", b.axisScan("prefix_max", k, "steps"));
    b.output("smin", b.axisScan("suffix_min", r, "steps"));
    b.output("soft", b.axisScan("softmax", r, "steps"));
    b.output("prev", b.shift("prev", r, b.c(-1), "steps"));
    b.output("next", b.shift("next", r, r, "steps"));
    b.output("index", b.index("steps"));
    // Delta form (catalog section 4): r_k = PRM_k - PRM_{k+1}, last r_K = PRM_K.
    b.output("delta", b.sub(r, b.shift("next", r, b.c(0), "steps")));
    const module = b.build();
    const rows = [
      { prompt: 0, r: [1, 1, 1], gamma: 0.5, k: [3, 1, 4] },
      { prompt: 0, r: [], gamma: 0.9, k: [] },
      { prompt: 1, r: [0.9, 0.8, 0.95], gamma: 1, k: [-2, 5, 5] },
    ];
    const { out } = run(module, rowsBatch(module, rows));
    expectClose(out.returns!, [1.75, 1.5, 1, 2.65, 1.75, 0.95], 1e-6);
    expectClose(out.prefix!, [1, 2, 3, 0.9, 1.7, 2.65], 1e-6);
    expect(out.pmax).toEqual([3, 3, 4, -2, 5, 5]);
    expect(out.smin).toEqual([1, 1, 1, f32(0.8), f32(0.8), f32(0.95)]);
    expectClose(out.soft!.slice(0, 3), [1 / 3, 1 / 3, 1 / 3], 1e-7);
    expect(out.prev).toEqual([-1, 1, 1, -1, f32(0.9), f32(0.8)]);
    expect(out.next).toEqual([1, 1, 1, f32(0.8), f32(0.95), f32(0.95)]);
    expect(out.index).toEqual([0, 1, 2, 0, 1, 2]);
    // Source: catalog.md section 4, Clip and Delta vector: PRM [0.9,0.8,0.95] -> [0.1,-0.15,0.95].
    expectClose(out.delta!.slice(3), [0.1, -0.15, 0.95], 1e-6);
  });

  it("fixed-width axes", () => {
    const b = new IrBuilder("fixed", null).axis("k3", 3);
    const s = b.input("scores", "f32", "k3");
    const lam = b.c(0.5);
    // UWO = mean - lambda * population var (catalog section 3).
    b.output("reward", b.sub(b.axisReduce("mean", s, "k3"), b.mul(lam, b.axisReduce("var", s, "k3"))));
    b.output("wco", b.axisReduce("min", s, "k3"));
    const module = b.build();
    const { out } = run(module, rowsBatch(module, [{ scores: [1.0, 1.2, 2.6] }, { scores: [0, 0, 0] }]));
    // Source: catalog.md section 3 vector: scores (1.0,1.2,2.6), lambda 0.5 -> UWO 1.34667, WCO 1.0.
    expectClose(out.reward!, [1.34667, 0], 1e-5);
    expect(out.wco).toEqual([1, 0]);
  });
});

describe("scalar semantics", () => {
  function metrics(build: (b: IrBuilder) => Record<string, number>): Record<string, number> {
    const b = new IrBuilder("scalars", null);
    for (const [name, id] of Object.entries(build(b))) b.metric(name, id);
    const module = b.build();
    return run(module, rowsBatch(module, [{}])).metrics;
  }

  it("int arithmetic wraps, int division and remainder follow WGSL", () => {
    const m = metrics((b) => {
      const i = (v: number): number => b.c(v, "i32");
      const idiv = (x: number, y: number): number => b.node("binary", { fn: "div" }, "i32", { kind: "const" }, [x, y]);
      return {
        add_wrap: b.add(i(2147483647), i(1)),
        mul_wrap: b.mul(i(65536), i(65536)),
        mul_big: b.mul(i(123456789), i(987654321)),
        neg_min: b.neg(i(-2147483648)),
        mod_neg: b.bin("mod", i(-7), i(3)),
        mod_zero: b.bin("mod", i(7), i(0)),
        mod_min: b.bin("mod", i(-2147483648), i(-1)),
        div_trunc: idiv(i(-7), i(2)),
        div_zero: idiv(i(5), i(0)),
        div_min: idiv(i(-2147483648), i(-1)),
        fmod: b.bin("mod", b.c(-7.5), b.c(2)),
        fdiv0: b.div(b.c(1), b.c(0)),
        pow: b.bin("pow", b.c(2), b.c(0.5)),
      };
    });
    expect(m.add_wrap).toBe(-2147483648);
    expect(m.mul_wrap).toBe(0);
    expect(m.mul_big).toBe(Math.imul(123456789, 987654321));
    expect(m.neg_min).toBe(-2147483648);
    expect(m.mod_neg).toBe(-1);
    expect(m.mod_zero).toBe(0);
    expect(m.mod_min).toBe(0);
    expect(m.div_trunc).toBe(-3);
    expect(m.div_zero).toBe(5);
    expect(m.div_min).toBe(-2147483648);
    expect(m.fmod).toBe(-1.5);
    expect(m.fdiv0).toBe(Infinity);
    expect(m.pow).toBe(f32(Math.SQRT2));
  });

  it("casts truncate, saturate and map NaN to 0; bool is x != 0", () => {
    const m = metrics((b) => {
      const nan = b.div(b.c(0), b.c(0));
      return {
        trunc_neg: b.cast(b.c(-7.9), "i32"),
        sat_hi: b.cast(b.c(3e10), "i32"),
        sat_lo: b.cast(b.c(-3e10), "i32"),
        nan_int: b.cast(nan, "i32"),
        nan_bool: b.cast(nan, "bool"),
        zero_bool: b.cast(b.c(0), "bool"),
        bool_float: b.cast(b.c(1, "bool"), "f32"),
        int_float: b.cast(b.c(16777217, "i32"), "f32"),
        not: b.not(b.c(0, "bool")),
        cmp_mixed: b.bin("lt", b.c(2, "i32"), b.c(2.5)),
        ne_nan: b.bin("ne", nan, nan),
        sel: b.select(b.c(1, "bool"), b.c(3), b.c(4)),
        clamp: b.math("clamp", [b.c(5), b.c(0), b.c(1)]),
        abs_int: b.math("abs", [b.c(-3, "i32")]),
        fin: b.math("is_finite", [nan], "bool"),
        sig: b.math("sigmoid", [b.c(0, "i32")], "f32"),
      };
    });
    expect(m).toMatchObject({ trunc_neg: -7, sat_hi: 2147483647, sat_lo: -2147483648, nan_int: 0, nan_bool: 1, zero_bool: 0, bool_float: 1 });
    expect(m.int_float).toBe(16777216);
    expect(m).toMatchObject({ not: 1, cmp_mixed: 1, ne_nan: 1, sel: 3, clamp: 1, abs_int: 3, fin: 0, sig: 0.5 });
  });

  it("outputs coarser than a rollout are broadcast to rollouts; params and state are read", () => {
    const b = new IrBuilder();
    const r = b.input("score");
    const scale = b.param("scale", "f32", 2);
    const offset = b.state("offset", "f32", 10);
    b.output("reward", b.mul(b.groupReduce("max", r), scale));
    b.output("keep", b.bin("gt", r, b.c(0)));
    b.output("weight", b.add(offset, b.c(1)));
    const module = b.build();
    const batch = rowsBatch(module, [{ prompt: "x", score: 1 }, { prompt: "y", score: -2 }, { prompt: "x", score: 3 }]);
    const res = runCpu(module, batch, { scale: 3 }, { offset: 0.5 });
    expect(Array.from(res.outputs.get("reward")!)).toEqual([9, -6, 9]);
    expect(res.outputs.get("keep")).toBeInstanceOf(Uint8Array);
    expect(Array.from(res.outputs.get("keep")!)).toEqual([1, 0, 1]);
    expect(Array.from(res.outputs.get("weight")!)).toEqual([1.5, 1.5, 1.5]);
    expect(res.nextState).toEqual({ offset: 0.5 });
  });

  it("only the nodes the roots need are computed, and outputs never alias the batch's columns", () => {
    const b = new IrBuilder();
    const r = b.input("score");
    const unused = b.groupReduce("mean", r);
    b.output("reward", r);
    const module = b.build();
    const batch = rowsBatch(module, [{ prompt: 1, score: 2 }]);
    const res = runCpu(module, batch, {}, {});
    expect(res.values[unused]).toBeUndefined();
    const reward = res.outputs.get("reward")!;
    expect(reward).not.toBe(batch.columns.get("score"));
    reward[0] = 100;
    expect(batch.columns.get("score")![0]).toBe(2);
  });
});

describe("takeRollouts", () => {
  it("permutes scalar and ragged columns together and renumbers groups", () => {
    const b = new IrBuilder().axis("t");
    b.input("x", "f32", "t");
    b.output("reward", b.axisReduce("sum", b.input("y", "i32", "t"), "t"));
    const module = b.build();
    const batch = rowsBatch(module, [
      { prompt: "a", x: [1], y: [10] },
      { prompt: "b", x: [2, 3], y: [20, 30] },
      { prompt: "a", x: [], y: [] },
    ]);
    const p = takeRollouts(module, batch, [1, 2, 0]);
    expect(p.groupKeys).toEqual(["b", "a"]);
    expect(Array.from(p.groupIds)).toEqual([0, 1, 1]);
    expect(Array.from(p.axes.get("t")!)).toEqual([0, 2, 2, 3]);
    expect(Array.from(p.columns.get("x")!)).toEqual([2, 3, 1]);
    expect(run(module, p).out.reward).toEqual([50, 0, 10]);
  });
});
