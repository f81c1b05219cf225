/**
 * Error fixtures: test/fixtures/errors/CODE-name.reward must produce diagnostic CODE; the rendered
 * diagnostics are snapshotted. Every code in the registry has at least one fixture.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../src/compiler/compile.js";
import { DIAGNOSTIC_CODES } from "../../src/diagnostics/codes.js";
import { diagnosticsToJson, renderDiagnostics } from "../../src/diagnostics/render.js";

const root = join(import.meta.dirname, "../..");
const dir = join(root, "test/fixtures/errors");
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".reward")).sort();

describe.each(fixtures)("%s", (file) => {
  const code = file.split("-")[0]!;
  const path = relative(process.cwd(), join(dir, file));
  const result = compileSource(path, readFileSync(join(dir, file), "utf8"));

  it(`reports ${code}`, () => {
    expect(result.diagnostics.map((d) => d.code)).toContain(code);
    if (code.startsWith("R")) expect(result.module).toBeNull();
  });

  it("renders as snapshotted", async () => {
    await expect(renderDiagnostics(result.diagnostics, result.sources) + "\n").toMatchFileSnapshot(`../__snapshots__/errors/${basename(file, ".reward")}.txt`);
  });

  it("every label points inside its file, with 1-based line and column in JSON", () => {
    for (const d of diagnosticsToJson(result.diagnostics, result.sources) as { labels: { span: { line: number; column: number; start: number; end: number } }[] }[]) {
      for (const l of d.labels) {
        expect(l.span.line).toBeGreaterThanOrEqual(1);
        expect(l.span.column).toBeGreaterThanOrEqual(1);
        expect(l.span.end).toBeGreaterThanOrEqual(l.span.start);
      }
    }
  });
});

it("every diagnostic code has an error fixture", () => {
  const covered = new Set(fixtures.map((f) => f.split("-")[0]));
  expect(Object.keys(DIAGNOSTIC_CODES).filter((c) => !covered.has(c))).toEqual([]);
});

it("docs/diagnostics.md lists every code", () => {
  const doc = readFileSync(join(root, "docs/diagnostics.md"), "utf8");
  expect(Object.keys(DIAGNOSTIC_CODES).filter((c) => !doc.includes(`| ${c} |`))).toEqual([]);
});
