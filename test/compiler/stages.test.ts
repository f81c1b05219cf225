/**
 * Stage snapshots over a table of fixtures: every example and every file in test/fixtures/ok. For each,
 * the AST (spans stripped), the IR straight out of the checker, and the IR after the passes; the IR is
 * validated after every pass.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../src/compiler/compile.js";
import { PASSES } from "../../src/compiler/passes/index.js";
import { printIr } from "../../src/compiler/printIr.js";
import { validateIr } from "../../src/compiler/validate.js";
import { renderDiagnostics } from "../../src/diagnostics/render.js";

const root = join(import.meta.dirname, "../..");
const fixtures = [
  ...readdirSync(join(root, "examples")).filter((f) => f.endsWith(".reward")).map((f) => join("examples", f)),
  ...readdirSync(join(root, "test/fixtures/ok")).filter((f) => f.endsWith(".reward")).map((f) => join("test/fixtures/ok", f)),
];

function stripSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSpans);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== "span" && k !== "pathSpan").map(([k, v]) => [k, stripSpans(v)]));
  }
  return value;
}

describe.each(fixtures)("%s", (file) => {
  const name = basename(file, ".reward");
  const text = readFileSync(join(root, file), "utf8");
  // A relative path keeps machine-specific directories out of the snapshots (vitest runs from the root).
  const unoptimized = compileSource(file, text, { optimize: false });

  it("compiles without errors", () => {
    expect(renderDiagnostics(unoptimized.diagnostics.filter((d) => d.severity === "error"), unoptimized.sources)).toBe("");
  });

  it("AST snapshot", async () => {
    await expect(JSON.stringify(stripSpans(unoptimized.ast), null, 2) + "\n").toMatchFileSnapshot(`../__snapshots__/ast/${name}.json`);
  });

  it("IR is valid after every pass; snapshots before and after", async () => {
    let module = unoptimized.module!;
    expect(validateIr(module)).toEqual([]);
    await expect(printIr(module)).toMatchFileSnapshot(`../__snapshots__/ir/${name}.checked.ir`);
    for (const pass of PASSES) {
      module = pass.run(module);
      expect(validateIr(module), `after ${pass.name}`).toEqual([]);
    }
    await expect(printIr(module)).toMatchFileSnapshot(`../__snapshots__/ir/${name}.ir`);
  });

  it("passes are idempotent: running them again changes nothing", () => {
    let once = unoptimized.module!;
    for (const pass of PASSES) once = pass.run(once);
    let twice = once;
    for (const pass of PASSES) twice = pass.run(twice);
    expect(printIr(twice)).toBe(printIr(once));
  });
});
