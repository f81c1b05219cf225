/**
 * Data exchange with the Python peers (format in /work/briefs/bench-design.md and docs/bench.md): a directory
 * with manifest.json and one raw little-endian binary per column, offsets array and the group ids; the peers
 * answer with out.<impl>/manifest.json listing their outputs in the same layout as rewardc's.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchColumn, BenchData, Outputs } from "./data.js";

type Dtype = "f32" | "i32" | "u8";

function dtypeOf(column: BenchColumn): Dtype {
  return column instanceof Float32Array ? "f32" : column instanceof Int32Array ? "i32" : "u8";
}

// Typed arrays are little-endian on every platform node runs the benchmark on (x86-64, arm64).
function bytesOf(a: BenchColumn): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export function writeManifest(dir: string, data: BenchData): void {
  mkdirSync(dir, { recursive: true });
  const columns: Record<string, { dtype: Dtype; file: string; length: number; axis?: string }> = {};
  for (const [name, column] of Object.entries(data.columns)) {
    writeFileSync(join(dir, `${name}.bin`), bytesOf(column));
    const axis = data.axisOf?.[name];
    columns[name] = { dtype: dtypeOf(column), file: `${name}.bin`, length: column.length, ...(axis ? { axis } : {}) };
  }
  const offsets: Record<string, { file: string; length: number }> = {};
  for (const [axis, o] of Object.entries(data.offsets)) {
    writeFileSync(join(dir, `${axis}.offsets.bin`), bytesOf(o));
    offsets[axis] = { file: `${axis}.offsets.bin`, length: o.length };
  }
  writeFileSync(join(dir, "group.bin"), bytesOf(data.groupIds));
  const manifest = {
    workload: data.workload,
    size: data.size,
    group_size: data.groupSize,
    columns,
    offsets,
    groups: { file: "group.bin", length: data.size },
    params: data.params,
  };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
}

/** Reads a peer's outputs; a string says what is wrong with them. */
export function readPeerOutputs(dir: string): Outputs | string {
  const path = join(dir, "manifest.json");
  if (!existsSync(path)) return `no ${path}`;
  let manifest: { outputs?: Record<string, { dtype?: string; file?: string; length?: number }> };
  try {
    manifest = JSON.parse(readFileSync(path, "utf8")) as typeof manifest;
  } catch (e) {
    return `${path} is not JSON: ${(e as Error).message}`;
  }
  const outputs: Outputs = new Map();
  for (const [name, entry] of Object.entries(manifest.outputs ?? {})) {
    if (entry.dtype !== "f32" && entry.dtype !== "u8") return `output \`${name}\` has dtype ${String(entry.dtype)}, expected f32 or u8`;
    if (typeof entry.file !== "string" || typeof entry.length !== "number") return `output \`${name}\` needs a file and a length`;
    const bytes = readFileSync(join(dir, entry.file));
    const width = entry.dtype === "f32" ? 4 : 1;
    if (bytes.byteLength !== entry.length * width) return `output \`${name}\`: ${entry.file} has ${bytes.byteLength} bytes, expected ${entry.length * width}`;
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    outputs.set(name, entry.dtype === "f32" ? new Float32Array(copy.buffer) : copy);
  }
  return outputs;
}
