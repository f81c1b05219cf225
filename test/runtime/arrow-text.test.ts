/**
 * Arrow columns for `string` inputs. Written against the string-input contract (`input completion : string`,
 * features computed on the host, `batchFromColumns(module, { ..., texts })`): the answer check is `text.boxed(completion) == answer`.
 */
import { Dictionary, Int32, LargeUtf8, Table, Utf8, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { batchFromArrow } from "../../src/runtime/arrow.js";
import { RuntimeInputError } from "../../src/runtime/errors.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { Session } from "../../src/runtime/session.js";
import { compileOk } from "../support.js";

const SPEC = `reward boxed
group by prompt
input completion : string
input answer : string
let right = text.boxed(completion) == answer
reward = if right then 1.0 else 0.0
advantage = std.grpo(reward)
`;

const rows = [
  { prompt: "p", completion: "so \\boxed{4}", answer: "4" },
  { prompt: "p", completion: "it is \\boxed{5}", answer: "4" },
  { prompt: "q", completion: "no box", answer: "x" },
];

describe("Arrow string inputs", () => {
  it("scores Utf8, LargeUtf8 and Dictionary<Utf8> string columns as the same rows from JSON", () => {
    const module = compileOk(SPEC);
    const fromRows = batchFromRows(module, rows);
    if ("errors" in fromRows) throw new Error(JSON.stringify(fromRows.errors));
    const expected = new Session(module).score(fromRows.batch);
    const variants = [
      new Table({ prompt: vectorFromArray(rows.map((r) => r.prompt), new Utf8()), completion: vectorFromArray(rows.map((r) => r.completion), new Utf8()), answer: vectorFromArray(rows.map((r) => r.answer), new Utf8()) }),
      new Table({ prompt: vectorFromArray(rows.map((r) => r.prompt), new LargeUtf8()), completion: vectorFromArray(rows.map((r) => r.completion), new LargeUtf8()), answer: vectorFromArray(rows.map((r) => r.answer), new Dictionary(new Utf8(), new Int32())) }),
    ];
    for (const table of variants) {
      const r = batchFromArrow(module, table);
      if ("errors" in r) throw new Error(JSON.stringify(r.errors));
      const got = new Session(module).score(r.batch);
      expect(Array.from(got.outputs.get("reward")!)).toEqual(Array.from(expected.outputs.get("reward")!));
      expect(Array.from(got.outputs.get("reward")!)).toEqual([1, 0, 0]);
    }
  });

  it("reports a null string as a row error and a non-string column as a table error", () => {
    const module = compileOk(SPEC);
    const withNull = new Table({ prompt: vectorFromArray(["p", "p"]), completion: vectorFromArray(["a", null], new Utf8()), answer: vectorFromArray(["a", "b"], new Utf8()) });
    const r = batchFromArrow(module, withNull);
    expect("errors" in r && r.errors).toEqual([{ line: 2, field: "completion", message: "field `completion`: expected string, found null" }]);
    const wrongType = new Table({ prompt: vectorFromArray(["p"]), completion: vectorFromArray([1], new Int32()), answer: vectorFromArray(["a"], new Utf8()) });
    expect(() => batchFromArrow(module, wrongType)).toThrow(RuntimeInputError);
    expect(() => batchFromArrow(module, wrongType)).toThrow("column `completion` has type Int32: string input `completion` needs Utf8, LargeUtf8, Utf8View or Dictionary<Utf8>");
  });
});
