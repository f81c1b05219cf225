/**
 * Arrow IPC in and out: scoring from Arrow equals scoring the same rows from JSONL bit for bit, every error
 * path reads like JSONL's, and a Float32 column reaches the batch without a copy.
 */
import fc from "fast-check";
import { Bool, Dictionary, LargeUtf8, Field, FixedSizeList, Float16, Float32, Float64, Int32, Int64, LargeList, List, RecordBatch, Schema, Struct, Table, Uint32, Utf8, Utf8View, makeData, makeVector, type Data, tableFromIPC, tableFromJSON, tableToIPC, vectorFromArray, type DataType } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { batchFromArrow, readArrowTable, scoresToArrow } from "../../src/runtime/arrow.js";
import type { Batch } from "../../src/runtime/batch.js";
import { RuntimeInputError, type RowError } from "../../src/runtime/errors.js";
import { batchFromJsonl } from "../../src/runtime/jsonl.js";
import { Session } from "../../src/runtime/session.js";
import { compileOk } from "../support.js";
import { loadExample, tableOf } from "./arrowHelpers.js";

function fromArrow(module: Parameters<typeof batchFromArrow>[0], source: Uint8Array | Table, firstRow?: number): Batch {
  const r = batchFromArrow(module, source, firstRow === undefined ? {} : { firstRow });
  if ("errors" in r) throw new Error(JSON.stringify(r.errors));
  return r.batch;
}

function errorsOf(module: Parameters<typeof batchFromArrow>[0], source: Uint8Array | Table, firstRow?: number): RowError[] {
  const r = batchFromArrow(module, source, firstRow === undefined ? {} : { firstRow });
  if (!("errors" in r)) throw new Error("expected row errors");
  return r.errors;
}

function bits(column: ArrayLike<number>): string {
  return Buffer.from(new Float64Array(Array.from(column)).buffer).toString("hex");
}

const EXAMPLES = ["grpo_lambda", "token_entropy", "process_delta", "rm_ensemble", "lagrange_state", "dapo_overlong", "self_consistency"];

describe("batchFromArrow", () => {
  it.each(EXAMPLES)("scores %s from Arrow exactly as from JSONL", (name) => {
    const { module, rows, jsonl } = loadExample(name);
    const fromJsonl = batchFromJsonl(module, jsonl);
    if ("errors" in fromJsonl) throw new Error(JSON.stringify(fromJsonl.errors));
    const ipc = tableToIPC(tableOf(module, rows), "stream");
    const viaArrow = fromArrow(module, ipc);
    const a = new Session(module).score(fromJsonl.batch);
    const b = new Session(module).score(viaArrow);
    expect([...b.outputs.keys()]).toEqual([...a.outputs.keys()]);
    for (const [k, v] of a.outputs) expect(bits(b.outputs.get(k)!), k).toBe(bits(v));
    expect(Object.fromEntries(b.metrics)).toEqual(Object.fromEntries(a.metrics));
    expect(viaArrow.groupKeys).toEqual(fromJsonl.batch.groupKeys);
  });

  it("reads the file format as well as the stream format", () => {
    const { module, rows } = loadExample("grpo_lambda");
    const table = tableOf(module, rows);
    const a = fromArrow(module, tableToIPC(table, "stream"));
    const b = fromArrow(module, tableToIPC(table, "file"));
    expect(Array.from(b.columns.get("length")!)).toEqual(Array.from(a.columns.get("length")!));
  });

  it("uses a Float32 column in place: the batch's column is a view of the IPC buffer", () => {
    const module = compileOk("reward r\ninput x : float\nreward = x\n");
    const ipc = tableToIPC(new Table({ x: vectorFromArray(new Float32Array([0.5, 1.5, 2.5])) }), "stream");
    const table = tableFromIPC(ipc);
    const arrowValues = table.getChild("x")!.data[0]!.values as Float32Array;
    expect(arrowValues.buffer).toBe(ipc.buffer);
    const batch = fromArrow(module, table);
    const column = batch.columns.get("x") as Float32Array;
    expect(column).toBeInstanceOf(Float32Array);
    expect(column.buffer).toBe(ipc.buffer);
    expect(column.byteOffset).toBe(arrowValues.byteOffset);
    expect(Array.from(column)).toEqual([0.5, 1.5, 2.5]);
  });

  it("uses a List<Float32> column's values and offsets in place", () => {
    const { module, rows } = loadExample("token_entropy");
    const ipc = tableToIPC(tableOf(module, rows), "stream");
    const batch = fromArrow(module, ipc);
    expect(batch.columns.get("entropy")!.buffer).toBe(ipc.buffer);
    expect(batch.axes.get("tokens")!.buffer).toBe(ipc.buffer);
  });

  it("copies what it cannot use in place: Float64, several record batches, a slice", () => {
    const module = compileOk("reward r\ngroup by p\ninput x : float\ninput t : float[tokens]\nreward = x + sum(t)\n");
    const rows = [
      { p: "a", x: 0.1, t: [1, 2] },
      { p: "a", x: 0.2, t: [] },
      { p: "b", x: 0.3, t: [3] },
    ];
    const expected = batchFromJsonl(module, rows.map((r) => JSON.stringify(r)).join("\n"));
    if ("errors" in expected) throw new Error("bad rows");
    const f64 = tableOf(module, rows, { x: new Float64(), t: new LargeList(new Field("item", new Float64(), true)) });
    const twoBatches = new Table([...tableOf(module, rows.slice(0, 2)).batches, ...tableOf(module, rows.slice(2)).batches]);
    expect(twoBatches.batches).toHaveLength(2);
    const sliced = tableFromIPC(tableToIPC(tableOf(module, [{ p: "z", x: 9, t: [9] }, ...rows]), "stream")).slice(1);
    for (const table of [f64, twoBatches, sliced]) {
      const batch = fromArrow(module, table);
      expect(Array.from(batch.columns.get("x")!)).toEqual(Array.from(expected.batch.columns.get("x")!));
      expect(Array.from(batch.columns.get("t")!)).toEqual([1, 2, 3]);
      expect(Array.from(batch.axes.get("tokens")!)).toEqual([0, 2, 2, 3]);
      expect(batch.groupKeys).toEqual(["a", "b"]);
    }
  });

  it("takes Dictionary<Utf8> and integer group keys, Int64 ints and Float16 floats, and ignores extra columns", () => {
    const module = compileOk("reward r\ngroup by p\ninput n : int\ninput x : float\nreward = float(n) + x\n");
    const table = new Table({
      p: vectorFromArray(["a", "b", "a"], new Dictionary(new Utf8(), new Int32())),
      n: vectorFromArray([1n, -2n, 3n], new Int64()),
      x: vectorFromArray([0.5, 1, 2], new Float16()),
      extra: vectorFromArray(["ignored", "too", "yes"]),
    });
    const batch = fromArrow(module, table);
    expect(batch.groupKeys).toEqual(["a", "b"]);
    expect(Array.from(batch.groupIds)).toEqual([0, 1, 0]);
    expect(Array.from(batch.columns.get("n")!)).toEqual([1, -2, 3]);
    expect(Array.from(batch.columns.get("x")!)).toEqual([0.5, 1, 2]);
    const intKeys = fromArrow(module, new Table({ p: vectorFromArray([7n, 7n, 8n], new Int64()), n: table.getChild("n")!, x: table.getChild("x")! }));
    expect(intKeys.groupKeys).toEqual([7, 8]);
  });

  it("reports null values, non-finite and out-of-range numbers like JSONL, row + 1 as the line", () => {
    const module = compileOk("reward r\ngroup by p\ninput x : float in 0..1\ninput n : int\ninput b : bool\nreward = x\n");
    const table = new Table({
      p: vectorFromArray(["a", null, "a", "a"], new Utf8()),
      x: vectorFromArray([0.5, 2, null, 1e300], new Float64()),
      n: vectorFromArray([1n, 3000000000n, 2n, null], new Int64()),
      b: vectorFromArray([true, false, null, true], new Bool()),
    });
    expect(errorsOf(module, table)).toEqual([
      { line: 2, field: "p", message: "field `p`: expected a string or a finite number (group key), found null" },
      { line: 2, field: "x", message: "field `x`: value 2 is outside the declared range 0..1" },
      { line: 2, field: "n", message: "field `n`: expected int, found 3000000000 (out of int32 range)" },
      { line: 3, field: "x", message: "field `x`: expected float, found null" },
      { line: 3, field: "b", message: "field `b`: expected bool, found null" },
      { line: 4, field: "x", message: "field `x`: expected float, found 1e+300 (out of float32 range)" },
      { line: 4, field: "n", message: "field `n`: expected int, found null" },
    ]);
    // In a later batch of a longer input, rows count from firstRow.
    expect(errorsOf(module, table, 100)[0]!.line).toBe(102);
  });

  it("reports NaN in a Float32 column it would otherwise use in place, and unsigned ints beyond int32", () => {
    const module = compileOk("reward r\ninput x : float\ninput n : int\nreward = x\n");
    const table = new Table({ x: vectorFromArray(new Float32Array([1, NaN])), n: vectorFromArray([1, 4294967295], new Uint32()) });
    expect(errorsOf(module, table)).toEqual([
      { line: 2, field: "x", message: "field `x`: expected float, found NaN" },
      { line: 2, field: "n", message: "field `n`: expected int, found 4294967295 (out of int32 range)" },
    ]);
  });

  it("reports null arrays, null elements, wrong fixed widths and mismatched ragged lengths", () => {
    const module = compileOk("reward r\ninput a : float[tokens]\ninput b : float[tokens]\ninput v : float[3]\nreward = sum(a) + sum(b) + sum(v)\n");
    const list = (): List => new List(new Field("item", new Float32(), true));
    const table = new Table({
      a: vectorFromArray([[1, 2], null, [1, null], [1]], list()),
      b: vectorFromArray([[1, 2], [1], [1, 2], [1, 2]], list()),
      v: vectorFromArray([[1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2]], list()),
    });
    expect(errorsOf(module, table)).toEqual([
      { line: 2, field: "a", message: "field `a`: expected array of float, found null" },
      { line: 3, field: "a", message: "field `a`[1]: expected float, found null" },
      { line: 4, field: "b", message: "fields `a` and `b` are both along axis `tokens` but have different lengths (1 and 2)" },
      { line: 4, field: "v", message: "field `v`: expected 3 elements, found 2" },
    ]);
  });

  it("reports a range violation inside an array it would use in place, at the element's row and index", () => {
    const module = compileOk("reward r\ninput a : float[tokens] in 0..1\nreward = sum(a)\n");
    const list = new List(new Field("item", new Float32(), false));
    const ipc = tableToIPC(new Table({ a: vectorFromArray([[0.5], [0.1, 0.2, 7]], list) }), "stream");
    expect(errorsOf(module, ipc)).toEqual([{ line: 2, field: "a", message: "field `a`[2]: value 7 is outside the declared range 0..1" }]);
  });

  it("refuses group keys beyond 2^53, which would merge groups", () => {
    const module = compileOk("reward r\ngroup by p\ninput x : float\nreward = x\n");
    const table = new Table({ p: vectorFromArray([9007199254740993n, 1n], new Int64()), x: vectorFromArray(new Float32Array([1, 2])) });
    expect(errorsOf(module, table)).toEqual([
      { line: 1, field: "p", message: "field `p`: expected a string or a finite number (group key), found 9007199254740993n (beyond 2^53)" },
    ]);
    const floats = new Table({ p: vectorFromArray([2 ** 60, 1], new Float64()), x: vectorFromArray(new Float32Array([1, 2])) });
    expect(errorsOf(module, floats)).toEqual([
      { line: 1, field: "p", message: "field `p`: expected a string or a finite number (group key), found 1152921504606847000 (beyond 2^53)" },
    ]);
  });

  it("reports the first 20 errors in row order across columns, then how many more", () => {
    const module = compileOk("reward r\ninput x : float\ninput y : float\nreward = x + y\n");
    const n = 30;
    const table = new Table({ x: vectorFromArray(new Array(n).fill(null), new Float32()), y: vectorFromArray(new Array(n).fill(null), new Float32()) });
    const errors = errorsOf(module, table);
    expect(errors).toHaveLength(21);
    expect(errors.slice(0, 4).map((e) => [e.line, e.field])).toEqual([[1, "x"], [1, "y"], [2, "x"], [2, "y"]]);
    expect(errors[20]).toEqual({ line: 11, field: "", message: "... and 40 more" });
  });

  it("throws on problems of the table as a whole, listing every one", () => {
    const module = compileOk("reward r\ngroup by p\ninput x : float\ninput n : int\ninput b : bool\ninput v : float[3]\nreward = x\n");
    const table = new Table({
      x: vectorFromArray(["a"], new Utf8()),
      n: vectorFromArray([1.5], new Float64()),
      b: vectorFromArray([1], new Int32()),
      v: vectorFromArray([[1, 2]], new FixedSizeList(2, new Field("item", new Float32(), true))),
    });
    let message = "";
    try {
      batchFromArrow(module, table);
    } catch (e) {
      expect(e).toBeInstanceOf(RuntimeInputError);
      message = (e as Error).message;
    }
    expect(message).toBe(
      [
        "invalid Arrow table:",
        "  column `p` is missing",
        "  column `x` has type Utf8: float input `x` needs Float32, Float64, Float16 or an integer type",
        "  column `n` has type Float64: int input `n` needs an integer type (Int8..Int64, Uint8..Uint64); floats are not converted to ints",
        "  column `b` has type Int32: bool input `b` needs Bool",
        "  column `v` has type FixedSizeList[2]<Float32>: input `v` has 3 elements per row",
      ].join("\n"),
    );
  });

  it("refuses a table whose columns share a name, which one is meant being a guess", () => {
    const module = compileOk("reward r\ninput x : float\nreward = x\n");
    const f32 = (xs: number[]) => makeData({ type: new Float32(), length: xs.length, nullCount: 0, data: Float32Array.from(xs) });
    const fields = [new Field("x", new Float32()), new Field("y", new Float32()), new Field("x", new Float32()), new Field("y", new Float32()), new Field("x", new Float32())];
    const schema = new Schema(fields);
    const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: 1, nullCount: 0, children: [f32([1]), f32([2]), f32([3]), f32([4]), f32([5])] }));
    const ipc = tableToIPC(new Table(schema, [batch]), "stream");
    expect(() => batchFromArrow(module, ipc)).toThrow(new RuntimeInputError("invalid Arrow table:\n  column `x` appears 3 times\n  column `y` appears 2 times"));
  });

  it("refuses strings that are not UTF-8 instead of decoding them to U+FFFD, naming the row", () => {
    const module = compileOk("reward r\ngroup by p\ninput s : string\ninput x : float\nreward = x + float(text.chars(s))\n");
    const utf8 = (values: number[][], type: DataType = new Utf8()) => {
      const offsets = [0];
      for (const v of values) offsets.push(offsets[offsets.length - 1]! + v.length);
      const valueOffsets = type instanceof LargeUtf8 ? BigInt64Array.from(offsets.map(BigInt)) : Int32Array.from(offsets);
      return makeData({ type, length: values.length, nullCount: 0, valueOffsets, data: Uint8Array.from(values.flat()) } as never) as Data;
    };
    const table = (p: Data, s: Data) => {
      const fields = [new Field("p", p.type), new Field("s", s.type), new Field("x", new Float32())];
      const x = makeData({ type: new Float32(), length: p.length, nullCount: 0, data: new Float32Array(p.length) });
      return new Table(new Schema(fields), [new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: p.length, nullCount: 0, children: [p, s, x] }))]);
    };
    const ok = [0x6f, 0x6b];
    // "p\xff" and "p\xfe" would both read "p\uFFFD": one group out of two prompts.
    expect(errorsOf(module, table(utf8([[0x70, 0xff], [0x70, 0xfe], ok]), utf8([ok, [0x31, 0x38, 0xc0], ok])))).toEqual([
      { line: 1, field: "p", message: "field `p`: not valid UTF-8" },
      { line: 2, field: "p", message: "field `p`: not valid UTF-8" },
      { line: 2, field: "s", message: "field `s`: not valid UTF-8" },
    ]);
    // The column's bytes are valid UTF-8 together ("é"), but each value holds half a character.
    expect(errorsOf(module, table(utf8([ok, ok]), utf8([[0xc3], [0xa9]], new LargeUtf8())))).toEqual([
      { line: 1, field: "s", message: "field `s`: not valid UTF-8" },
      { line: 2, field: "s", message: "field `s`: not valid UTF-8" },
    ]);
    const dictionary = makeData({ type: new Dictionary(new Utf8(), new Int32()), length: 3, nullCount: 0, data: Int32Array.from([1, 0, 1]), dictionary: makeVector(utf8([ok, [0xed, 0xa0, 0x80]])) } as never) as Data;
    expect(errorsOf(module, table(utf8([ok, ok, ok]), dictionary))).toEqual([
      { line: 1, field: "s", message: "field `s`: not valid UTF-8" },
      { line: 3, field: "s", message: "field `s`: not valid UTF-8" },
    ]);
    // Utf8View: one value inline (up to 12 bytes), one in a data buffer.
    const views = new Uint8Array(48);
    const view = new DataView(views.buffer);
    view.setInt32(0, 2, true);
    views.set([0x6f, 0xff], 4);
    view.setInt32(16, 13, true);
    view.setInt32(32, 2, true);
    views.set(ok, 36);
    const viewData = makeData({ type: new Utf8View(), length: 3, nullCount: 0, views, variadicBuffers: [Uint8Array.from([...Buffer.from("abcdefghijkl"), 0xc0])] } as never) as Data;
    expect(errorsOf(module, table(utf8([ok, ok, ok]), viewData))).toEqual([
      { line: 1, field: "s", message: "field `s`: not valid UTF-8" },
      { line: 2, field: "s", message: "field `s`: not valid UTF-8" },
    ]);
    // Through IPC, and valid multi-byte text is untouched.
    const good = batchFromArrow(module, tableToIPC(table(utf8([[0xc3, 0xa9], [0xc3, 0xa9]]), utf8([[0xe2, 0x82, 0xac], []])), "stream"));
    expect("batch" in good && good.batch.groupKeys).toEqual(["é"]);
    expect(errorsOf(module, tableToIPC(table(utf8([ok]), utf8([[0xff]])), "stream"))).toEqual([{ line: 1, field: "s", message: "field `s`: not valid UTF-8" }]);
  });

  it("throws on bytes that are not Arrow IPC, and on none", () => {
    const module = compileOk("reward r\ninput x : float\nreward = x\n");
    expect(() => batchFromArrow(module, new TextEncoder().encode('{"x": 1}\n'))).toThrow(/^not Arrow IPC data: /);
    expect(() => batchFromArrow(module, new TextEncoder().encode("{}\n"))).toThrow("not Arrow IPC data: it starts with neither the stream marker 0xFFFFFFFF nor the file magic `ARROW1`");
    expect(() => batchFromArrow(module, new Uint8Array([255, 255, 255, 255, 9, 9, 9, 9, 9]))).toThrow(/^not Arrow IPC data: /);
    expect(() => readArrowTable(new Uint8Array(0))).toThrow("not Arrow IPC data: the input is empty");
  });

  it("scores an empty table", () => {
    const module = compileOk("reward r\ngroup by p\ninput x : float\nreward = x\n");
    const batch = fromArrow(module, tableToIPC(new Table({ p: vectorFromArray([], new Utf8()), x: vectorFromArray([], new Float32()) }), "stream"));
    expect(batch.size).toBe(0);
  });
});

describe("scoresToArrow", () => {
  it.each(EXAMPLES)("writes %s's outputs and metrics as JSONL would hold them", (name) => {
    const { module, rows } = loadExample(name);
    const batch = fromArrow(module, tableOf(module, rows));
    const result = new Session(module).score(batch);
    const table = tableFromIPC(scoresToArrow(module, batch, result));
    expect(table.schema.fields.map((f) => f.name)).toEqual(module.outputs.map((o) => o.name));
    expect(table.numRows).toBe(rows.length);
    for (const output of module.outputs) {
      const vector = table.getChild(output.name)!;
      const column = result.outputs.get(output.name)!;
      const level = module.nodes[output.node]!.level;
      if (level.kind === "element") {
        const offsets = batch.axes.get(level.axis)!;
        for (let i = 0; i < rows.length; i++) {
          expect(Array.from(vector.get(i) as Iterable<number>)).toEqual(Array.from(column.subarray(offsets[i]!, offsets[i + 1]!)));
        }
      } else if (module.nodes[output.node]!.type === "bool") expect(vector.toArray() as unknown).toEqual(Array.from(column, (v) => v !== 0));
      else expect(bits(vector.toArray() as Float32Array)).toBe(bits(column.subarray(0, rows.length)));
    }
    const metrics = JSON.parse(table.schema.metadata.get("rewardc.metrics")!) as Record<string, number>;
    expect(Object.keys(metrics)).toEqual(module.metrics.map((m) => m.name));
  });

  it("types the columns: Float32, Bool for keep, List<Float32> for per-token advantages", () => {
    const { module, rows } = loadExample("token_entropy");
    const batch = fromArrow(module, tableOf(module, rows));
    const table = tableFromIPC(scoresToArrow(module, batch, new Session(module).score(batch)));
    expect(table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toContain("advantage: List<Float32>");
    const dapo = loadExample("dapo_overlong");
    const b2 = fromArrow(dapo.module, tableOf(dapo.module, dapo.rows));
    const t2 = tableFromIPC(scoresToArrow(dapo.module, b2, new Session(dapo.module).score(b2)));
    expect(t2.schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual(dapo.module.outputs.map((o) => `${o.name}: ${o.name === "keep" ? "Bool" : "Float32"}`));
  });

  it("spells NaN and infinities as strings in the metrics, and adds the caller's metadata", () => {
    const module = compileOk("reward r\ninput x : float\nreward = x\nmetric m = batch.mean(x) / 0.0\nmetric z = 0.0 / 0.0\nmetric h = 0.1\n");
    const batch = fromArrow(module, new Table({ x: vectorFromArray(new Float32Array([1, 2])) }));
    const result = new Session(module).score(batch);
    const table = tableFromIPC(scoresToArrow(module, batch, result, { metadata: { "rewardc.step": "1" } }));
    expect(JSON.parse(table.schema.metadata.get("rewardc.metrics")!)).toEqual({ m: "Infinity", z: "NaN", h: 0.1 });
    expect(table.schema.metadata.get("rewardc.step")).toBe("1");
  });

  it("writes the input's columns first, in its record batches, and an output replaces a column of its name", () => {
    const { module, rows } = loadExample("token_entropy");
    const input = new Table([...tableOf(module, rows.slice(0, 3)).batches, ...tableOf(module, rows.slice(3)).batches]);
    const withReward = input.assign(new Table({ reward: vectorFromArray(new Float64Array(rows.length).fill(-1)) }));
    const batch = fromArrow(module, withReward);
    const result = new Session(module).score(batch);
    const table = tableFromIPC(scoresToArrow(module, batch, result, { passthrough: withReward }));
    expect(table.schema.fields.map((f) => f.name)).toEqual(["prompt", "correct", "entropy", ...module.outputs.map((o) => o.name)]);
    expect(table.batches.map((b) => b.numRows)).toEqual([3, rows.length - 3]);
    expect(Array.from(table.getChild("reward")!.toArray() as Float32Array)).toEqual(Array.from(result.outputs.get("reward")!));
    const offsets = batch.axes.get("tokens")!;
    const advantage = result.outputs.get("advantage")!;
    for (let i = 0; i < rows.length; i++) {
      expect(Array.from(table.getChild("advantage")!.get(i) as Iterable<number>)).toEqual(Array.from(advantage.subarray(offsets[i]!, offsets[i + 1]!)));
      expect(table.getChild("prompt")!.get(i)).toBe(rows[i]!.prompt);
    }
  });

  it("round-trips: the scored table, read back, scores the same", () => {
    const { module, rows } = loadExample("process_delta");
    const input = tableOf(module, rows);
    const batch = fromArrow(module, input);
    const first = new Session(module).score(batch);
    const scored = tableFromIPC(scoresToArrow(module, batch, first, { passthrough: input }));
    const again = new Session(module).score(fromArrow(module, scored));
    for (const [k, v] of first.outputs) expect(bits(again.outputs.get(k)!)).toBe(bits(v));
  });
});

// Keeps the type imports used when only some tests run.
export type { DataType };

describe("malformed Arrow IPC", () => {
  // A spec reading every kind of column the reader decodes: numbers, bools, lists, strings, dictionaries.
  const module = compileOk("reward r\ngroup by p\ninput x : float\ninput n : int\ninput b : bool\ninput v : float[tokens]\ninput s : string\nreward = x + float(n) + float(text.chars(s)) + sum(v)\n");
  const table = new Table({
    p: vectorFromArray(["a", "b", "a"], new Dictionary(new Utf8(), new Int32())),
    x: vectorFromArray([0.5, 1.5, null], new Float64()),
    n: vectorFromArray([1n, 2n, 3n], new Int64()),
    b: vectorFromArray([true, false, true], new Bool()),
    v: vectorFromArray([[1, 2], [], [3]], new List(new Field("item", new Float32(), true))),
    s: vectorFromArray(["é", "xyz", ""], new Utf8()),
  });
  const valid = [tableToIPC(table, "stream"), tableToIPC(table, "file")];

  function outcome(bytes: Uint8Array): string {
    try {
      batchFromArrow(module, bytes);
      return "ok";
    } catch (e) {
      if (e instanceof RuntimeInputError) return "refused";
      throw e;
    }
  }

  it("a flipped schema byte that made the reader build 2^31 fields (4 GB, tens of seconds) is refused at once", () => {
    const { module: lagrange, rows } = loadExample("lagrange_state");
    const bytes = Uint8Array.from(tableToIPC(tableFromJSON(rows), "stream"));
    expect(batchFromArrow(lagrange, bytes)).toHaveProperty("batch");
    // In the schema, part of a uoffset: a field's children vector then lies elsewhere, with a huge length.
    bytes[166] = 0x78;
    expect(() => batchFromArrow(lagrange, bytes)).toThrow(new RuntimeInputError("not Arrow IPC data: the message metadata points outside itself"));
  });

  it("a file whose record batch block locates another kind of message is refused (the reader would read it forever)", () => {
    const file = Uint8Array.from(valid[1]!);
    const view = new DataView(file.buffer);
    const footerEnd = file.length - 10;
    const footerStart = footerEnd - view.getInt32(footerEnd, true);
    // The footer's blocks are {offset: int64, metaDataLength: int32, pad, bodyLength: int64}; the dictionary batch
    // comes first in the file, right after the 8-byte magic.
    const blockAt = (offset: bigint): number[] => {
      const found: number[] = [];
      for (let at = footerStart; at + 24 <= footerEnd; at += 4) if (view.getBigInt64(at, true) === offset && view.getInt32(at + 8, true) > 0) found.push(at);
      return found;
    };
    const [dictionaryBlock] = blockAt(8n);
    // The record batch follows the dictionary batch.
    const recordBatchBlocks = blockAt(8n + BigInt(view.getInt32(dictionaryBlock! + 8, true)) + view.getBigInt64(dictionaryBlock! + 16, true));
    for (const at of recordBatchBlocks) view.setBigInt64(at, 8n, true);
    const moved = recordBatchBlocks.length;
    expect(moved).toBe(1);
    expect(() => batchFromArrow(module, file)).toThrow(new RuntimeInputError("not Arrow IPC data: a block of the file footer does not locate a record batch"));
  });

  it("truncations and byte flips of valid streams and files are scored or refused, never anything else", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1),
        fc.oneof(
          fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
          fc.record({ kind: fc.constant("flip" as const), edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }) }),
        ),
        (which, change) => {
          const source = valid[which]!;
          let bytes: Uint8Array;
          if (change.kind === "truncate") bytes = source.subarray(0, change.at % source.length);
          else {
            bytes = Uint8Array.from(source);
            for (const [at, value] of change.edits) bytes[at % bytes.length] = value;
          }
          expect(["ok", "refused"]).toContain(outcome(bytes));
        },
      ),
      { numRuns: 1500, seed: 20240601 },
    );
  });
});
