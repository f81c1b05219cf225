/** Every example's bindings type-check under the strictest compiler settings, as a user's project would hold them. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitTypeScript, pascalCase } from "../../src/bindings/emitTs.js";
import { compileFile } from "../../src/compiler/compile.js";
import { root, scratchProject, typeCheck, writeModule } from "./tsProject.js";

const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".reward")).sort();

describe("generated bindings type-check", () => {
  it("for every example, with a caller touching every generated type", () => {
    const dir = scratchProject();
    const files: string[] = [];
    for (const file of examples) {
      const { module } = compileFile(join(root, "examples", file));
      const name = file.replace(/\.reward$/, "");
      writeModule(dir, name, emitTypeScript(module!));
      writeModule(dir, `${name}.caller`, callerOf(name, pascalCase(module!.name)));
      files.push(`${name}.ts`, `${name}.caller.ts`);
    }
    expect(typeCheck(dir, files)).toEqual([]);
  });
});

/** A caller using every exported type and function of a generated module (it is type-checked, never run). */
function callerOf(file: string, x: string): string {
  return `import { create${x}, ${x[0]!.toLowerCase()}${x.slice(1)}Spec, type ${x}Inputs, type ${x}Metrics, type ${x}Outputs, type ${x}Params, type ${x}Row, type ${x}Scorer, type ${x}State } from "./${file}.js";

export async function use(inputs: ${x}Inputs, rows: readonly ${x}Row[]): Promise<[${x}Outputs, ${x}Metrics, ${x}State, Required<${x}Params>, number, string]> {
  const scorer: ${x}Scorer = await create${x}({ backend: "cpu" });
  const { outputs } = await scorer.score(inputs);
  const { metrics } = await scorer.scoreRows(rows);
  scorer.restoreState(scorer.saveState());
  scorer.close();
  return [outputs, metrics, scorer.state(), scorer.params(), scorer.step, ${x[0]!.toLowerCase()}${x.slice(1)}Spec.spec];
}
`;
}
