/**
 * Catalog §2, length penalties. Each example is held to a reference written from the catalog formula.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkMechanism, groupsOf, scoreEverywhere, type Row } from "./harness.js";

/** DAPO (catalog §2): ±1 outcome + min(-(L - (max_len - buf)) / buf * factor, 0); drop all-equal groups. */
function dapoReference(rows: Row[], p: Record<string, number>): { outputs: Record<string, (number | boolean)[]> } {
  const reward = rows.map((r) => {
    const outcome = r.correct ? 1 : -1;
    const exceed = (r.length as number) - (p.max_len! - p.buffer!);
    return outcome + Math.min((-exceed / p.buffer!) * p.factor!, 0);
  });
  const keep = new Array<boolean>(rows.length);
  for (const members of groupsOf(rows)) {
    const values = members.map((i) => reward[i]!);
    const varied = Math.max(...values) > Math.min(...values);
    for (const i of members) keep[i] = varied;
  }
  return { outputs: { reward, keep } };
}

const dapoRows = fc.array(
  fc.record({ prompt: fc.integer({ min: 0, max: 5 }), correct: fc.boolean(), length: fc.oneof(fc.integer({ min: 0, max: 25000 }), fc.constantFrom(16000, 16384, 18432, 20480)) }),
  { minLength: 1, maxLength: 40 },
);

describe("DAPO overlong buffer and dynamic sampling (examples/dapo_overlong.reward)", () => {
  it("matches the reference on random batches, on every backend", async () => {
    await checkMechanism({ spec: "examples/dapo_overlong.reward", rows: dapoRows, reference: dapoReference });
  });

  it("catalog §2 vector: max_len 20480, buffer 4096, factor 1, L {16000, 18432, 20480} -> penalty {0, -0.5, -1}", async () => {
    const rows = [16000, 18432, 20480].map((length) => ({ prompt: 1, correct: true, length }));
    for (const { backend, outputs } of await scoreEverywhere("examples/dapo_overlong.reward", rows)) {
      expect(outputs.reward, backend).toEqual([1, 0.5, 0]);
    }
  });
});
