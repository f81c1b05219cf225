/**
 * The host side of the WebGPU backend: batches whose groups are already contiguous skip the group sort and
 * are packed and unpacked with straight copies; others go through a permutation. Both must give the same
 * bits, and the copies must move every input type (f32, i32, bool, ragged, fixed-width, string features)
 * without changing a bit.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import type { Column } from "../../src/compiler/columnOps.js";
import type { IrModule } from "../../src/compiler/ir.js";
import { takeRollouts, type Batch } from "../../src/runtime/batch.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { initialState, resolveParams } from "../../src/runtime/session.js";
import { WebGpuExecutor, type GpuResult } from "../../src/runtime/webgpu/executor.js";
import { arbitraryRows } from "../batches.js";
import { compileOk } from "../support.js";
import { describeGpu, requireGpu } from "./gpu.js";

const INPUTS = `group by prompt
input x : float in -50..50
input k : int in -20..20
input b : bool
input t : float[tokens] in -10..10
input ids : int[tokens] in 0..5
input flags : bool[tokens]
input v : float[3] in -5..5
input completion : string
`;

/** Every input type feeds group and batch reductions, element-level outputs, metrics and a state update. */
const SPEC = `reward host_layout
${INPUTS}state ema : float = 0.0
let score = x + float(k) + (if b then 1.0 else 0.0) + sum(t) + float(sum(ids)) + float(count(flags)) + sum(v) + float(text.chars(completion))
reward = (score - group.mean(score)) / (group.std(score, population) + 1e-3)
advantage = t * reward + float(ids) - (if flags then 0.5 else 0.0) + prefix_sum(t, 0.9)
keep = group.any(b) and text.matches(completion, "a+")
weight = float(group.rank(x)) + batch.mean(v[1])
metric total = batch.sum(score)
metric mean_t = batch.mean(t)
update ema = 0.9 * ema + 0.1 * batch.mean(score)
`;

/** The same inputs without ranges on the floats, so the echoes can carry extreme values. */
const ECHO_INPUTS = `group by prompt
input x : float
input k : int in -20..20
input b : bool
input t : float[tokens]
input ids : int[tokens] in 0..5
input flags : bool[tokens]
input v : float[3]
input completion : string
`;

/** Specs whose outputs echo inputs, so packing and unpacking are checked bit for bit. */
const ECHOES = [
  { body: "reward = x\nweight = float(k)\nkeep = b\nadvantage = t", echo: { reward: "x", weight: "k", keep: "b", advantage: "t" } },
  { body: "reward = float(text.chars(completion))\nkeep = text.matches(completion, \"a+\")\nadvantage = float(ids)", echo: { advantage: "ids" } },
  { body: "reward = 0.0\nadvantage = if flags then 1.0 else 0.0", echo: { advantage: "flags" } },
  { body: "reward = 0.0\nadvantage = v", echo: { advantage: "v" } },
];

const module = compileOk(SPEC);

function build(rows: Record<string, unknown>[]): Batch {
  const built = batchFromRows(module, rows);
  if ("errors" in built) throw new Error(JSON.stringify(built.errors));
  return built.batch;
}

/** Input rollout indices in group order (stable): the order the executor lays rollouts out in. */
function groupOrder(batch: Batch): number[] {
  return Array.from({ length: batch.size }, (_, i) => i).sort((a, b) => batch.groupIds[a]! - batch.groupIds[b]! || a - b);
}

function hex(column: Column): string {
  return Buffer.from(column.buffer, column.byteOffset, column.byteLength).toString("hex");
}

/** The outputs of `result` (scored on `batch`) taken in the order `indices`, bit patterns preserved. */
function reorderedOutputs(mod: IrModule, batch: Batch, result: GpuResult, indices: number[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of mod.outputs) {
    const column = result.outputs.get(o.name)!;
    const level = mod.nodes[o.node]!.level;
    const width = column.BYTES_PER_ELEMENT;
    const bytes = new Uint8Array(column.buffer, column.byteOffset, column.byteLength);
    const parts: Uint8Array[] = [];
    if (level.kind === "element") {
      const offsets = batch.axes.get(level.axis)!;
      for (const i of indices) parts.push(bytes.subarray(offsets[i]! * width, offsets[i + 1]! * width));
    } else for (const i of indices) parts.push(bytes.subarray(i * width, (i + 1) * width));
    out.set(o.name, Buffer.concat(parts).toString("hex"));
  }
  return out;
}

function scalarsHex(result: GpuResult): string {
  const all = [...result.metrics.entries(), ...Object.entries(result.nextState)];
  return all.map(([name, v]) => `${name}=${Buffer.from(new Float64Array([v]).buffer).toString("hex")}`).join(",");
}

describeGpu("WebGPU host layout", () => {
  it("gives the same bits whether the groups arrive contiguous or shuffled", async () => {
    const executor = new WebGpuExecutor(requireGpu(), module);
    const params = resolveParams(module);
    const state = initialState(module);
    let permuted = 0;
    await fc.assert(
      fc.asyncProperty(arbitraryRows(module, { maxGroups: 5, maxGroupSize: 9, maxLength: 7 }), async (rows) => {
        const shuffled = build(rows);
        const order = groupOrder(shuffled);
        if (order.some((i, k) => i !== k)) permuted++;
        // Contiguous: the same rollouts already in group order, so the executor takes the no-sort path.
        const contiguous = takeRollouts(module, shuffled, order);
        expect(Array.from(contiguous.groupIds).every((g, i) => i === 0 || g >= contiguous.groupIds[i - 1]!)).toBe(true);
        const fromShuffled = await executor.run(shuffled, params, state);
        const fromContiguous = await executor.run(contiguous, params, state);
        const identity = Array.from({ length: contiguous.size }, (_, i) => i);
        expect(reorderedOutputs(module, shuffled, fromShuffled, order)).toEqual(reorderedOutputs(module, contiguous, fromContiguous, identity));
        expect(scalarsHex(fromShuffled)).toBe(scalarsHex(fromContiguous));
      }),
      { numRuns: 40 },
    );
    expect(permuted).toBeGreaterThan(0);
    executor.destroy();
  });

  it("copies every input type through the arenas bit for bit, grouped or not", async () => {
    const values = [0, -0, 1.5, -49.75, 3.4028234663852886e38, 1e-30, 0.1, -7];
    const rows = Array.from({ length: 24 }, (_, i) => ({
      prompt: `p${i % 3}`,
      x: values[i % values.length]!,
      k: ((i * 7) % 41) - 20,
      b: i % 3 === 1,
      t: Array.from({ length: i % 5 }, (_, j) => values[(i + j) % values.length]! / 8),
      ids: Array.from({ length: i % 5 }, (_, j) => (i + j) % 6),
      flags: Array.from({ length: i % 5 }, (_, j) => (i + j) % 2 === 0),
      v: [values[i % values.length]! / 16, -i, i / 3],
      completion: "a".repeat(i % 4) + "b",
    }));
    for (const { body, echo } of ECHOES) {
      const mod = compileOk(`reward echo\n${ECHO_INPUTS}${body}\n`);
      const executor = new WebGpuExecutor(requireGpu(), mod);
      // Interleaved groups (p0 p1 p2 p0 ...) take the permuted path; the same rows sorted take the straight one.
      for (const order of [rows, [...rows].sort((p, q) => p.prompt.localeCompare(q.prompt))]) {
        const built = batchFromRows(mod, order);
        if ("errors" in built) throw new Error(JSON.stringify(built.errors));
        const batch = built.batch;
        const result = await executor.run(batch, resolveParams(mod), initialState(mod));
        for (const [output, input] of Object.entries(echo)) {
          const got = result.outputs.get(output)!;
          const want = batch.columns.get(input)!;
          // int and bool inputs come back as float (1.0 / 0.0) except through `keep`, which stays bool.
          const expected = got instanceof Float32Array && !(want instanceof Float32Array) ? Float32Array.from(want) : want;
          expect(hex(got), `${output} = ${input}`).toBe(hex(expected));
        }
        if (body.includes("text.matches")) expect(Array.from(result.outputs.get("keep")!)).toEqual(batch.texts!.get("completion")!.map((s) => (/a+/.test(s) ? 1 : 0)));
      }
      executor.destroy();
    }
  });
});
