import { describe, expect, it } from "vitest";
import { RuntimeInputError } from "../../src/runtime/errors.js";
import { Session } from "../../src/runtime/session.js";
import { rowsBatch } from "./helpers.js";
import { IrBuilder } from "./ir.js";

/** Lagrange multiplier (catalog section 8): mu <- max(0, mu + eta * (theta - batch_mean(cost))). */
function lagrange() {
  const b = new IrBuilder("lagrange");
  const r = b.input("r");
  const cost = b.input("cost");
  const eta = b.param("eta", "f32", 0.5, [0, 1]);
  const theta = b.param("theta", "f32", 1);
  b.param("steps_max", "i32", 10, [0, 100]);
  b.param("clip", "bool", 0);
  const mu = b.state("mu", "f32", 0);
  const n = b.state("n", "i32", 0);
  b.state("seen", "bool", 0);
  b.state("frozen", "f32", 7);
  const meanCost = b.batchReduce("mean", cost);
  b.update("mu", b.math("max", [b.c(0), b.add(mu, b.mul(eta, b.sub(theta, meanCost)))]));
  b.update("n", b.add(n, b.c(1, "i32")));
  b.update("seen", b.c(1, "bool"));
  b.output("reward", b.add(r, b.mul(mu, cost)));
  b.metric("mean_cost", meanCost);
  return b.build();
}

const batch1 = [
  { prompt: 1, r: 1, cost: 0 },
  { prompt: 1, r: 0, cost: 1 },
];
const batch2 = [{ prompt: 2, r: 1, cost: 2 }];

describe("Session", () => {
  it("applies state updates after each batch, reading the state from before it", () => {
    const m = lagrange();
    const s = new Session(m);
    expect(s.state()).toEqual({ mu: 0, n: 0, seen: 0, frozen: 7 });
    const a = s.score(rowsBatch(m, batch1));
    expect(Array.from(a.outputs.get("reward")!)).toEqual([1, 0]); // mu was 0
    expect(a.metrics.get("mean_cost")).toBe(0.5);
    expect(s.state()).toEqual({ mu: 0.25, n: 1, seen: 1, frozen: 7 }); // 0 + 0.5 * (1 - 0.5)
    const b = s.score(rowsBatch(m, batch2));
    expect(Array.from(b.outputs.get("reward")!)).toEqual([1 + 0.25 * 2]);
    expect(s.state()).toEqual({ mu: 0, n: 2, seen: 1, frozen: 7 }); // max(0, 0.25 + 0.5 * (1 - 2))
    expect(s.step).toBe(2);
  });

  it("saves and restores state; a restored session continues identically", () => {
    const m = lagrange();
    const s = new Session(m, { params: { eta: 0.25 } });
    s.score(rowsBatch(m, batch1));
    const saved = s.saveState();
    expect(JSON.parse(saved)).toEqual({ format: "rewardc-state", version: 1, module: "lagrange", step: 1, state: { mu: 0.125, n: 1, seen: true, frozen: 7 } });
    const t = new Session(m, { params: { eta: 0.25 } });
    t.restoreState(saved);
    expect(t.state()).toEqual(s.state());
    expect(t.step).toBe(1);
    const x = s.score(rowsBatch(m, batch2));
    const y = t.score(rowsBatch(m, batch2));
    expect(Array.from(y.outputs.get("reward")!)).toEqual(Array.from(x.outputs.get("reward")!));
    expect(t.state()).toEqual(s.state());
  });

  it("round-trips non-finite float state", () => {
    const b = new IrBuilder("inf", null);
    b.state("best", "f32", -Infinity);
    b.output("reward", b.input("r"));
    const s = new Session(b.build());
    const t = new Session(b.build());
    t.restoreState(s.saveState());
    expect(t.state()).toEqual({ best: -Infinity });
  });

  it("restores whatever it saves: a float state that became NaN or infinite", () => {
    const b = new IrBuilder("nan", null);
    const mu = b.state("mu", "f32", 0.5);
    const big = b.state("big", "f32", 1);
    const small = b.state("small", "f32", 1);
    b.update("mu", b.math("log", [b.sub(mu, b.c(1))]));
    b.update("big", b.mul(big, b.c(Infinity)));
    b.update("small", b.mul(small, b.c(-Infinity)));
    b.output("reward", b.input("r"));
    const m = b.build();
    const s = new Session(m);
    s.score(rowsBatch(m, [{ r: 1 }]));
    const saved = s.saveState();
    expect(JSON.parse(saved).state).toEqual({ mu: "NaN", big: "Infinity", small: "-Infinity" });
    const t = new Session(m);
    t.restoreState(saved);
    expect(t.state()).toEqual({ mu: NaN, big: Infinity, small: -Infinity });
    expect(t.step).toBe(1);
  });

  it("rejects a saved state that does not fit, and changes nothing", () => {
    const m = lagrange();
    const s = new Session(m);
    const doc = JSON.parse(new Session(m).saveState());
    const err = (json: string): string => {
      try {
        s.restoreState(json);
      } catch (e) {
        expect(e).toBeInstanceOf(RuntimeInputError);
        return (e as Error).message;
      }
      throw new Error("expected an error");
    };
    expect(err("{")).toMatch(/^cannot restore state: not valid JSON \(/);
    expect(err("[]")).toBe("cannot restore state: not a rewardc state file");
    expect(err(JSON.stringify({ ...doc, version: 2 }))).toBe("cannot restore state: unsupported version 2");
    expect(err(JSON.stringify({ ...doc, module: "other" }))).toBe("cannot restore state: it was saved for spec `other`, this is spec `lagrange`");
    expect(err(JSON.stringify({ ...doc, step: -1 }))).toBe("cannot restore state: `step` must be a non-negative integer, found -1");
    expect(err(JSON.stringify({ ...doc, state: { ...doc.state, n: 1.5, seen: 1, mu: "x" } }))).toBe(
      ["cannot restore state:", '  state `mu` is a float, found "x"', "  state `n` is an int, found 1.5", "  state `seen` is a bool, found 1"].join("\n"),
    );
    const { frozen: _f, ...missing } = doc.state;
    expect(err(JSON.stringify({ ...doc, state: { ...missing, extra: 1 } }))).toBe(
      ["cannot restore state:", "  no value for state `frozen`", "  unknown state `extra`; known states: `mu`, `n`, `seen`, `frozen`"].join("\n"),
    );
    expect(s.state()).toEqual({ mu: 0, n: 0, seen: 0, frozen: 7 });
    expect(s.step).toBe(0);
  });

  it("validates param overrides", () => {
    const m = lagrange();
    const err = (params: Record<string, number | boolean>): string => {
      try {
        new Session(m, { params });
      } catch (e) {
        expect(e).toBeInstanceOf(RuntimeInputError);
        return (e as Error).message;
      }
      throw new Error("expected an error");
    };
    expect(err({ etta: 0.1 })).toBe("unknown param `etta`; known params: `eta`, `theta`, `steps_max`, `clip`");
    expect(err({ eta: 2 })).toBe("param `eta` = 2 is outside its declared range 0..1");
    expect(err({ steps_max: 1.5 })).toBe("param `steps_max` is an int: give an integer, found 1.5");
    expect(err({ steps_max: 3e9 })).toBe("param `steps_max` is an int: give an integer within int32, found 3000000000");
    expect(err({ clip: 1 })).toBe("param `clip` is a bool: give true or false, found 1");
    expect(err({ theta: true })).toBe("param `theta` is a float: give a number, found true");
    expect(err({ theta: NaN, eta: -1 })).toBe("param `theta` is a float: give a number, found NaN\nparam `eta` = -1 is outside its declared range 0..1");
    const noParams = new IrBuilder("none", null);
    noParams.output("reward", noParams.input("r"));
    expect(() => new Session(noParams.build(), { params: { x: 1 } })).toThrow("unknown param `x`; this spec has no params");
    const ok = new Session(m, { params: { clip: true, steps_max: 100, eta: 1, theta: Infinity } });
    expect(ok.params()).toEqual({ eta: 1, theta: Infinity, steps_max: 100, clip: 1 });
  });
});
