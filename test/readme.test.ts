/**
 * The README's TypeScript example for a training loop type-checks and runs as written, in a scratch project
 * where "rewardc" is installed the way a user installs it. Only the names the README leaves to the reader
 * (`steps`, `log`) are supplied. The Python example is run by clients/python/tests/test_readme.py.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { root, scratchProject, STRICT_OPTIONS, writeModule } from "./bindings/tsProject.js";

function readmeBlock(heading: string, language: string): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf(heading));
  const found = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(section);
  if (!found) throw new Error(`README.md has no \`\`\`${language} block after "${heading}"`);
  return found[1]!;
}

describe("README: Use it from your training loop", () => {
  it("the TypeScript example type-checks and scores every step", () => {
    const rows = readFileSync(join(root, "examples/data/grpo_lambda.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { prompt: string; correct: boolean; length: number });
    const rollouts = rows.map((r) => ({ promptId: r.prompt, correct: r.correct, tokens: new Array<number>(r.length).fill(0) }));
    const prelude = [
      `const steps = ${JSON.stringify([{ rollouts }, { rollouts: rollouts.slice(0, 4) }])};`,
      "const logged: unknown[] = [];",
      "const log = (metrics: unknown): void => void logged.push(metrics);",
    ].join("\n");
    const block = readmeBlock("### TypeScript", "ts");
    const imports = block.split("\n").filter((l) => l.startsWith("import "));
    const body = block.split("\n").filter((l) => !l.startsWith("import "));
    const text = [...imports, prelude, ...body, "console.log(JSON.stringify({ logged: logged.map((m) => Object.fromEntries(m as Map<string, number>)), checkpoint: JSON.parse(checkpoint), advantages: advantages_ }));"].join("\n");
    // `advantages` is scoped to the loop body: keep the last one for the check below.
    const source = text.replace("const advantages = outputs.get(\"advantage\");", "const advantages = outputs.get(\"advantage\");\n  advantages_ = Array.from(advantages ?? []);").replace(prelude, `${prelude}\nlet advantages_: number[] = [];`);
    const dir = scratchProject();
    try {
      writeModule(dir, "loop", source);
      const program = ts.createProgram([join(dir, "loop.ts")], { ...STRICT_OPTIONS, noUnusedLocals: false });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(problems).toEqual([]);
      writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
      const out = JSON.parse(execFileSync(process.execPath, [join(dir, "loop.js")], { cwd: root, encoding: "utf8", env: { ...process.env, REWARDC_NO_GPU: "1" } })) as {
        logged: Record<string, number>[];
        checkpoint: { step: number };
        advantages: number[];
      };
      expect(out.logged).toHaveLength(2);
      expect(Object.keys(out.logged[0]!)).toContain("accuracy");
      expect(out.checkpoint.step).toBe(2);
      expect(out.advantages).toHaveLength(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
