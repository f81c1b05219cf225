/** Where the package's own files live, whether running from src/ (tests) or dist/src/ (the CLI). */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "stdlib", "std.reward"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("rewardc is installed incompletely: stdlib/std.reward was not found above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
  root = dir;
  return dir;
}

export function stdlibPath(): string {
  return join(packageRoot(), "stdlib", "std.reward");
}
