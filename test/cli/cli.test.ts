/**
 * The CLI end to end, through a child process running the built `bin/rewardc.js` (npm test builds first).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const bin = join(root, "bin/rewardc.js");

function rewardc(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", input, env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const scratch = mkdtempSync(join(tmpdir(), "rewardc-cli-"));
const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".reward"));

describe("rewardc check", () => {
  it("exits 0 on every example", () => {
    const r = rewardc(["check", ...examples.map((f) => join("examples", f))]);
    expect(r.stderr).toContain(`${examples.length} files checked: no errors`);
    expect(r.code).toBe(0);
  });

  it("exits 1 on an erroneous spec, rendering rustc-style diagnostics", () => {
    const r = rewardc(["check", "test/fixtures/errors/R0203-level.reward"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[R0203]: `group.mean` needs a rollout-level value, found a token-level one");
    expect(r.stderr).toContain(" --> test/fixtures/errors/R0203-level.reward:5:20");
    expect(r.stderr).toContain("^^^^ `logp` is per token; reduce it first, e.g. `mean(logp)`");
  });

  it("--json prints diagnostics as data", () => {
    const r = rewardc(["check", "--json", "test/fixtures/errors/R0101-undefined-name.reward"]);
    expect(r.code).toBe(1);
    const diagnostics = JSON.parse(r.stdout) as { code: string; labels: { span: { line: number; column: number } }[] }[];
    expect(diagnostics.map((d) => d.code)).toEqual(["R0101", "R0101"]);
    expect(diagnostics[0]!.labels[0]!.span).toMatchObject({ line: 5, column: 13 });
  });

  it("a missing file is an error, not a crash", () => {
    const r = rewardc(["check", "nope.reward"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cannot read `nope.reward`: no such file");
  });
});

describe("rewardc run", () => {
  it.each(examples)("scores %s's data in input order", (file) => {
    const name = basename(file, ".reward");
    const data = join("examples/data", `${name}.jsonl`);
    const r = rewardc(["run", join("examples", file), "--in", data]);
    expect(r.stderr).toContain("metrics: {");
    expect(r.code).toBe(0);
    const input = readFileSync(join(root, data), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
    const output = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(output).toHaveLength(input.length);
    output.forEach((row, i) => {
      expect(row).toMatchObject(input[i]!);
      expect(typeof row.reward).toBe("number");
    });
  });

  it("GRPO-λ example: gated Kimi rewards by hand", () => {
    const r = rewardc(["run", "examples/grpo_lambda.reward", "--in", "examples/data/grpo_lambda.jsonl"]);
    const rewards = r.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { reward: number }).reward);
    // p1: 3 of 4 correct >= 0.5, lengths 120..480 -> kimi = 0.5 - (len - 120) / 360.
    // p2: 1 of 4 correct < 0.5 -> plain 0/1. p3: a singleton, correct -> kimi 0 -> 1.
    const kimi = (len: number): number => 0.5 - (len - 120) / 360;
    const expected = [1 + kimi(120), 0, 1 + kimi(480), Math.min(0, kimi(300)), 1, 1 + kimi(240), 0, 0, 1];
    rewards.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 5));
  });

  it("--out, --metrics and --param", () => {
    const out = join(scratch, "scored.jsonl");
    const metrics = join(scratch, "metrics.json");
    const r = rewardc(["run", "examples/grpo_lambda.reward", "--in", "examples/data/grpo_lambda.jsonl", "--out", out, "--metrics", metrics, "--param", "threshold=0.9"]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(9);
    // With threshold 0.9 only p3 (1 of 1 correct) is gated: 1 of 3 groups.
    expect(JSON.parse(readFileSync(metrics, "utf8"))).toEqual({ accuracy: 0.5555556, mean_length: 510, gated_groups: 0.33333334 });
  });

  it("a malformed row exits 2 naming the line and field, and leaves no partial output", () => {
    const rows = join(scratch, "bad.jsonl");
    writeFileSync(rows, ['{"prompt": 1, "correct": true, "length": 10}', "", '{"prompt": 1, "correct": "yes", "length": 10}', '{"prompt": 2, "correct": true, "length": 99999}'].join("\n"));
    const out = join(scratch, "never.jsonl");
    const r = rewardc(["run", "examples/grpo_lambda.reward", "--in", rows, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("line 3: field `correct`");
    expect(r.stderr).toContain("line 4: field `length`");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(scratch).filter((f) => f.includes("never"))).toEqual([]);
  });

  it("invalid JSON is reported with its line number", () => {
    const r = rewardc(["run", "examples/grpo_lambda.reward", "--in", "-"], '{"prompt": 1, "correct": true, "length": 10}\n{"prompt": 1,\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("line 2: invalid JSON");
  });

  it("an unknown or out-of-range param exits 2", () => {
    expect(rewardc(["run", "examples/grpo_lambda.reward", "--in", "examples/data/grpo_lambda.jsonl", "--param", "treshold=0.2"]).stderr).toContain("unknown param `treshold`");
    const r = rewardc(["run", "examples/grpo_lambda.reward", "--in", "examples/data/grpo_lambda.jsonl", "--param", "threshold=2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("outside its declared range");
  });

  it("an erroneous spec exits 1 before reading rows", () => {
    expect(rewardc(["run", "test/fixtures/errors/R0201-type-mismatch.reward", "--in", "examples/data/grpo_lambda.jsonl"]).code).toBe(1);
  });

  it("--state carries state from one run to the next", () => {
    const state = join(scratch, "state.json");
    const args = ["run", "examples/lagrange_state.reward", "--in", "examples/data/lagrange_state.jsonl", "--state", state];
    const first = rewardc(args);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('"multiplier":0');
    const second = rewardc(args);
    // mean cost 0.38 > budget 0.2: mu = 0.5 * 0.18 = 0.09 after the first batch.
    const metrics = JSON.parse(/metrics: (.*)/.exec(second.stderr)![1]!) as { multiplier: number };
    expect(metrics.multiplier).toBeCloseTo(0.09, 6);
    expect(JSON.parse(readFileSync(state, "utf8"))).toMatchObject({ step: 2 });
  });
});

describe("rewardc run keeps rows as written", () => {
  const spec = join(scratch, "constant.reward");
  writeFileSync(spec, "reward constant\nreward = 1.5\n");

  it("adds the outputs to each row's own text: big ints, `3.0` and spacing survive", () => {
    const rows = ['\uFEFF{"prompt":"a","id":12345678901234567890, "x": 3.0 }', "{}", '{ "nested": {"a": [1.0, 2]} }\r'].join("\n");
    const r = rewardc(["run", spec, "--in", "-"], rows + "\n");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(['{"prompt":"a","id":12345678901234567890, "x": 3.0 ,"reward":1.5}', '{"reward":1.5}', '{ "nested": {"a": [1.0, 2]} ,"reward":1.5}', ""].join("\n"));
  });

  it("rewrites a row only when --overwrite replaces one of its fields", () => {
    const r = rewardc(["run", spec, "--in", "-", "--overwrite"], '{"reward": 0, "x": 3.0}\n{"x": 3.0}\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"reward":1.5,"x":3}\n{"x": 3.0,"reward":1.5}\n');
  });

  it("rejects a row that repeats a field, naming the line and the field", () => {
    const r = rewardc(["run", spec, "--in", "-"], '{"a": 1}\n{"a": 1, "b": 2, "a": 3}\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("line 2: field `a` appears more than once");
  });
});

describe("rewardc run with state that diverges", () => {
  it("warns when a state becomes NaN, saves it, and the next run restores it", () => {
    const spec = join(scratch, "diverging.reward");
    writeFileSync(spec, "reward diverging\nstate mu : float = 0.5\nupdate mu = log(mu - 1.0)\nmetric m = mu\nreward = 1.0\n");
    const state = join(scratch, "diverging.state.json");
    const first = rewardc(["run", spec, "--in", "-", "--state", state], "{}\n");
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`warning: state \`mu\` became NaN after this batch (saved as "NaN" in \`${state}\`)`);
    expect(JSON.parse(readFileSync(state, "utf8"))).toMatchObject({ step: 1, state: { mu: "NaN" } });
    const second = rewardc(["run", spec, "--in", "-", "--state", state], "{}\n");
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain("warning: state");
    expect(JSON.parse(readFileSync(state, "utf8"))).toMatchObject({ step: 2, state: { mu: "NaN" } });
  });
});

describe("rewardc run options and files", () => {
  it("--param takes decimal numbers, inf, -inf, true and false only", () => {
    const run = (value: string) => rewardc(["run", "examples/grpo_lambda.reward", "--in", "examples/data/grpo_lambda.jsonl", "--param", `threshold=${value}`]);
    for (const bad of ["0x5", "0b1", "Infinity", "", "5e", "1e999"]) {
      const r = run(bad);
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toContain("--param threshold:");
    }
    for (const good of ["0.5", ".5", "5e-1", "+0.5", "1", "1."]) expect(run(good).code, good).toBe(0);
  });

  it("a file that cannot be written is named as given, not as its temporary file", () => {
    const out = join(scratch, "no-such-dir", "scored.jsonl");
    const r = rewardc(["run", "examples/grpo_lambda.reward", "--in", "examples/data/grpo_lambda.jsonl", "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: cannot write \`${out}\`: no such file or directory`);
    expect(r.stderr).not.toContain(".tmp");
  });

  it("writes the scored rows last: a failed metrics or state write leaves none behind", () => {
    const out = join(scratch, "alone.jsonl");
    const metrics = join(scratch, "no-such-dir", "metrics.json");
    const r = rewardc(["run", "examples/lagrange_state.reward", "--in", "examples/data/lagrange_state.jsonl", "--out", out, "--metrics", metrics]);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
    const state = join(scratch, "no-such-dir", "state.json");
    expect(rewardc(["run", "examples/lagrange_state.reward", "--in", "examples/data/lagrange_state.jsonl", "--out", out, "--state", state]).code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

describe("rewardc build", () => {
  it("writes an artifact that run loads, giving the same rows", () => {
    const artifact = join(scratch, "grpo_lambda.json");
    expect(rewardc(["build", "examples/grpo_lambda.reward", "-o", artifact]).code).toBe(0);
    const fromArtifact = rewardc(["run", artifact, "--in", "examples/data/grpo_lambda.jsonl"]);
    const fromSource = rewardc(["run", "examples/grpo_lambda.reward", "--in", "examples/data/grpo_lambda.jsonl"]);
    expect(fromArtifact.code).toBe(0);
    expect(fromArtifact.stdout).toBe(fromSource.stdout);
  });

  it("--dump=ir and --dump=ast print stages", () => {
    const ir = rewardc(["build", "examples/grpo_lambda.reward", "--dump=ir"]);
    expect(ir.stdout).toContain("group_reduce.mean");
    expect(ir.stdout).toContain("output reward = %");
    const ast = rewardc(["build", "examples/grpo_lambda.reward", "--dump=ast"]);
    expect(JSON.parse(ast.stdout)).toMatchObject({ kind: "Program" });
  });

  it("an artifact keeps infinities, NaN and -0, and scores as its source does", () => {
    const spec = join(scratch, "non_finite.reward");
    // -0.0 survives folding here because `max` reads x; its sign decides the branch for x < 0.
    writeFileSync(spec, "reward non_finite\ninput x : float\nparam cap : float = inf\nreward = min(x, cap) + (if 1.0 / max(-0.0, min(x, 0.0)) < 0.0 then 10.0 else 0.0)\n");
    const artifact = join(scratch, "non_finite.json");
    expect(rewardc(["build", spec, "-o", artifact]).code).toBe(0);
    expect(readFileSync(artifact, "utf8")).toContain('"default":"Infinity"');
    const rows = '{"x": 2}\n{"x": -1}\n';
    const fromArtifact = rewardc(["run", artifact, "--in", "-"], rows);
    expect(fromArtifact.code).toBe(0);
    expect(fromArtifact.stdout).toBe('{"x": 2,"reward":2}\n{"x": -1,"reward":9}\n');
    expect(rewardc(["run", spec, "--in", "-"], rows).stdout).toBe(fromArtifact.stdout);
  });

  it("an artifact with an unknown function or a wrong argument count is damaged (exit 2), not a crash", () => {
    const artifact = join(scratch, "edited.json");
    expect(rewardc(["build", "examples/grpo_lambda.reward", "-o", artifact]).code).toBe(0);
    const good = readFileSync(artifact, "utf8");
    for (const [from, to, message] of [
      ['"fn":"min"', '"fn":"minimum"', 'unknown function "minimum"'],
      ['"op":"select"', '"op":"choose"', 'unknown op "choose"'],
    ] as const) {
      expect(good).toContain(from);
      writeFileSync(artifact, good.replace(from, to));
      const r = rewardc(["run", artifact, "--in", "examples/data/grpo_lambda.jsonl"]);
      expect(r.code, message).toBe(2);
      expect(r.stderr).toContain("is damaged");
      expect(r.stderr).toContain(message);
    }
  });

  it("a damaged artifact is rejected with a clear message", () => {
    const artifact = join(scratch, "damaged.json");
    writeFileSync(artifact, JSON.stringify({ format: "rewardc-module", version: 2, module: { nodes: [{ id: 3, op: "const", args: [7] }], outputs: [], metrics: [], states: [], axes: [], spans: [] } }));
    const r = rewardc(["run", artifact, "--in", "examples/data/grpo_lambda.jsonl"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is damaged");
  });
});

describe("help", () => {
  it.each(["check", "build", "run"])("rewardc %s --help", (command) => {
    const r = rewardc([command, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: rewardc ${command}`);
  });

  it("an unknown command or option exits 2 with usage", () => {
    expect(rewardc(["frobnicate"]).code).toBe(2);
    const r = rewardc(["run", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("rewardc run --help");
  });
});

describe("writeFileAtomic", () => {
  it("syncs the file before the rename and the directory after, so the write survives a crash", () => {
    const target = join(scratch, "durable.json");
    // fs.fsyncSync is watched in a child process; syncBuiltinESMExports makes the built module's import see it.
    const script = `
      const fs = require("node:fs");
      const calls = [];
      const fsync = fs.fsyncSync;
      fs.fsyncSync = (fd) => {
        const s = fs.fstatSync(fd);
        calls.push(s.isDirectory() ? "dir" : "file " + s.size + " " + fs.existsSync(${JSON.stringify(target)}));
        return fsync(fd);
      };
      require("node:module").syncBuiltinESMExports();
      import(${JSON.stringify(join(root, "dist/src/cli/io.js"))}).then(({ writeFileAtomic }) => {
        writeFileAtomic(${JSON.stringify(target)}, "12345");
        console.log(JSON.stringify(calls));
      });`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual(["file 5 false", "dir"]);
    expect(readFileSync(target, "utf8")).toBe("12345");
  });
});
