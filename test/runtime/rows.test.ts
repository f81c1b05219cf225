import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { IrModule } from "../../src/compiler/ir.js";
import type { RowError } from "../../src/runtime/errors.js";
import { formatRowErrors } from "../../src/runtime/errors.js";
import { batchFromJsonl, parseJsonl } from "../../src/runtime/jsonl.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { IrBuilder } from "./ir.js";

function specModule(): IrModule {
  const b = new IrBuilder("rows").axis("tokens").axis("k3", 3);
  b.input("score", "f32", null, [0, 1]);
  b.input("length", "i32", null, [0, 32768]);
  b.input("correct", "bool");
  b.input("steps", "f32", "tokens");
  b.input("mask", "bool", "tokens");
  b.input("probs", "f32", "k3", [0, 1]);
  return b.build();
}

const good = { prompt: "p", score: 0.5, length: 10, correct: true, steps: [0.1, 0.2], mask: [true, false], probs: [0.2, 0.3, 0.5] };

function errorsOf(rows: unknown[], module = specModule()): RowError[] {
  const r = batchFromRows(module, rows);
  if (!("errors" in r)) throw new Error("expected errors");
  return r.errors;
}

function messages(row: Record<string, unknown>): string[] {
  return errorsOf([row]).map((e) => e.message);
}

describe("batchFromRows", () => {
  it("loads good rows into columns, offsets and groups", () => {
    const r = batchFromRows(specModule(), [good, { ...good, prompt: 7, steps: [], mask: [] }, { ...good, correct: false }]);
    if (!("batch" in r)) throw new Error(formatRowErrors(r.errors));
    const batch = r.batch;
    expect(batch.size).toBe(3);
    expect(batch.groupKeys).toEqual(["p", 7]);
    expect(Array.from(batch.groupIds)).toEqual([0, 1, 0]);
    expect(batch.columns.get("score")).toBeInstanceOf(Float32Array);
    expect(batch.columns.get("length")).toBeInstanceOf(Int32Array);
    expect(Array.from(batch.columns.get("correct")!)).toEqual([1, 1, 0]);
    expect(Array.from(batch.axes.get("tokens")!)).toEqual([0, 2, 2, 4]);
    expect(Array.from(batch.axes.get("k3")!)).toEqual([0, 3, 6, 9]);
    expect(Array.from(batch.columns.get("mask")!)).toEqual([1, 0, 1, 0]);
    expect(batch.columns.get("probs")!.length).toBe(9);
  });

  it("reports a missing field, and a missing group key", () => {
    const { score: _s, prompt: _p, ...rest } = good;
    expect(errorsOf([rest])).toEqual([
      { line: 1, field: "prompt", message: "missing field `prompt`" },
      { line: 1, field: "score", message: "missing field `score`" },
    ]);
  });

  it("never coerces: bools, ints and floats must have their JSON type", () => {
    expect(messages({ ...good, correct: 1 })).toEqual(["field `correct`: expected bool, found 1"]);
    expect(messages({ ...good, correct: "true" })).toEqual(['field `correct`: expected bool, found "true"']);
    expect(messages({ ...good, length: 1.5 })).toEqual(["field `length`: expected int, found 1.5"]);
    expect(messages({ ...good, length: "10" })).toEqual(['field `length`: expected int, found "10"']);
    expect(messages({ ...good, length: 3000000000 })).toEqual(["field `length`: expected int, found 3000000000 (out of int32 range)"]);
    expect(messages({ ...good, score: "x" })).toEqual(['field `score`: expected float, found "x"']);
    expect(messages({ ...good, score: null })).toEqual(["field `score`: expected float, found null"]);
    expect(messages({ ...good, score: NaN })).toEqual(["field `score`: expected float, found NaN"]);
    expect(messages({ ...good, score: true })).toEqual(["field `score`: expected float, found true"]);
    expect(messages({ ...good, score: [1] })).toEqual(["field `score`: expected float, found an array"]);
    expect(messages({ ...good, score: { v: 1 } })).toEqual(["field `score`: expected float, found an object"]);
  });

  it("rejects floats beyond float32", () => {
    const b = new IrBuilder("big", null);
    b.input("x", "f32");
    expect(errorsOf([{ x: 1e39 }], b.build()).map((e) => e.message)).toEqual(["field `x`: expected float, found 1e+39 (out of float32 range)"]);
  });

  it("checks declared ranges, inclusive at both ends", () => {
    expect(messages({ ...good, score: 1.5 })).toEqual(["field `score`: value 1.5 is outside the declared range 0..1"]);
    expect(messages({ ...good, length: -1 })).toEqual(["field `length`: value -1 is outside the declared range 0..32768"]);
    expect(errorsOf([{ ...good, score: 0 }, { ...good, score: 1 }].map((r) => ({ ...r, score: "bad" }))).length).toBe(2);
    expect("batch" in batchFromRows(specModule(), [{ ...good, score: 0 }, { ...good, score: 1, length: 32768 }])).toBe(true);
  });

  it("checks arrays and each element, naming the index", () => {
    expect(messages({ ...good, steps: 3 })).toEqual(["field `steps`: expected array of float, found 3"]);
    expect(messages({ ...good, steps: [0.1, 0.2, 0.3, "x"], mask: [true, false, true, true] })).toEqual(['field `steps`[3]: expected float, found "x"']);
    expect(messages({ ...good, mask: [true, 0] })).toEqual(["field `mask`[1]: expected bool, found 0"]);
    expect(messages({ ...good, probs: [0.2, 1.3, 0.5] })).toEqual(["field `probs`[1]: value 1.3 is outside the declared range 0..1"]);
  });

  it("arrays along one axis must have equal lengths; fixed axes an exact width", () => {
    expect(errorsOf([{ ...good, mask: [true] }])).toEqual([
      { line: 1, field: "mask", message: "fields `steps` and `mask` are both along axis `tokens` but have different lengths (2 and 1)" },
    ]);
    expect(messages({ ...good, probs: [0.5, 0.5] })).toEqual(["field `probs`: expected 3 elements, found 2"]);
  });

  it("group keys are strings or finite numbers", () => {
    expect(errorsOf([{ ...good, prompt: null }])).toEqual([
      { line: 1, field: "prompt", message: "field `prompt`: expected a string or a finite number (group key), found null" },
    ]);
    expect(messages({ ...good, prompt: [1] })).toEqual(["field `prompt`: expected a string or a finite number (group key), found an array"]);
  });

  it("refuses number group keys beyond 2^53, where two keys can be one double and merge their groups", () => {
    // 9007199254740993 parses to 9007199254740992: two prompts would silently become one group.
    const rows = parseJsonl('{"prompt": 9007199254740993}\n{"prompt": 9007199254740992}\n');
    if (!("rows" in rows)) throw new Error("parse");
    expect(errorsOf(rows.rows.map((r) => ({ ...good, ...(r as object) })))).toEqual([
      { line: 1, field: "prompt", message: "field `prompt`: expected a string or a finite number (group key), found 9007199254740992 (beyond 2^53)" },
      { line: 2, field: "prompt", message: "field `prompt`: expected a string or a finite number (group key), found 9007199254740992 (beyond 2^53)" },
    ]);
    expect(messages({ ...good, prompt: -1e300 })).toEqual(["field `prompt`: expected a string or a finite number (group key), found -1e+300 (beyond 2^53)"]);
    const edge = batchFromRows(specModule(), [{ ...good, prompt: Number.MAX_SAFE_INTEGER }, { ...good, prompt: -Number.MAX_SAFE_INTEGER }]);
    expect("batch" in edge && edge.batch.groupKeys).toEqual([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]);
  });

  it("a row that is not an object is one error with field \"\"", () => {
    expect(errorsOf([good, [1, 2], null, "x", 3])).toEqual([
      { line: 2, field: "", message: "expected a JSON object, found an array" },
      { line: 3, field: "", message: "expected a JSON object, found null" },
      { line: 4, field: "", message: 'expected a JSON object, found "x"' },
      { line: 5, field: "", message: "expected a JSON object, found 3" },
    ]);
  });

  it("collects every error across rows, uses given line numbers, and caps at 20", () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ ...good, score: i % 2 === 0 ? "x" : 0.5, correct: 0 }));
    const lines = rows.map((_, i) => 100 + i);
    const r = batchFromRows(specModule(), rows, lines);
    if (!("errors" in r)) throw new Error("expected errors");
    expect(r.errors.length).toBe(21);
    expect(r.errors[0]).toEqual({ line: 100, field: "score", message: 'field `score`: expected float, found "x"' });
    expect(r.errors[1]).toEqual({ line: 100, field: "correct", message: "field `correct`: expected bool, found 0" });
    expect(r.errors[2]).toEqual({ line: 101, field: "correct", message: "field `correct`: expected bool, found 0" });
    // 13 scores + 25 bools = 38 errors: 20 reported, 18 summed up, starting at the first omitted line.
    expect(r.errors[20]).toEqual({ line: 113, field: "", message: "... and 18 more" });
  });

  it("never throws, whatever the values", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom("prompt", "score", "length", "correct", "steps", "mask", "probs"), fc.jsonValue()))), (rows) => {
        const r = batchFromRows(specModule(), rows);
        expect("batch" in r || r.errors.length > 0).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(() => batchFromRows(specModule(), [{ ...good, score: 10n }, { ...good, steps: [Symbol("s")] }, undefined])).not.toThrow();
  });
});

describe("parseJsonl", () => {
  it("skips blank lines and keeps 1-based line numbers", () => {
    const text = '\n{"a": 1}\n   \n\r\n{"a": 2}\r\n\n';
    expect(parseJsonl(text)).toEqual({ rows: [{ a: 1 }, { a: 2 }], lineNumbers: [2, 5], texts: ['{"a": 1}', '{"a": 2}'] });
  });

  it("skips a byte order mark at the start of the file, and only there", () => {
    expect(parseJsonl('\uFEFF{"a": 1}\n{"a": 2}\n')).toEqual({ rows: [{ a: 1 }, { a: 2 }], lineNumbers: [1, 2], texts: ['{"a": 1}', '{"a": 2}'] });
    const r = parseJsonl('{"a": 1}\n\uFEFF{"a": 2}\n');
    expect("errors" in r && r.errors.map((e) => e.line)).toEqual([2]);
  });

  it("rejects a row that repeats a key, naming the line and the field", () => {
    const text = [
      '{"a": 1, "b": 2}',
      '{"a": 1, "a": 2}',
      '{"n": {"a": 1, "a": 2}, "s": "x:y:z", "t": "\\":"}',
      '{"s": "a:b", "\\u0061": 1, "a": 2}',
      '{"o": {"k": [{"a": 1}]}, "a": 2, "o": 3}',
    ].join("\n");
    const r = parseJsonl(text);
    if (!("errors" in r)) throw new Error("expected errors");
    expect(r.errors).toEqual([
      { line: 2, field: "a", message: "field `a` appears more than once" },
      { line: 4, field: "a", message: "field `a` appears more than once" },
      { line: 5, field: "o", message: "field `o` appears more than once" },
    ]);
  });

  it("finds repeated keys exactly: a property over random rows", () => {
    const key = fc.constantFrom("a", "b", "c:d", 'q"', "\\");
    const value = fc.oneof(fc.integer(), fc.constantFrom('"x:y"', '"{"', '{"a":1,"a":2}', "[1,{}]", '"\\":"'));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 5 }), (fields) => {
        const text = `{${fields.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(", ")}}`;
        const keys = fields.map(([k]) => k);
        const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
        const r = parseJsonl(text);
        expect("errors" in r ? r.errors.map((e) => e.field) : []).toEqual(repeated === undefined ? [] : [repeated]);
      }),
      { numRuns: 500 },
    );
  });

  it("reports invalid JSON and non-objects with their line numbers", () => {
    const r = parseJsonl('{"a": 1}\n\n[1, 2]\n{"a": \n7\n');
    if (!("errors" in r)) throw new Error("expected errors");
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([
      [3, ""],
      [4, ""],
      [5, ""],
    ]);
    expect(r.errors[0]!.message).toBe("expected a JSON object, found an array");
    expect(r.errors[1]!.message).toMatch(/^invalid JSON: /);
    expect(r.errors[2]!.message).toBe("expected a JSON object, found 7");
  });

  it("row errors point at file lines, blank lines counted", () => {
    const b = new IrBuilder();
    b.input("score");
    const r = batchFromJsonl(b.build(), '{"prompt": 1, "score": 1}\n\n\n{"prompt": 1, "score": "a"}\n');
    expect(r).toEqual({ errors: [{ line: 4, field: "score", message: 'field `score`: expected float, found "a"' }] });
  });
});

describe("string inputs in rows", () => {
  function textSpec(): IrModule {
    const b = new IrBuilder("text", "prompt").text("completion").text("answer");
    const ok = b.input("ok", "bool");
    const same = b.derived("text.equals#0", {
      fn: "equals",
      left: { kind: "call", fn: "trim", arg: { kind: "call", fn: "boxed", arg: { kind: "input", name: "completion" } } },
      right: { kind: "input", name: "answer" },
    });
    const tags = b.derived("text.count#1", { fn: "count", arg: { kind: "input", name: "completion" }, needle: "<think>" });
    b.output("reward", b.add(b.cast(b.bin("and", ok, same), "f32"), b.cast(tags, "f32")));
    return b.build();
  }

  it("reads strings (lone surrogates included) and computes the derived inputs for the whole batch", () => {
    const rows = parseJsonl(
      [
        '{"prompt": "p", "completion": "<think>x</think> \\\\boxed{ 42 }", "answer": "42", "ok": true}',
        '{"prompt": "p", "completion": "\\ud800 \\\\boxed{7}", "answer": "42", "ok": true}',
        '{"prompt": "q", "completion": "", "answer": "", "ok": false}',
      ].join("\n"),
    );
    if ("errors" in rows) throw new Error(formatRowErrors(rows.errors));
    const r = batchFromRows(textSpec(), rows.rows);
    if (!("batch" in r)) throw new Error(formatRowErrors(r.errors));
    expect(r.batch.texts?.get("completion")).toEqual(["<think>x</think> \\boxed{ 42 }", "\ud800 \\boxed{7}", ""]);
    expect(Array.from(r.batch.columns.get("text.equals#0")!)).toEqual([1, 0, 1]);
    expect(Array.from(r.batch.columns.get("text.count#1")!)).toEqual([1, 0, 0]);
  });

  it("never coerces a string field, and never reads a derived input from a row", () => {
    const row = { prompt: "p", completion: 3, answer: null, ok: true, "text.equals#0": true };
    expect(errorsOf([row], textSpec())).toEqual([
      { line: 1, field: "completion", message: "field `completion`: expected string, found 3" },
      { line: 1, field: "answer", message: "field `answer`: expected string, found null" },
    ]);
    expect(errorsOf([{ prompt: "p", ok: true, answer: ["a"] }], textSpec())).toEqual([
      { line: 1, field: "completion", message: "missing field `completion`" },
      { line: 1, field: "answer", message: "field `answer`: expected string, found an array" },
    ]);
  });

  it("reads a JSONL file of rollouts whose completions hold any JSON string", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" }), { minLength: 1, maxLength: 5 }), (completions) => {
        const text = completions.map((c) => JSON.stringify({ prompt: "p", completion: c, answer: c.trim(), ok: true })).join("\n");
        const r = batchFromJsonl(textSpec(), text);
        if (!("batch" in r)) throw new Error(formatRowErrors(r.errors));
        expect(r.batch.texts?.get("completion")).toEqual(completions);
      }),
    );
  });
});
