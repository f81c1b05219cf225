/**
 * The WGSL of every example and fixture compiles on Dawn with no error and no warning; the kernels of a
 * few fixtures are snapshotted with their binding layout.
 */
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { expect, it } from "vitest";
import { compileFile } from "../../src/compiler/compile.js";
import { emitWgsl } from "../../src/compiler/wgsl/emitWgsl.js";
import { formatWgslProgram } from "../../src/compiler/wgsl/format.js";
import { describeGpu, requireGpu } from "./gpu.js";

const root = join(import.meta.dirname, "../..");
const files = [
  ...readdirSync(join(root, "examples")).filter((f) => f.endsWith(".reward")).map((f) => join("examples", f)),
  ...readdirSync(join(root, "test/fixtures/ok")).filter((f) => f.endsWith(".reward")).map((f) => join("test/fixtures/ok", f)),
];

describeGpu("WGSL compiles cleanly on Dawn", () => {
  it.each(files)("%s", async (file) => {
    const { module } = compileFile(file);
    const device = requireGpu().device;
    for (const kernel of emitWgsl(module!).kernels) {
      const shader = device.createShaderModule({ code: kernel.code, label: kernel.name });
      const messages = (await shader.getCompilationInfo()).messages.map((m) => `${kernel.name} ${m.type} ${m.lineNum}:${m.linePos} ${m.message}`);
      expect(messages).toEqual([]);
    }
  });
});

it.each(["examples/grpo_lambda.reward", "examples/process_delta.reward", "examples/repetition_penalty.reward", "test/fixtures/ok/group_ops.reward"])("WGSL snapshot of %s", async (file) => {
  const { module } = compileFile(file);
  await expect(formatWgslProgram(emitWgsl(module!))).toMatchFileSnapshot(`../__snapshots__/wgsl/${basename(file, ".reward")}.wgsl`);
});
