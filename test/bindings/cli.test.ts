/** `rewardc build FILE --emit ts` through the built CLI (npm run build first). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "./tsProject.js";

function rewardc(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, "bin/rewardc.js"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("rewardc build --emit ts", () => {
  it("writes the bindings to -o, importing the runtime from --import-from", () => {
    const out = join(mkdtempSync(join(tmpdir(), "rewardc-emit-ts-")), "grpo.ts");
    const r = rewardc(["build", "examples/grpo_lambda.reward", "--emit", "ts", "--import-from", "@acme/rewardc", "-o", out]);
    expect(r).toMatchObject({ code: 0, stdout: "" });
    const text = readFileSync(out, "utf8");
    expect(text).toContain('} from "@acme/rewardc";');
    expect(text).toContain("export function createGrpoLambda(");
  });

  it("prints them to stdout, importing from rewardc by default", () => {
    const r = rewardc(["build", "examples/token_entropy.reward", "--emit=ts"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('} from "rewardc";');
  });

  it("rejects --import-from without --emit ts, and an unknown target", () => {
    expect(rewardc(["build", "examples/grpo_lambda.reward", "--import-from", "x"])).toMatchObject({ code: 2, stderr: "error: --import-from goes with --emit ts\n" });
    expect(rewardc(["build", "examples/grpo_lambda.reward", "--emit", "py"])).toMatchObject({ code: 2, stderr: "error: unknown --emit target `py`; choose one of wgsl, ts\n" });
  });
});
