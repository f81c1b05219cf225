/**
 * Code frames line up with the code above them whatever the line holds before the error: tabs and characters
 * outside the Basic Multilingual Plane (two UTF-16 units each).
 */
import { describe, expect, it } from "vitest";
import { compileSource } from "../../src/compiler/compile.js";
import { error } from "../../src/diagnostics/diagnostic.js";
import { diagnosticsToJson, renderDiagnostic } from "../../src/diagnostics/render.js";
import { SourceMap } from "../../src/diagnostics/sourceMap.js";

const FILE = "t.reward";

function sourceMap(text: string): SourceMap {
  const sources = new SourceMap();
  sources.add(FILE, text);
  return sources;
}

describe("code frames", () => {
  it("show a tab as four spaces and count an emoji as one column, under the caret too", () => {
    const text = "reward t\nlet a =\t\"😀\" + ysum # 😀\n";
    const start = text.indexOf("ysum");
    const d = error("R0101", "cannot find `ysum`", { file: FILE, start, end: start + 4 }, "not defined");
    expect(renderDiagnostic(d, sourceMap(text)).split("\n")).toEqual([
      "error[R0101]: cannot find `ysum`",
      " --> t.reward:2:15",
      "  |",
      '2 | let a =    "😀" + ysum # 😀',
      "  |                  ^^^^ not defined",
      "  |",
    ]);
  });

  it("size an underline in code points: an emoji is one caret", () => {
    const text = "x\t😀😀y\n";
    const start = text.indexOf("😀");
    const d = error("R0001", "unexpected characters", { file: FILE, start, end: start + 4 }, "here");
    expect(renderDiagnostic(d, sourceMap(text)).split("\n").slice(3, 5)).toEqual(["1 | x    😀😀y", "  |      ^^ here"]);
  });

  it("a compiler diagnostic after a tab and an emoji on its line", () => {
    const text = 'reward t\nimport\t"😀.reward" as std\ninput x : float\nreward = x\n';
    const result = compileSource(FILE, text);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["R0107"]);
    expect(renderDiagnostic(result.diagnostics[0]!, result.sources).split("\n").slice(1, 5)).toEqual([
      " --> t.reward:2:22",
      "  |",
      '2 | import    "😀.reward" as std',
      "  |                         ^^^ choose another alias",
    ]);
  });
});

describe("positions", () => {
  it("count columns in code points, in the header and in JSON", () => {
    const text = "let s = 1 # 😀😀\nlet\tz = 😀 + q\n";
    const start = text.indexOf("q");
    const sources = sourceMap(text);
    expect(sources.position(FILE, start)).toEqual({ line: 2, column: 13 });
    const d = error("R0101", "cannot find `q`", { file: FILE, start, end: start + 1 }, "not defined");
    expect(renderDiagnostic(d, sources)).toContain(" --> t.reward:2:13");
    const [json] = diagnosticsToJson([d], sources) as { labels: { span: { line: number; column: number; endLine: number; endColumn: number } }[] }[];
    expect(json!.labels[0]!.span).toMatchObject({ line: 2, column: 13, endLine: 2, endColumn: 14 });
  });
});
