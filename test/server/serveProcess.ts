/** `rewardc serve` as a child process (the built CLI): its ready line, its stderr, its exit. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { createInterface } from "node:readline";
import { join } from "node:path";
import type { Address } from "./client.js";

export const root = join(import.meta.dirname, "../..");
const bin = join(root, "bin/rewardc.js");

export interface ServeProcess {
  child: ChildProcess;
  /** The parsed ready line; rejects if the process exits first. */
  ready: Promise<Address & { ready: true }>;
  /** Exit code (or the signal's name) and everything written to stdout and stderr. */
  exited: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
}

export function serve(args: string[], env: Record<string, string> = {}): ServeProcess {
  const child = spawn(process.execPath, [bin, "serve", ...args], { cwd: root, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const ready = new Promise<Address & { ready: true }>((resolve, reject) => {
    lines.on("line", (line) => {
      if (stdout === "") resolve(JSON.parse(line) as Address & { ready: true });
      stdout += line + "\n";
    });
    void exited.then((r) => reject(new Error(`rewardc serve exited (${r.code ?? r.signal}) before it was ready:\n${r.stderr}`)));
  });
  return { child, ready, exited };
}

export function rewardc(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Resolves once the server no longer accepts connections: probes one after another (each waits for its own
 * answer), so this waits on events, never on a clock.
 */
export async function stoppedListening(address: Address): Promise<void> {
  for (;;) {
    const accepted = await new Promise<boolean>((resolve) => {
      const probe = "socket" in address ? connect(address.socket) : connect(address.port, address.host);
      probe.once("connect", () => {
        probe.destroy();
        resolve(true);
      });
      probe.once("error", () => resolve(false));
    });
    if (!accepted) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
