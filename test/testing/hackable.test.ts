/**
 * `rewardc test` end to end (the built `bin/rewardc.js`, as in test/cli): every example's properties hold, and
 * each deliberately flawed reward in examples/hackable/ fails with a small counterexample that `rewardc run`
 * reproduces from the JSONL it writes.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const bin = join(root, "bin/rewardc.js");

function rewardc(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

type Row = Record<string, unknown>;
const readJsonl = (path: string): Row[] => readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Row);
/** Scores a counterexample with `rewardc run` and returns the scored rows. */
function score(spec: string, jsonl: string): Row[] {
  const r = rewardc(["run", spec, "--in", jsonl, "--backend", "cpu"]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Row);
}

describe("rewardc test on the examples", () => {
  it("every property of every example holds", () => {
    const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".reward")).map((f) => join("examples", f));
    const out = mkdtempSync(join(tmpdir(), "rewardc-test-"));
    const r = rewardc(["test", ...examples, "--seed", "11", "--runs", "40", "--backend", "cpu", "--out-dir", out]);
    expect(r.stdout).not.toContain("FAIL");
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/(\d+) of \1 properties hold \(seed 11, 40 runs each\)/);
  });
});

interface Flaw {
  spec: string;
  property: string;
  /** What `rewardc run` shows on the counterexample. */
  reproduces: (rows: Row[]) => boolean;
}

const FLAWS: Flaw[] = [
  {
    spec: "examples/hackable/length_penalty.reward",
    property: "short_right_beats_long_wrong",
    // a right answer no longer than a wrong one, scoring no more than it
    reproduces: (rows) => rows.some((a) => a.correct === true && rows.some((b) => b.correct === false && (b.length as number) >= (a.length as number) && (b.reward as number) >= (a.reward as number))),
  },
  {
    spec: "examples/hackable/unguarded_std.reward",
    property: "finite_outputs",
    reproduces: (rows) => rows.some((r) => r.advantage === null),
  },
  {
    spec: "examples/hackable/constant_answer.reward",
    property: "wrong_never_full_reward",
    reproduces: (rows) => rows.some((r) => r.correct === false && r.reward === 1),
  },
];

describe.each(FLAWS)("rewardc test $spec", ({ spec, property, reproduces }) => {
  const out = mkdtempSync(join(tmpdir(), "rewardc-hack-"));
  const r = rewardc(["test", spec, "--seed", "5", "--backend", "cpu", "--out-dir", out]);
  const jsonl = join(out, `${spec.split("/").at(-1)!.replace(".reward", "")}.${property}.counterexample.jsonl`);

  it("finds the flaw and exits 1", () => {
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL  ${property}`);
    expect(r.stdout).toContain("smallest counterexample");
    expect(r.stdout).toContain(`replay: rewardc test ${spec} --seed 5 --property ${property}`);
  });

  it("shrinks the counterexample to at most 3 rollouts", () => {
    expect(readJsonl(jsonl).length).toBeLessThanOrEqual(3);
  });

  it("`rewardc run` on the written JSONL reproduces the violation", () => {
    expect(reproduces(score(spec, jsonl))).toBe(true);
  });

  it("the replay command finds the same counterexample", () => {
    const first = readFileSync(jsonl, "utf8");
    const again = rewardc(["test", spec, "--seed", "5", "--backend", "cpu", "--out-dir", out, "--property", property]);
    expect(again.code).toBe(1);
    expect(readFileSync(jsonl, "utf8")).toBe(first);
  });
});

describe("rewardc test usage", () => {
  it("an unknown --property is a diagnostic, exit 1", () => {
    const r = rewardc(["test", "examples/grpo_lambda.reward", "--property", "bounde", "--backend", "cpu"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[R0213]: `examples/grpo_lambda.reward` has no property `bounde`");
    expect(r.stderr).toContain("did you mean `bounded`?");
  });

  it("--param checks the properties with that param value; an unknown param is exit 2", () => {
    const r = rewardc(["test", "examples/grpo_lambda.reward", "--param", "threshold=0.9", "--runs", "10", "--seed", "1", "--backend", "cpu"]);
    expect(r.code).toBe(0);
    const bad = rewardc(["test", "examples/grpo_lambda.reward", "--param", "nope=1", "--backend", "cpu"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown param `nope`");
  });

  it("a bad --runs is a usage error, exit 2", () => {
    const r = rewardc(["test", "examples/grpo_lambda.reward", "--runs", "many"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--runs takes a positive integer");
  });

  it("a spec with errors exits 1 with its diagnostics", () => {
    const r = rewardc(["test", "test/fixtures/errors/R0213-property.reward", "--backend", "cpu"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[R0213]");
  });
});
