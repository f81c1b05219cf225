/** Runs one Python peer (bench/peers/peer.py, which times itself) on a data directory and reads its answer. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/paths.js";
import type { Outputs } from "./data.js";
import { readPeerOutputs } from "./manifest.js";

export type PeerImpl = "loop" | "numpy";

export type PeerRun = { outputs: Outputs; timesMs: number[] } | { failure: string };

export function peerScript(): string {
  return join(packageRoot(), "bench", "peers", "peer.py");
}

export function peersAvailable(): string | null {
  if (!existsSync(peerScript())) return "bench/peers/peer.py not found";
  const probe = spawnSync("python3", ["-c", "import numpy"], { encoding: "utf8" });
  if (probe.error) return `python3 not runnable: ${probe.error.message}`;
  if (probe.status !== 0) return "numpy is not importable by python3";
  return null;
}

export function runPeer(impl: PeerImpl, dataDir: string, repeats: number): PeerRun {
  const out = join(dataDir, `out.${impl}`);
  const child = spawnSync("python3", [peerScript(), "--impl", impl, "--data", dataDir, "--repeats", String(repeats), "--out", out], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 30 * 60 * 1000,
  });
  const tail = (s: string): string => s.trim().split("\n").slice(-3).join(" | ");
  if (child.error) return { failure: `could not run: ${child.error.message}` };
  if (child.status !== 0) return { failure: `exit ${child.status ?? child.signal}: ${tail(child.stderr ?? "")}` };
  const line = (child.stdout ?? "").trim().split("\n").reverse().find((l) => l.startsWith("{"));
  if (!line) return { failure: `printed no JSON line: ${tail(child.stdout ?? "")}` };
  let report: { times_ms?: unknown };
  try {
    report = JSON.parse(line) as typeof report;
  } catch {
    return { failure: `printed bad JSON: ${line.slice(0, 200)}` };
  }
  const timesMs = report.times_ms;
  if (!Array.isArray(timesMs) || timesMs.length === 0 || !timesMs.every((t) => typeof t === "number")) return { failure: `no times_ms in ${line.slice(0, 200)}` };
  const outputs = readPeerOutputs(out);
  if (typeof outputs === "string") return { failure: outputs };
  return { outputs, timesMs: timesMs as number[] };
}
