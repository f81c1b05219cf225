/** The serve protocol's pure half: request bodies -> batches, results -> replies, failures -> structured errors. */
import { describe, expect, it } from "vitest";
import { compileSource } from "../../src/compiler/compile.js";
import type { IrModule } from "../../src/compiler/ir.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { Session } from "../../src/runtime/session.js";
import {
  batchFromJsonBody,
  describeSpec,
  encodeError,
  encodeScoreJson,
  ERROR_STATUS,
  parseJsonBody,
  ProtocolError,
  replyFormat,
  requestFormat,
} from "../../src/server/protocol.js";

function compile(text: string): IrModule {
  const result = compileSource("spec.reward", text);
  if (!result.module) throw new Error(JSON.stringify(result.diagnostics));
  return result.module;
}

const spec = compile(`reward demo
group by prompt
input correct : bool
input length  : int in 0..100
input logp    : float[tokens]
param scale : float = 2.0
param on : bool = true
state seen : int = 0
state level : float = 0.5
reward    = (if correct then 1.0 else 0.0) * scale - float(length) / 100.0
advantage = logp * 0.0 + reward
update seen = seen + 1
update level = level / 0.0
metric mean_reward = batch.mean(reward)
metric inf = batch.mean(reward) / 0.0
`);

const body = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));

/** The error a call throws, as the client receives it. */
function errorOf(f: () => unknown): { status: number; error: { code: string; message: string; rows?: { row: number; field: string; message: string }[] } } {
  try {
    f();
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return { status: e.status, ...(JSON.parse(encodeError(e)) as { error: { code: string; message: string } }) };
  }
  throw new Error("no error thrown");
}

const rows = [
  { prompt: "a", correct: true, length: 10, logp: [-1, -2] },
  { prompt: "a", correct: false, length: 30, logp: [-0.5] },
  { prompt: 7, correct: true, length: 0, logp: [] },
];

describe("media types", () => {
  it("a score body is JSON or Arrow IPC, parameters ignored, case-insensitive", () => {
    expect(requestFormat("application/json")).toBe("json");
    expect(requestFormat("Application/JSON; charset=utf-8")).toBe("json");
    expect(requestFormat("application/vnd.apache.arrow.stream")).toBe("arrow");
    expect(requestFormat("application/vnd.apache.arrow.file")).toBe("arrow");
  });

  it("anything else is unsupported_media_type (415)", () => {
    expect(errorOf(() => requestFormat(undefined))).toMatchObject({ status: 415, error: { code: "unsupported_media_type", message: expect.stringContaining("no Content-Type") } });
    expect(errorOf(() => requestFormat("text/plain"))).toMatchObject({ status: 415, error: { message: expect.stringContaining("`text/plain` is not supported") } });
  });

  it("the reply is Arrow only when Accept lists the Arrow stream type", () => {
    expect(replyFormat(undefined)).toBe("json");
    expect(replyFormat("*/*")).toBe("json");
    expect(replyFormat("application/json, application/vnd.apache.arrow.stream")).toBe("arrow");
    expect(replyFormat("application/vnd.apache.arrow.stream;q=0")).toBe("json");
    expect(replyFormat("application/vnd.apache.arrow.file")).toBe("json");
  });
});

describe("JSON request bodies", () => {
  it("rows give the batch batchFromRows gives", () => {
    const expected = batchFromRows(spec, rows);
    expect(batchFromJsonBody(spec, body({ rows }))).toEqual("batch" in expected ? expected.batch : null);
  });

  it("columns give the same batch as the same rows", () => {
    const columns = { prompt: ["a", "a", 7], correct: [true, false, true], length: [10, 30, 0], logp: [[-1, -2], [-0.5], []], ignored: [1, 2, 3] };
    expect(batchFromJsonBody(spec, body({ columns }))).toEqual(batchFromJsonBody(spec, body({ rows })));
  });

  it("an empty batch is a batch", () => {
    expect(batchFromJsonBody(spec, body({ rows: [] })).size).toBe(0);
    expect(batchFromJsonBody(spec, body({ columns: {} })).size).toBe(0);
  });

  it("bad rows name the 0-based row and the field (bad_rows, 400)", () => {
    const bad = [rows[0], { ...rows[1], length: 1.5 }, { ...rows[2], logp: [0, "x"] }, "nope"];
    const { status, error } = errorOf(() => batchFromJsonBody(spec, body({ rows: bad })));
    expect(status).toBe(400);
    expect(error.code).toBe("bad_rows");
    expect(error.rows).toEqual([
      { row: 1, field: "length", message: "field `length`: expected int, found 1.5" },
      { row: 2, field: "logp", message: 'field `logp`[1]: expected float, found "x"' },
      { row: 3, field: "", message: 'expected a JSON object, found "nope"' },
    ]);
    expect(error.message).toBe(
      ["invalid rows:", "  row 1: field `length`: expected int, found 1.5", '  row 2: field `logp`[1]: expected float, found "x"', '  row 3: expected a JSON object, found "nope"'].join("\n"),
    );
  });

  it("bad columns are reported like the same bad rows", () => {
    const columns = { prompt: ["a", "a"], correct: [true, 1], length: [10, 200], logp: [[0], [0]] };
    const asRows = [
      { prompt: "a", correct: true, length: 10, logp: [0] },
      { prompt: "a", correct: 1, length: 200, logp: [0] },
    ];
    const fromColumns = errorOf(() => batchFromJsonBody(spec, body({ columns })));
    expect(fromColumns).toEqual(errorOf(() => batchFromJsonBody(spec, body({ rows: asRows }))));
    expect(fromColumns.error.rows!.map((r) => [r.row, r.field])).toEqual([
      [1, "correct"],
      [1, "length"],
    ]);
  });

  it("a missing column is a missing field in every row", () => {
    const { error } = errorOf(() => batchFromJsonBody(spec, body({ columns: { prompt: ["a"], correct: [true], logp: [[]] } })));
    expect(error.rows).toEqual([{ row: 0, field: "length", message: "missing field `length`" }]);
  });

  it("more than 20 bad rows: the first 20, then one entry summing up the rest", () => {
    const bad = Array.from({ length: 25 }, () => ({ ...rows[0], length: -1 }));
    const { error } = errorOf(() => batchFromJsonBody(spec, body({ rows: bad })));
    expect(error.rows).toHaveLength(21);
    expect(error.rows![20]).toEqual({ row: 20, field: "", message: "... and 5 more" });
    expect(error.message.split("\n").at(-1)).toBe("  ... and 5 more");
  });

  it("a field spelled twice in a row is a row error, not silently the last value", () => {
    const { error } = errorOf(() => batchFromJsonBody(spec, body('{"rows": [{"prompt": 1, "correct": true, "length": 1, "logp": []}, {"prompt": 1, "length": 1, "length": 2}]}')));
    expect(error).toEqual({ code: "bad_rows", message: "row 1: field `length` appears more than once", rows: [{ row: 1, field: "length", message: "field `length` appears more than once" }] });
  });

  it("a key spelled twice elsewhere is bad_json; escapes are decoded before comparing", () => {
    expect(errorOf(() => parseJsonBody(body('{"rows": [], "rows": []}'))).error).toEqual({ code: "bad_json", message: "key `rows` appears more than once in the same object (at the top level)" });
    expect(errorOf(() => parseJsonBody(body('{"columns": {"a": [{"x": 1, "\\u0078": 2}]}}'))).error.message).toBe("key `x` appears more than once in the same object (at columns.a[0])");
    // Colons and braces inside strings are not structure.
    expect(parseJsonBody(body('{"rows": [{"a": "x:{\\"a\\": 1", "b": ":"}], "c": {"a": 1}}'))).toEqual({ rows: [{ a: 'x:{"a": 1', b: ":" }], c: { a: 1 } });
  });

  it("bodies that are not JSON are bad_json (400)", () => {
    expect(errorOf(() => batchFromJsonBody(spec, body("{rows: []}")))).toMatchObject({ status: 400, error: { code: "bad_json", message: expect.stringMatching(/^invalid JSON: /) } });
    expect(errorOf(() => batchFromJsonBody(spec, new Uint8Array([0x7b, 0xff, 0x7d]))).error).toEqual({ code: "bad_json", message: "the body is not valid UTF-8" });
    expect(errorOf(() => batchFromJsonBody(spec, body(""))).error.code).toBe("bad_json");
  });

  it("a byte order mark is skipped", () => {
    expect(batchFromJsonBody(spec, new Uint8Array([0xef, 0xbb, 0xbf, ...body({ rows })])).size).toBe(3);
  });

  it.each([
    ["an array", [], "the body must be a JSON object {\"rows\": [...]} or {\"columns\": {...}}, found an array"],
    ["neither key", {}, "the body must have exactly one of `rows` and `columns`, found neither"],
    ["both keys", { rows: [], columns: {} }, "the body must have exactly one of `rows` and `columns`, found both"],
    ["an unknown key", { rows: [], extra: 1 }, "unknown key `extra` in the body: give either `rows` or `columns`"],
    ["rows not an array", { rows: {} }, "`rows` must be an array of objects, one per rollout, found an object"],
    ["columns not an object", { columns: [] }, "`columns` must be an object of arrays, one per field, found an array"],
    ["a column not an array", { columns: { length: 3 } }, "column `length` must be an array with one value per rollout, found 3"],
    ["columns of different lengths", { columns: { length: [1, 2], correct: [true] } }, "every column must have one value per rollout: `length` has 2, `correct` has 1"],
  ])("a body of the wrong shape is bad_request (400): %s", (_name, doc, message) => {
    expect(errorOf(() => batchFromJsonBody(spec, body(doc)))).toEqual({ status: 400, error: { code: "bad_request", message } });
  });
});

describe("replies", () => {
  it("every error code has its status", () => {
    expect(ERROR_STATUS).toEqual({
      bad_json: 400,
      bad_request: 400,
      bad_rows: 400,
      bad_params: 400,
      bad_state: 400,
      not_found: 404,
      method_not_allowed: 405,
      too_large: 413,
      unsupported_media_type: 415,
      internal: 500,
    });
    expect(JSON.parse(encodeError(new ProtocolError("not_found", "no")))).toEqual({ error: { code: "not_found", message: "no" } });
  });

  it("a score reply: outputs per row (per-token arrays), float32 numbers at their shortest, NaN and infinities as strings, the state after the batch", () => {
    const session = new Session(spec);
    const batch = batchFromJsonBody(spec, body({ rows }));
    const result = session.score(batch);
    const reply = JSON.parse(encodeScoreJson(spec, { batch, result, step: session.step, state: session.state() }));
    expect(reply).toEqual({
      outputs: { reward: [1.9, -0.3, 2], advantage: [[1.9, 1.9], [-0.3], []] },
      metrics: { mean_reward: 1.2, inf: "Infinity" },
      step: 1,
      state: { seen: 1, level: "Infinity" },
    });
  });

  it("the spec: inputs without derived ones, params in effect, the backend, the request size limit", () => {
    const session = new Session(spec, { params: { scale: 0.1, on: false } });
    expect(JSON.parse(describeSpec(spec, session.params(), "cpu", 4096))).toEqual({
      name: "demo",
      groupKey: "prompt",
      inputs: [
        { name: "correct", type: "bool", axis: null, range: null },
        { name: "length", type: "int", axis: null, range: [0, 100] },
        { name: "logp", type: "float", axis: "tokens", range: null },
      ],
      texts: [],
      params: { scale: 0.1, on: false },
      states: ["seen", "level"],
      outputs: ["reward", "advantage"],
      metrics: ["mean_reward", "inf"],
      backend: "cpu",
      maxRequestBytes: 4096,
      protocol: 1,
    });
  });
});
