/** `rewardc serve SPEC`: a long-lived scoring server (protocol: docs/serve.md; options: serveCommand.ts). */
import { releaseGpu } from "../runtime/webgpu/device.js";
import { DEFAULT_MAX_REQUEST_BYTES, StateNotSavedError, startServer } from "../server/server.js";
import { parseBackendChoice, parseCommand } from "./args.js";
import { UsageError } from "./io.js";
import { loadSpec } from "./loadSpec.js";
import { parseParams } from "./run.js";
import { serveCommand } from "./serveCommand.js";

export async function runServe(argv: string[], color: boolean): Promise<number> {
  const { values, positionals } = parseCommand(serveCommand, argv);
  if (positionals.length !== 1) throw new UsageError("`rewardc serve` takes exactly one SPEC");
  const socket = values.socket as string | undefined;
  const portText = values.port as string | undefined;
  if ((socket === undefined) === (portText === undefined)) throw new UsageError("`rewardc serve` needs exactly one of --socket PATH and --port N");
  if (socket === "") throw new UsageError("--socket needs a path");
  const port = portText === undefined ? undefined : wholeNumber("--port", portText, 65535);
  const maxText = values["max-request-bytes"] as string | undefined;
  const maxRequestBytes = maxText === undefined ? DEFAULT_MAX_REQUEST_BYTES : wholeNumber("--max-request-bytes", maxText, Number.MAX_SAFE_INTEGER);
  const params = parseParams((values.param as string[] | undefined) ?? []);
  const backend = parseBackendChoice(values.backend as string | undefined);

  const loaded = loadSpec(positionals[0]!, color);
  if ("exitCode" in loaded) return loaded.exitCode;

  const server = await startServer(loaded.module, {
    ...(socket !== undefined ? { socket } : { port }),
    params,
    backend,
    statePath: values.state as string | undefined,
    maxRequestBytes,
  });
  if (server.notice) process.stderr.write(`rewardc: ${server.notice}\n`);

  // Registered before the ready line: a client may signal as soon as it has read it.
  const stopped = new Promise<void>((resolve, reject) => {
    const stop = (): void => {
      // A terminal's Ctrl-C reaches both this process and the parent that filters Dawn's stderr, which forwards
      // it: a second signal must not cut the drain short.
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      process.on("SIGTERM", () => {});
      process.on("SIGINT", () => {});
      server.close().then(resolve, reject);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
  process.stdout.write(JSON.stringify({ ready: true, ...server.address }) + "\n");
  try {
    await stopped;
  } catch (e) {
    if (!(e instanceof StateNotSavedError)) throw e;
    // The last copy of the state is in this process: put it where the user can take it from.
    process.stderr.write(`error: ${e.message}; here it is, to save as a --state file (or PUT /v1/state):\n${e.state}\n`);
    await releaseGpu();
    return STATE_NOT_SAVED_EXIT;
  }
  await releaseGpu();
  return 0;
}

/** The exit code when the state could not be saved at shutdown (docs/serve.md). */
export const STATE_NOT_SAVED_EXIT = 3;

function wholeNumber(flag: string, text: string, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n <= max)) throw new UsageError(`${flag} takes a whole number from 0 to ${max}, found \`${text}\``);
  return n;
}

