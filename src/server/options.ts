/** What `startServer` takes, apart from the spec; light enough for the CLI's help to import without the server. */
import type { BackendChoice } from "../runtime/backend.js";

export const DEFAULT_MAX_REQUEST_BYTES = 268_435_456;

export const LOCALHOST = "127.0.0.1";

export interface ServerOptions {
  /** Listen on this unix socket path; exactly one of `socket` and `port`. */
  socket?: string;
  /** Listen on 127.0.0.1 at this port (0: a free one). */
  port?: number;
  /** Param overrides, as in `Session.open`. */
  params?: Record<string, number | boolean>;
  /** Where batches are scored (default auto: WebGPU when an adapter exists). */
  backend?: BackendChoice;
  /** Load the state from this file if it exists; save it after every scored batch, every restore and at close. */
  statePath?: string;
  /** Larger request bodies are refused with 413 (default 256 MiB). */
  maxRequestBytes?: number;
  /** Where notices and internal errors go (default: stderr, one line each). */
  log?: (line: string) => void;
  /** Idle keep-alive connections are closed after this many milliseconds (default KEEP_ALIVE_MS). */
  keepAliveMs?: number;
}

/**
 * How long an idle keep-alive connection stays open: longer than Node's 5 s, so that a client reusing a
 * connection between training steps has a wide margin before the server's close (the Python client reuses one
 * only while it has been idle for less than a third of this; a request sent just as the server closes the
 * connection is lost with it, and a score request cannot be safely repeated).
 */
export const KEEP_ALIVE_MS = 30_000;

export type ServerAddress = { socket: string } | { host: typeof LOCALHOST; port: number };
