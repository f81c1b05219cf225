/**
 * `rewardc run` with several batches (state carried from one to the next) and Arrow in and out, through the
 * built CLI (`npm run build` first).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC, tableToIPC } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { loadExample, tableOf } from "../runtime/arrowHelpers.js";

const root = join(import.meta.dirname, "../..");
const bin = join(root, "bin/rewardc.js");
const spec = "examples/lagrange_state.reward";

function rewardc(args: string[], input?: string | Uint8Array): { code: number; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args, "--backend", "cpu"], { cwd: root, input, env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
}

const scratch = mkdtempSync(join(tmpdir(), "rewardc-batches-"));
let fileCount = 0;
const path = (name: string): string => join(scratch, `${fileCount++}-${name}`);

/** Four steps of three groups of two, with costs that push the Lagrange multiplier up and then down. */
function steps(): { step: number; prompt: string; objective: number; cost: number; thinking: number }[][] {
  const costs = [0.9, 0.7, 0.05, 0.0];
  return costs.map((c, s) =>
    Array.from({ length: 6 }, (_, i) => ({ step: s, prompt: `s${s}g${i >> 1}`, objective: ((i * 7 + s) % 5) / 4, cost: Math.min(1, c + (i % 2) * 0.05), thinking: ((i + s) % 3) / 2 })),
  );
}

const jsonl = (rows: object[]): string => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

describe("rewardc run, several batches", () => {
  it("--step-column equals one `run --state` per step, and carries the state on", () => {
    const all = steps();
    const state = path("state.json");
    const separate = all.map((rows) => {
      const r = rewardc(["run", spec, "--in", "-", "--state", state], jsonl(rows));
      expect(r.stderr).toContain("metrics: ");
      expect(r.code).toBe(0);
      return { out: r.stdout.toString(), metrics: JSON.parse(/metrics: (.*)/.exec(r.stderr)![1]!) as Record<string, unknown> };
    });
    const multiState = path("state.json");
    const metricsFile = path("metrics.jsonl");
    const together = rewardc(["run", spec, "--in", "-", "--step-column", "step", "--state", multiState, "--metrics", metricsFile], jsonl(all.flat()));
    expect(together.stderr).toBe("");
    expect(together.code).toBe(0);
    expect(together.stdout.toString()).toBe(separate.map((s) => s.out).join(""));
    const lines = readFileSync(metricsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual(separate.map((s, k) => ({ step: k, ...s.metrics })));
    // The multiplier moved: the state really was carried.
    expect(new Set(lines.map((l) => l.multiplier)).size).toBeGreaterThan(1);
    expect(JSON.parse(readFileSync(multiState, "utf8"))).toEqual(JSON.parse(readFileSync(state, "utf8")));
  });

  it("--batch-size N cuts every N rows, and continues from a saved state", () => {
    const all = steps().flat();
    const state = path("state.json");
    const first = rewardc(["run", spec, "--in", "-", "--state", state], jsonl(all.slice(0, 6)));
    expect(first.code).toBe(0);
    const rest = rewardc(["run", spec, "--in", "-", "--batch-size", "6", "--state", state], jsonl(all.slice(6)));
    expect(rest.code).toBe(0);
    expect(rest.stderr.trim().split("\n").map((l) => JSON.parse(l.replace(/^metrics: /, "")).step)).toEqual([1, 2, 3]);
    const fresh = path("state.json");
    const once = rewardc(["run", spec, "--in", "-", "--batch-size", "6", "--state", fresh], jsonl(all));
    expect(first.stdout.toString() + rest.stdout.toString()).toBe(once.stdout.toString());
    expect(readFileSync(state, "utf8")).toBe(readFileSync(fresh, "utf8"));
  });

  it("refuses a --batch-size that splits a group, naming the group and lines; writes nothing", () => {
    const out = path("out.jsonl");
    const state = path("state.json");
    const r = rewardc(["run", spec, "--in", "-", "--batch-size", "3", "--out", out, "--state", state], jsonl(steps()[0]!));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 4: group "s0g1" has rows in batch 0 (line 3) and batch 1 (line 4): --batch-size 3 would split it');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(state)).toBe(false);
  });

  it("refuses a step whose rows are not contiguous, and a missing step column", () => {
    const [a, b] = steps();
    const r = rewardc(["run", spec, "--in", "-", "--step-column", "step"], jsonl([...a!.slice(0, 2), ...b!, ...a!.slice(2)]));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("line 9: step 0 appears again after other steps (first at line 1); the rows of one step must be contiguous");
    const missing = rewardc(["run", spec, "--in", "-", "--step-column", "epoch"], jsonl(a!));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("line 1: missing field `epoch` (--step-column)");
  });

  it("names the absolute line of a bad row in a later batch, and scores nothing", () => {
    const rows = steps().flat() as Record<string, unknown>[];
    rows[20] = { ...rows[20], cost: 2 };
    const state = path("state.json");
    const r = rewardc(["run", spec, "--in", "-", "--batch-size", "6", "--state", state], jsonl(rows));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: invalid rollouts in `-`\nline 21: field `cost`: value 2 is outside the declared range 0..1\n");
    expect(existsSync(state)).toBe(false);
  });

  it("refuses JSONL that is not UTF-8, naming each line, instead of reading U+FFFD", () => {
    const rows = steps()[0]!;
    const lines = jsonl(rows).split("\n").map((l) => Buffer.from(l));
    // "s0g0\xff" and "s0g0\xfe" would both read "s0g0\uFFFD": two prompts, one group.
    lines[1] = Buffer.concat([Buffer.from('{"step":0,"prompt":"s0g0'), Buffer.from([0xff]), Buffer.from('","objective":1,"cost":0.5,"thinking":0}')]);
    lines[3] = Buffer.concat([Buffer.from('{"step":0,"prompt":"s0g0'), Buffer.from([0xfe]), Buffer.from('","objective":1,"cost":0.5,"thinking":0}')]);
    const r = rewardc(["run", spec, "--in", "-"], Buffer.concat(lines.flatMap((l) => [l, Buffer.from("\n")])));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: invalid rollouts in `-`\nline 2: not valid UTF-8\nline 4: not valid UTF-8\n");
    // A byte order mark is still skipped.
    expect(rewardc(["run", spec, "--in", "-"], Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(jsonl(rows))])).code).toBe(0);
  });

  it("an input with no rows is refused for a spec with state (its updates would run on nothing), scored for one without", () => {
    const state = path("state.json");
    const r = rewardc(["run", spec, "--in", "-", "--state", state], "\n");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: invalid rollouts in `-`\nno rollouts: the spec has state (`mu`, `step`), and an empty batch would apply its updates to no rollouts\n");
    expect(existsSync(state)).toBe(false);
    const stateless = rewardc(["run", "examples/acre.reward", "--in", "-"], "");
    expect(stateless.code).toBe(0);
    expect(stateless.stdout.toString()).toBe("");
  });

  it("rejects --batch-size with --step-column, and a --batch-size that is not a positive integer", () => {
    expect(rewardc(["run", spec, "--in", "-", "--batch-size", "2", "--step-column", "step"], "").stderr).toContain("give --batch-size or --step-column, not both");
    expect(rewardc(["run", spec, "--in", "-", "--batch-size", "0"], "").stderr).toContain("--batch-size takes a positive integer, found `0`");
  });
});

describe("rewardc run, Arrow", () => {
  const { module, rows } = loadExample("token_entropy");

  it("scores an Arrow file as its JSONL twin, and writes the input columns plus the outputs", () => {
    const arrowIn = path("in.arrow");
    writeFileSync(arrowIn, tableToIPC(tableOf(module, rows), "file"));
    const arrowOut = path("out.arrows");
    const r = rewardc(["run", "examples/token_entropy.reward", "--in", arrowIn, "--out", arrowOut]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^metrics: \{/);
    const table = tableFromIPC(readFileSync(arrowOut));
    expect(table.schema.fields.map((f) => f.name)).toEqual(["prompt", "correct", "entropy", "reward", "advantage"]);
    expect(JSON.parse(table.schema.metadata.get("rewardc.metrics")!)).toEqual(JSON.parse(/metrics: (.*)/.exec(r.stderr)![1]!));

    const viaJsonl = rewardc(["run", "examples/token_entropy.reward", "--in", "examples/data/token_entropy.jsonl"]);
    const expected = viaJsonl.stdout.toString().trim().split("\n").map((l) => JSON.parse(l) as { reward: number; advantage: number[] });
    for (let i = 0; i < rows.length; i++) {
      expect(table.getChild("reward")!.get(i)).toBe(Math.fround(expected[i]!.reward));
      expect(Array.from(table.getChild("advantage")!.get(i) as Iterable<number>)).toEqual(expected[i]!.advantage.map(Math.fround));
    }
    // Arrow in, JSONL out: the same lines as from JSONL, written from the table's columns.
    const toJsonl = rewardc(["run", "examples/token_entropy.reward", "--in", arrowIn, "--out-format", "jsonl"]);
    expect(toJsonl.code).toBe(0);
    expect(toJsonl.stdout.toString().trim().split("\n").map((l) => JSON.parse(l))).toEqual(viaJsonl.stdout.toString().trim().split("\n").map((l) => JSON.parse(l)));
  });

  it("reads Arrow on stdin by its first bytes or --format, and writes it to stdout", () => {
    const ipc = tableToIPC(tableOf(module, rows), "stream");
    const sniffed = rewardc(["run", "examples/token_entropy.reward", "--in", "-"], ipc);
    expect(sniffed.code).toBe(0);
    expect(tableFromIPC(sniffed.stdout).numRows).toBe(rows.length);
    const told = rewardc(["run", "examples/token_entropy.reward", "--in", "-", "--format", "arrow", "--out-format", "jsonl"], ipc);
    expect(told.stdout.toString().trim().split("\n")).toHaveLength(rows.length);
  });

  it("writes Arrow from JSONL input: the spec's columns, then the outputs", () => {
    const out = path("out.arrow");
    const r = rewardc(["run", "examples/token_entropy.reward", "--in", "examples/data/token_entropy.jsonl", "--out", out]);
    expect(r.code).toBe(0);
    const table = tableFromIPC(readFileSync(out));
    expect(table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual(["prompt: Utf8", "correct: Bool", "entropy: List<Float32>", "reward: Float32", "advantage: List<Float32>"]);
    expect(table.getChild("prompt")!.get(0)).toBe(rows[0]!.prompt);
  });

  it("reports bad Arrow rows by 0-based row, and bad tables as a whole", () => {
    const bad = tableOf(module, rows.map((r, i) => (i === 2 ? { ...r, correct: null } : r)));
    const r = rewardc(["run", "examples/token_entropy.reward", "--in", "-"], tableToIPC(bad, "stream"));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: invalid rollouts in `-`\nrow 2: field `correct`: expected bool, found null\n");
    const notArrow = path("x.arrow");
    writeFileSync(notArrow, "{}\n");
    const r2 = rewardc(["run", "examples/token_entropy.reward", "--in", notArrow]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("not Arrow IPC data");
  });

  it("multi-batch Arrow in and out: the outputs of every batch, in input order", () => {
    const lagrange = loadExample("lagrange_state");
    const all = steps().flat();
    const ipc = tableToIPC(tableOf(lagrange.module, all).assign(tableOf({ ...lagrange.module, groupKey: null, inputs: [{ name: "step", type: "i32", axis: null, range: null }] }, all)), "stream");
    const out = path("out.arrow");
    const r = rewardc(["run", spec, "--in", "-", "--format", "arrow", "--step-column", "step", "--out", out], ipc);
    expect(r.code).toBe(0);
    const viaJsonl = rewardc(["run", spec, "--in", "-", "--step-column", "step"], jsonl(all));
    const expected = viaJsonl.stdout.toString().trim().split("\n").map((l) => JSON.parse(l) as { reward: number });
    const table = tableFromIPC(readFileSync(out));
    expect(Array.from(table.getChild("reward")!.toArray() as Float32Array)).toEqual(expected.map((e) => Math.fround(e.reward)));
    expect(r.stderr).toBe(viaJsonl.stderr);
  });
});
