/** Small I/O helpers shared by the commands: atomic writes, reading inputs, float formatting. */
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes through a temporary file and a rename, so a failed run never leaves a partial file behind. A failure
 * names `path`, the file the user asked for, not the temporary file next to it.
 */
export function writeFileAtomic(path: string, data: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UsageError(`cannot write \`${path}\`: ${reasonOf(e)}`);
  }
}

/** `no such file or directory` from Node's `ENOENT: no such file or directory, open '/tmp/.x.123.tmp'`. */
function reasonOf(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return /^E[A-Z]+: ([^,]+),/.exec(message)?.[1] ?? message;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
