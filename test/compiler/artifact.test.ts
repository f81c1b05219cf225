/** Artifacts (version 2) carry string inputs and text features unchanged, whatever the strings spell. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ARTIFACT_VERSION, readArtifact, serializeArtifact } from "../../src/cli/loadSpec.js";
import { printIr } from "../../src/compiler/printIr.js";
import { compileOk } from "../support.js";

describe("artifacts with text inputs", () => {
  it("round trip texts and features, leaving strings that spell numbers alone", () => {
    const module = compileOk(
      'reward t\ninput c : string\ninput x : float\nreward = x + float(text.count(c, "NaN")) + float(c == "Infinity") + float(text.matches(c, "-0", flags: "i")) + float(text.lower(c) != "-Infinity")\n',
    );
    const path = join(mkdtempSync(join(tmpdir(), "rewardc-artifact-")), "t.json");
    writeFileSync(path, serializeArtifact(module));
    expect(ARTIFACT_VERSION).toBe(2);
    const read = readArtifact(path);
    expect(read.texts).toEqual([{ name: "c" }]);
    expect(read.inputs).toEqual(module.inputs);
    expect(printIr(read)).toBe(printIr(module));
  });

  it("a damaged feature is reported, not run", () => {
    const module = compileOk('reward t\ninput c : string\nreward = float(text.matches(c, "a+"))\n');
    const path = join(mkdtempSync(join(tmpdir(), "rewardc-artifact-")), "t.json");
    writeFileSync(path, serializeArtifact(module).replace('"pattern":"a+"', '"pattern":"a{2,1}"'));
    expect(() => readArtifact(path)).toThrow(/is damaged: derived input "text.matches#0": Invalid regular expression/);
  });
});
