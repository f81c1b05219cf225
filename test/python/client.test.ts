/**
 * The Python client (clients/python) against a live `rewardc serve`: runs its unittest suite with python3, the
 * server being this repo's built CLI (npm test builds first). Fails with the suite's output if any test fails.
 */
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const bin = join(root, "bin/rewardc.js");

const python = spawnSync("python3", ["--version"], { encoding: "utf8" });
const hasPython = python.error === undefined && python.status === 0;

/** A command line for Python's shlex.split: each word single-quoted. */
function shellWords(words: string[]): string {
  return words.map((w) => `'${w.replaceAll("'", `'"'"'`)}'`).join(" ");
}

function runSuite(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-m", "unittest", "discover", "-s", "clients/python/tests", "-v"], {
      cwd: root,
      env: { ...process.env, REWARDC: shellWords([process.execPath, bin]), PYTHONDONTWRITEBYTECODE: "1", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe(hasPython ? "Python client" : "Python client (skipped: python3 is not on PATH)", () => {
  it.skipIf(!hasPython)(
    "python3 -m unittest discover -s clients/python/tests passes",
    async () => {
      const { code, output } = await runSuite();
      if (code !== 0) expect.fail(`the Python client's tests failed (exit ${code}):\n${output}`);
      expect(output).toMatch(/\nOK/);
    },
    600_000,
  );
});
