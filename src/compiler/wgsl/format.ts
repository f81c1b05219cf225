/** Text form of a compiled WGSL program for `rewardc build --emit wgsl` and snapshots: each kernel with its bindings. */
import type { WgslProgram } from "./emitWgsl.js";
import { PRELUDE } from "./inline.js";

/** Every kernel includes the same prelude of helpers: it is printed once, first. */
export function formatWgslProgram(program: WgslProgram): string {
  const parts: string[] = [
    `// spec \`${program.module.name}\`: ${program.kernels.length} kernels, run in this order`,
    `// ---- prelude included by every kernel\n${PRELUDE.trim()}`,
  ];
  for (const kernel of program.kernels) {
    const grid = kernel.grid.over === "single" ? "one workgroup" : kernel.grid.over === "blocks" ? `blocks of 256 ${kernel.grid.domain.kind === "element" ? `elements of ${kernel.grid.domain.axis}` : `${kernel.grid.domain.kind}s`}` : kernel.grid.over === "elements" ? `elements of ${kernel.grid.axis}` : kernel.grid.over === "rollout-workgroups" ? "a workgroup per rollout" : kernel.grid.over;
    parts.push(
      [
        `// ---- kernel ${kernel.name}: workgroup ${kernel.workgroupSize === "group" ? "W (a power of two covering the largest group, at most 256)" : kernel.workgroupSize}, over ${grid}`,
        "//   binding 0: uniform Dispatch (item range and window bases)",
        ...kernel.arenas.map((a, i) => `//   binding ${i + 1}: storage arena \`${a}\``),
        kernel.code.replace(PRELUDE.trim(), "// (prelude)"),
      ].join("\n"),
    );
  }
  return parts.join("\n\n");
}
