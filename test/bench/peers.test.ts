/**
 * The Python peers of the benchmark (bench/peers/peer.py, a verl-style per-sample loop and a TRL-style numpy
 * form) compute what the bench specs say: on batches from the harness's generators, written in the harness's
 * manifest format, both peers' outputs and metrics agree with rewardc's CPU backend (relative 1e-4 / absolute
 * 1e-5: float64 peers against float32 rewardc). The numpy part is skipped when python3 has no numpy; the loop
 * part never is (it needs only the standard library).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareOutputs, PEER_TOLERANCE } from "../../bench/compare.js";
import { GENERATORS } from "../../bench/generators.js";
import { writeManifest } from "../../bench/manifest.js";
import { runPeer, type PeerImpl } from "../../bench/pythonPeer.js";
import { specPath } from "../../bench/workloads.js";
import { compileFile } from "../../src/compiler/compile.js";
import { batchFromColumns } from "../../src/runtime/batch.js";
import { resolveParams, Session } from "../../src/runtime/session.js";

const numpyProbe = spawnSync("python3", ["-c", "import numpy"], { encoding: "utf8" });
const numpyMissing = numpyProbe.status !== 0;
if (numpyMissing) console.warn("test/bench/peers.test.ts: python3 has no numpy; the numpy peer's tests are skipped (the loop peer's run)");

const scratch = mkdtempSync(join(tmpdir(), "rewardc-peers-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** (size, group size): groups of 16 as in the benchmark, pairs, and singleton groups (verl: mean 0, std 1). */
const SHAPES: [number, number][] = [
  [128, 16],
  [20, 2],
  [8, 1],
];

function peerMetrics(outDir: string): Map<string, number | null> {
  const manifest = JSON.parse(readFileSync(join(outDir, "manifest.json"), "utf8")) as { metrics?: Record<string, number | null> };
  return new Map(Object.entries(manifest.metrics ?? {}));
}

function checkPeer(workload: string, impl: PeerImpl): void {
  const { module, diagnostics } = compileFile(specPath(workload));
  if (!module) throw new Error(`${specPath(workload)} does not compile: ${diagnostics.map((d) => d.message).join("; ")}`);
  const generate = GENERATORS[workload]!;
  for (const [size, groupSize] of SHAPES) {
    const data = { workload, params: resolveParams(module), ...generate(size, groupSize, 7 + size) };
    const batch = batchFromColumns(module, { groupKeys: data.groupIds, columns: data.columns, offsets: data.offsets, size: data.size });
    const reference = new Session(module).score(batch);
    const dir = join(scratch, `${workload}-${impl}-${size}`);
    writeManifest(dir, data);
    const run = runPeer(impl, dir, 1);
    if ("failure" in run) throw new Error(`${impl} peer on ${workload} (N=${size}, G=${groupSize}) failed: ${run.failure}`);
    const agreement = compareOutputs(reference.outputs as Map<string, Float32Array | Uint8Array>, run.outputs, PEER_TOLERANCE);
    expect(agreement.problem ?? null, `${impl} ${workload} N=${size} G=${groupSize}`).toBeNull();
    expect(agreement.ok).toBe(true);
    // every output the peer wrote is one of the spec's, and the metrics are the spec's too
    expect([...run.outputs.keys()].sort()).toEqual([...reference.outputs.keys()].sort());
    const metrics = peerMetrics(join(dir, `out.${impl}`));
    expect([...metrics.keys()].sort()).toEqual([...reference.metrics.keys()].sort());
    for (const [name, value] of metrics) {
      const want = reference.metrics.get(name)!;
      expect(value, `metric ${name}`).not.toBeNull();
      expect(Math.abs(want - value!), `metric ${name}: rewardc ${want} vs ${impl} ${value}`).toBeLessThanOrEqual(
        PEER_TOLERANCE.abs + PEER_TOLERANCE.rel * Math.max(Math.abs(want), Math.abs(value!)),
      );
    }
  }
}

describe("Python peers agree with rewardc's CPU backend", () => {
  for (const workload of ["verl_grpo", "grpo_lambda", "dapo", "pure_minform", "ngram_repetition", "igpo"]) {
    it(`${workload}: the per-sample loop peer`, () => checkPeer(workload, "loop"));
    it.skipIf(numpyMissing)(`${workload}: the numpy peer`, () => checkPeer(workload, "numpy"));
  }
});
