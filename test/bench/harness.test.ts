// The benchmark's CPU-side pieces: seeded generators, the peer data format, and the hand-written loops agreeing
// with rewardc's CPU backend on every workload (the "peers compared" check in CI; the Python peers have
// their own test). No timing is asserted.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFile } from "../../src/compiler/compile.js";
import { Session } from "../../src/runtime/session.js";
import { compareMetrics, compareOutputs, HANDWRITTEN_TOLERANCE } from "../../bench/compare.js";
import { groupStarts, type Outputs } from "../../bench/data.js";
import { grpoFloat32Into } from "../../bench/handwritten/grpo.js";
import { writeManifest } from "../../bench/manifest.js";
import { buildBatch, generateData, handwrittenDisagreements, wholeGroups } from "../../bench/measure.js";
import { specPath, WORKLOADS } from "../../bench/workloads.js";

const root = join(import.meta.dirname, "..", "..");
const compiled = WORKLOADS.map((w) => ({ w, module: compileFile(specPath(w.name)).module }));

describe("bench workloads", () => {
  it("every workload compiles", () => {
    for (const { w, module } of compiled) expect(module, w.name).not.toBeNull();
  });

  for (const { w, module } of compiled) {
    it(`${w.name}: the generator is seeded, groups are contiguous and equal, values are valid inputs`, () => {
      const a = generateData(w, module!, 96, 16, 5);
      const b = generateData(w, module!, 96, 16, 5);
      const c = generateData(w, module!, 96, 16, 6);
      for (const [name, col] of Object.entries(a.columns)) {
        expect(b.columns[name], name).toEqual(col);
        expect(col.length, name).toBeGreaterThan(0);
      }
      expect(Object.entries(a.columns).some(([name, col]) => !sameBytes(col, c.columns[name]!))).toBe(true);
      expect(Array.from(a.groupIds)).toEqual(Array.from({ length: 96 }, (_, i) => Math.floor(i / 16)));
      expect(() => buildBatch(module!, a)).not.toThrow(); // checks lengths, offsets, types and declared ranges
    });

    for (const [size, groupSize] of [[96, 16], [24, 1], [30, 3], [512, 256]] as const) {
      it(`${w.name}: the hand-written loop agrees with rewardc CPU (N=${size}, G=${groupSize})`, () => {
        const data = generateData(w, module!, size, groupSize, 11);
        const session = new Session(module!);
        const reference = session.score(buildBatch(module!, data));
        const hand = w.handwritten(data, groupStarts(data.groupIds));
        expect(handwrittenDisagreements(module!, buildBatch(module!, data), session.params(), reference, hand)).toBeNull();
        // Well-conditioned data: nearly every value is within the plain tolerance too.
        const agreement = compareOutputs(reference.outputs as Outputs, hand.outputs, HANDWRITTEN_TOLERANCE);
        expect(agreement.mismatches).toBeLessThanOrEqual(1);
        if (hand.metrics) expect(compareMetrics(reference.metrics, hand.metrics, HANDWRITTEN_TOLERANCE)).toBeNull();
        if (w.grpoAdvantages && w.name !== "pure_minform") {
          // With rewardc's GRPO numerics the loop gives rewardc's bits (pure_minform's loop sums its soft
          // min-form in float64, so its rewards, and advantages, differ in the last bits).
          const exact = w.handwritten(data, groupStarts(data.groupIds), grpoFloat32Into).outputs.get("advantage")!;
          const ours = reference.outputs.get("advantage")!;
          expect(exact.length).toBe(ours.length);
          for (let i = 0; i < ours.length; i++) if (!Object.is(exact[i], ours[i])) expect.fail(`advantage[${i}]: float32 loop ${exact[i]} vs rewardc ${ours[i]}`);
        }
      });
    }
  }

  it("comparison catches a wrong value and a missing output", () => {
    const ref: Outputs = new Map([["reward", new Float32Array([1, 2, 3])]]);
    expect(compareOutputs(ref, new Map([["reward", new Float32Array([1, 2, 3.0001])]]), HANDWRITTEN_TOLERANCE).ok).toBe(false);
    expect(compareOutputs(ref, new Map(), HANDWRITTEN_TOLERANCE).problem).toBe("no output `reward`");
    expect(compareOutputs(ref, new Map([["reward", new Float32Array([1, 2, 3])]]), HANDWRITTEN_TOLERANCE).ok).toBe(true);
  });

  it("sizes are rounded down to whole groups", () => {
    expect(wholeGroups(1000, 16)).toBe(992);
    expect(wholeGroups(100_000, 64)).toBe(99_968);
    expect(wholeGroups(5, 16)).toBe(16);
  });

  it("writes the peer data directory in the documented format", () => {
    const { w, module } = compiled.find((x) => x.w.name === "igpo")!;
    const data = generateData(w, module!, 32, 16, 1);
    const dir = mkdtempSync(join(tmpdir(), "bench-manifest-"));
    try {
      writeManifest(dir, data);
      const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
      expect(manifest.workload).toBe("igpo");
      expect(manifest.size).toBe(32);
      expect(manifest.group_size).toBe(16);
      expect(manifest.columns.prob.dtype).toBe("f32");
      expect(manifest.columns.token_turn.dtype).toBe("i32");
      expect(manifest.columns.prob.length).toBe(data.offsets.turns![32]);
      expect(manifest.columns.prob.axis).toBe("turns");
      expect(manifest.columns.prob0.axis).toBeUndefined();
      expect(manifest.offsets.turns).toEqual({ file: "turns.offsets.bin", length: 33 });
      expect(manifest.groups).toEqual({ file: "group.bin", length: 32 });
      expect(manifest.params).toEqual({ gamma: 1 });
      expect(statSync(join(dir, "prob.bin")).size).toBe(4 * manifest.columns.prob.length);
      expect(statSync(join(dir, "group.bin")).size).toBe(4 * 32);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the harness runs end to end at tiny sizes (CPU only, no peers) and writes its report", () => {
    const out = mkdtempSync(join(tmpdir(), "bench-quick-"));
    try {
      const r = spawnSync(process.execPath, [join(root, "dist", "bench", "run.js")], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, BENCH_QUICK: "1", BENCH_NO_GPU: "1", BENCH_NO_PEERS: "1", BENCH_SECTIONS: "throughput,sweep,numerics", BENCH_OUT: out },
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const md = readFileSync(join(out, "latest.md"), "utf8");
      for (const w of WORKLOADS) expect(md).toContain(`## ${w.name}:`);
      expect(md).toContain("## Group-size sweep");
      expect(md).toContain("## What rewardc's float32 numerics cost");
      expect(md).not.toMatch(/DISAGREES|FAILED/);
      expect(existsSync(join(out, "throughput.svg"))).toBe(true);
      expect(readFileSync(join(out, "throughput.svg"), "utf8")).toMatch(/^<svg/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
