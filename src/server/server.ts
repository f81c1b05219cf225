/**
 * `rewardc serve`: one compiled spec, one session, an HTTP server on a unix socket or on 127.0.0.1.
 *
 * Requests are read and decoded concurrently, but the session is touched by one job at a time, in the order
 * the jobs are queued: a score (the batch's state updates depend on the state the previous batch left), a
 * read or a restore of the state. So each reply reflects exactly its own batch and N concurrent batches leave
 * the state N sequential updates would. Bodies are counted as they arrive and refused past the limit.
 * `close()` stops accepting connections, lets the requests in flight finish and their replies be read (see
 * `Connections`), saves the state and removes the socket file.
 */
import { existsSync, lstatSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import type { IrModule } from "../compiler/ir.js";
import { UsageError, writeFileAtomic } from "../cli/io.js";
import { RuntimeInputError } from "../runtime/errors.js";
import { Session } from "../runtime/session.js";
import {
  describeSpec,
  decodeScoreBody,
  encodeError,
  encodeScoreArrow,
  encodeScoreJson,
  mediaType,
  parseJsonBody,
  ProtocolError,
  replyFormat,
  requestFormat,
  ARROW_STREAM_TYPE,
  JSON_TYPE,
  type Scored,
} from "./protocol.js";
import { DEFAULT_MAX_REQUEST_BYTES, KEEP_ALIVE_MS, LOCALHOST, type ServerAddress, type ServerOptions } from "./options.js";

export { DEFAULT_MAX_REQUEST_BYTES, KEEP_ALIVE_MS, LOCALHOST, type ServerAddress, type ServerOptions };

/** `close()` could not save the state to `statePath`: `state` is its JSON (`Session.saveState`), to be kept some other way. */
export class StateNotSavedError extends Error {
  constructor(
    reason: string,
    readonly state: string,
  ) {
    super(`${reason}: the state was not saved`);
    this.name = "StateNotSavedError";
  }
}

export interface RunningServer {
  address: ServerAddress;
  backend: "cpu" | "webgpu";
  /** Set when `auto` fell back to the CPU, to tell the user. */
  notice: string | null;
  /**
   * Stops accepting, finishes the requests in flight, saves the state; resolves once all is done. Idempotent.
   * Rejects with `StateNotSavedError` (everything else done) when the state cannot be written to `statePath`.
   */
  close(): Promise<void>;
}

/** Starts serving `module`; resolves once listening. Bad params or state throw `RuntimeInputError`; a socket in use, `UsageError`. */
export async function startServer(module: IrModule, options: ServerOptions): Promise<RunningServer> {
  if ((options.socket === undefined) === (options.port === undefined)) throw new UsageError("serve on either a unix socket or a port, not both or neither");
  const log = options.log ?? ((line: string) => void process.stderr.write(line + "\n"));
  const { session, notice } = await Session.open(module, { params: options.params ?? {}, backend: options.backend ?? "auto" });
  try {
    if (options.statePath !== undefined && existsSync(options.statePath)) session.restoreState(readFileSync(options.statePath, "utf8"));
    if (options.socket !== undefined) await removeStaleSocket(options.socket);
    const scorer = new Scorer(module, session, options.statePath, log);
    const http = createServer({ keepAlive: true });
    http.keepAliveTimeout = options.keepAliveMs ?? KEEP_ALIVE_MS;
    const connections = new Connections(http, (req, res) => void scorer.handle(req, res, options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES));
    http.on("clientError", (error, socket) => {
      // A request Node cannot even parse (bad request line, headers too large): a structured 400 if the socket is still writable.
      if (socket.writable && !(error as NodeJS.ErrnoException).code?.startsWith("ECONN")) {
        const body = encodeError(new ProtocolError("bad_request", `malformed HTTP request: ${error.message}`));
        socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      } else socket.destroy();
    });
    const address = await listen(http, options);
    let closing: Promise<void> | null = null;
    return {
      address,
      backend: session.backendName,
      notice,
      close: () => (closing ??= scorer.shutdown(connections, options.socket)),
    };
  } catch (e) {
    session.close();
    throw e;
  }
}

function listen(http: Server, options: ServerOptions): Promise<ServerAddress> {
  return new Promise((resolve, reject) => {
    http.once("error", reject);
    const done = (): void => {
      http.off("error", reject);
      const bound = http.address();
      if (options.socket !== undefined) resolve({ socket: options.socket });
      else if (bound !== null && typeof bound === "object") resolve({ host: LOCALHOST, port: bound.port });
      else reject(new Error(`unexpected server address ${String(bound)}`));
    };
    if (options.socket !== undefined) http.listen(options.socket, done);
    else http.listen(options.port, LOCALHOST, done);
  });
}

/**
 * A socket file left by a server that died is removed; one a server still answers on is not ours to take,
 * and a path that is not a socket at all is never deleted.
 */
async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new UsageError(`\`${path}\` exists and is not a socket; choose another --socket path`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (live) throw new UsageError(`another server is listening on \`${path}\``);
  rmSync(path, { force: true });
}

/** The session and the queue in front of it; handles each request. */
class Scorer {
  /** Resolves when every job queued so far has finished. */
  private tail: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(
    private readonly module: IrModule,
    private readonly session: Session,
    private readonly statePath: string | undefined,
    private readonly log: (line: string) => void,
  ) {}

  /** Runs `job` once every job queued before it has finished. */
  private enqueue<T>(job: () => Promise<T> | T): Promise<T> {
    const run = this.tail.then(job);
    this.tail = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  async handle(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<void> {
    try {
      const path = requestPath(req.url ?? "");
      const method = req.method ?? "GET";
      switch (path) {
        case "/v1/health":
          allow(method, ["GET"]);
          return send(res, 200, JSON_TYPE, JSON.stringify({ ok: true }), this.closing);
        case "/v1/spec":
          allow(method, ["GET"]);
          return send(res, 200, JSON_TYPE, describeSpec(this.module, this.session.params(), this.session.backendName, maxBytes), this.closing);
        case "/v1/score":
          allow(method, ["POST"]);
          return await this.score(req, res, maxBytes);
        case "/v1/state":
          allow(method, ["GET", "PUT"]);
          if (method === "GET") return send(res, 200, JSON_TYPE, await this.enqueue(() => this.session.saveState()), this.closing);
          return await this.restore(req, res, maxBytes);
        default:
          throw new ProtocolError("not_found", `no endpoint \`${path}\`; endpoints: GET /v1/health, GET /v1/spec, POST /v1/score, GET /v1/state, PUT /v1/state`);
      }
    } catch (e) {
      this.fail(res, e);
    }
  }

  private async score(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<void> {
    const format = requestFormat(req.headers["content-type"]);
    const reply = replyFormat(req.headers.accept);
    const body = await readBody(req, maxBytes);
    const batch = decodeScoreBody(this.module, format, body);
    const scored = await this.enqueue(async (): Promise<Scored> => {
      const result = await this.session.scoreAsync(batch);
      const scored = { batch, result, step: this.session.step, state: this.session.state() };
      this.saveState();
      return scored;
    });
    if (reply === "arrow") send(res, 200, ARROW_STREAM_TYPE, encodeScoreArrow(this.module, scored), this.closing);
    else send(res, 200, JSON_TYPE, encodeScoreJson(this.module, scored), this.closing);
  }

  private async restore(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<void> {
    const type = mediaType(req.headers["content-type"]);
    if (type !== undefined && type !== JSON_TYPE) throw new ProtocolError("unsupported_media_type", `Content-Type \`${type}\` is not supported: send the state as ${JSON_TYPE}`);
    const body = await readBody(req, maxBytes);
    parseJsonBody(body, "bad_state");
    const step = await this.enqueue(() => {
      try {
        this.session.restoreState(new TextDecoder().decode(body));
      } catch (e) {
        if (e instanceof RuntimeInputError) throw new ProtocolError("bad_state", e.message);
        throw e;
      }
      this.saveState();
      return this.session.step;
    });
    send(res, 200, JSON_TYPE, JSON.stringify({ ok: true, step }), this.closing);
  }

  /** Saves the state to --state FILE. A failed write is reported and retried at the next batch: the state is still in memory. */
  private saveState(): void {
    if (this.statePath === undefined) return;
    try {
      writeFileAtomic(this.statePath, this.session.saveState() + "\n");
    } catch (e) {
      this.log(`warning: ${e instanceof Error ? e.message : String(e)} (the state is kept in memory and saved again after the next batch and at shutdown)`);
    }
  }

  private fail(res: ServerResponse, e: unknown): void {
    let error: ProtocolError;
    if (e instanceof ProtocolError) error = e;
    else if (e instanceof ClientGone) return;
    else if (e instanceof RuntimeInputError) error = new ProtocolError("bad_request", e.message);
    else {
      this.log(`internal error (a bug in rewardc; please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      error = new ProtocolError("internal", `internal error: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (error.code === "method_not_allowed" && error instanceof MethodNotAllowed) res.setHeader("Allow", error.allowed.join(", "));
    // A body refused mid-stream is not read to its end: the connection cannot carry another request.
    send(res, error.status, JSON_TYPE, encodeError(error), this.closing || (error.code === "too_large" && !res.req.complete));
  }

  async shutdown(connections: Connections, socket: string | undefined): Promise<void> {
    this.closing = true;
    // Every request that reaches the handler from here on is answered with `Connection: close`.
    await connections.close();
    await this.tail;
    // No later save to hope for: a failure now is an error that carries the state, not a warning.
    let unsaved: StateNotSavedError | null = null;
    if (this.statePath !== undefined) {
      const state = this.session.saveState();
      try {
        writeFileAtomic(this.statePath, state + "\n");
      } catch (e) {
        unsaved = new StateNotSavedError(e instanceof Error ? e.message : String(e), state);
      }
    }
    this.session.close();
    if (socket !== undefined) rmSync(socket, { force: true });
    if (unsaved !== null) throw unsaved;
  }
}


/**
 * The path of an origin-form request target (`/v1/spec?x=1` -> `/v1/spec`), kept as sent: `//v1/score` is that
 * path, not host `v1` as a URL parser would read it. A target that is not a path of RFC 3986 characters is refused.
 */
function requestPath(target: string): string {
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  if (!/^\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/.test(path)) {
    throw new ProtocolError("bad_request", `malformed request target ${JSON.stringify(target.length > 100 ? target.slice(0, 100) + "..." : target)}: expected a path such as /v1/score`);
  }
  return path;
}

/** How long a connection accepted before shutdown, with no request yet, is given for its first request. */
const FIRST_REQUEST_GRACE_MS = 2_000;
/** How long shutdown waits for replies to be read before it closes the connections still open. */
const DRAIN_LIMIT_MS = 60_000;

/**
 * The server's connections, for a shutdown that loses no reply. `http.Server.close()` would destroy every
 * connection Node deems idle: one whose reply was written (its batch applied and saved) but not yet read by
 * a slow client, which then gets a truncated body, and one accepted whose request has not been parsed yet,
 * which gets a broken pipe. Instead: stop listening; end (not destroy: what was written is still delivered)
 * the kept-alive connections between requests; give a connection with no request yet a moment for its
 * first, served with `Connection: close`; close a busy one once its reply is written.
 */
class Connections {
  private readonly open = new Map<Socket, { busy: boolean; served: number; ended: boolean }>();
  private closing = false;

  constructor(
    private readonly http: Server,
    handle: (req: IncomingMessage, res: ServerResponse) => void,
  ) {
    http.on("connection", (socket: Socket) => {
      const state = { busy: false, served: 0, ended: false };
      this.open.set(socket, state);
      socket.once("close", () => this.open.delete(socket));
      if (this.closing) this.awaitFirstRequest(socket, state);
    });
    http.on("request", (req: IncomingMessage, res: ServerResponse) => {
      const state = this.open.get(req.socket);
      // A request that crossed our FIN on a connection ended at shutdown: nothing was read from it, so nothing is done.
      if (state === undefined || state.ended) {
        req.socket.destroy();
        return;
      }
      state.busy = true;
      res.once("finish", () => {
        state.busy = false;
        state.served++;
        // A reply begun before shutdown went out without `Connection: close`: the connection stays open unless ended.
        if (this.closing) this.end(req.socket);
      });
      handle(req, res);
    });
  }

  /** Stops accepting and resolves once every connection is closed (after DRAIN_LIMIT_MS the rest are destroyed). */
  close(): Promise<void> {
    this.closing = true;
    // http.Server.close() calls closeIdleConnections() (the destroying described above) before it stops listening.
    this.http.closeIdleConnections = () => {};
    // Connections the kernel completed but Node has not accepted yet would be reset with the listener: let one
    // more poll of the event loop accept them (the first immediate may run before it, the second runs after).
    const closed = new Promise<void>((resolve) => setImmediate(() => setImmediate(() => this.http.close(() => resolve()))));
    for (const [socket, state] of this.open) {
      if (state.busy) continue;
      if (state.served > 0) this.end(socket);
      else this.awaitFirstRequest(socket, state);
    }
    const limit = setTimeout(() => {
      for (const socket of this.open.keys()) socket.destroy();
    }, DRAIN_LIMIT_MS);
    return closed.finally(() => clearTimeout(limit));
  }

  private awaitFirstRequest(socket: Socket, state: { busy: boolean; served: number }): void {
    setTimeout(() => !state.busy && state.served === 0 && this.end(socket), FIRST_REQUEST_GRACE_MS).unref();
  }

  private end(socket: Socket): void {
    const state = this.open.get(socket);
    if (state === undefined || state.ended) return;
    state.ended = true;
    // The HTTP parser goes on reading until the peer closes, so a request crossing our FIN leaves no unread bytes (no reset).
    socket.end();
  }
}

class MethodNotAllowed extends ProtocolError {
  constructor(
    method: string,
    readonly allowed: string[],
  ) {
    super("method_not_allowed", `method ${method} is not allowed here; use ${allowed.join(" or ")}`);
  }
}

function allow(method: string, allowed: string[]): void {
  if (!allowed.includes(method)) throw new MethodNotAllowed(method, allowed);
}

/** The request ended before its body did (the client went away): there is nobody to reply to. */
class ClientGone extends Error {}

/** The body, counted as it arrives: past `maxBytes` the rest is never read. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = (): ProtocolError => new ProtocolError("too_large", `the request body is larger than the limit of ${maxBytes} bytes (--max-request-bytes)`);
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        chunks.length = 0;
        req.pause();
        reject(tooLarge());
      } else chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onGone = (): void => {
      cleanup();
      reject(new ClientGone());
    };
    const cleanup = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("aborted", onGone);
      req.off("error", onGone);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("aborted", onGone);
    req.on("error", onGone);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array, closeConnection: boolean): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  res.setHeader("Content-Type", type);
  res.setHeader("Content-Length", typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
  if (closeConnection) res.setHeader("Connection", "close");
  res.end(body);
}
