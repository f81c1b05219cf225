/** The options of `rewardc serve`, apart from the command: help does not load the server (nor Arrow). */
import { DEFAULT_MAX_REQUEST_BYTES } from "../server/options.js";
import type { CommandSpec } from "./args.js";

export const serveCommand: CommandSpec = {
  name: "serve",
  usage: "rewardc serve SPEC (--socket PATH | --port N) [--param NAME=VALUE ...] [--backend auto|cpu|webgpu] [--state FILE] [--max-request-bytes N]",
  summary: "Serve a spec over HTTP on a unix socket or 127.0.0.1: POST batches, get outputs and metrics. SPEC is a .reward file or an artifact from `rewardc build`.",
  options: {
    socket: { type: "string", value: "PATH", help: "listen on this unix socket (a stale socket file is replaced)" },
    port: { type: "string", value: "N", help: "listen on 127.0.0.1 port N (0: any free port, printed in the ready line)" },
    param: { type: "string", multiple: true, value: "NAME=VALUE", help: "override a param for the server's lifetime" },
    backend: { type: "string", value: "auto|cpu|webgpu", help: "where to score: WebGPU when an adapter exists, else the CPU (auto, the default); or force one" },
    state: { type: "string", value: "FILE", help: "load state from FILE if it exists; save it after every batch and at shutdown" },
    "max-request-bytes": { type: "string", value: "N", help: `refuse request bodies larger than N bytes with 413 (default ${DEFAULT_MAX_REQUEST_BYTES})` },
  },
  details: [
    "Once listening, prints one JSON line to stdout: {\"ready\": true, \"socket\": PATH} or",
    "{\"ready\": true, \"host\": \"127.0.0.1\", \"port\": N}. Endpoints: GET /v1/health, GET /v1/spec, POST /v1/score",
    "(JSON rows or columns, or Arrow IPC), GET and PUT /v1/state. Batches are scored one at a time in arrival",
    "order; a bad request gets a JSON error and the server keeps serving. SIGTERM or SIGINT: stop accepting,",
    "finish the requests in flight, save the state, remove the socket file, exit 0.",
    "",
    "Exit codes: 0 shut down cleanly; 1 the spec has errors; 2 bad usage, params or state, or the socket or",
    "port is in use.",
  ].join("\n"),
};
