/** startServer in-process: endpoints, every error over HTTP, keep-alive after errors, limits, close(). */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC, tableToIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { compileFile } from "../../src/compiler/compile.js";
import type { IrModule } from "../../src/compiler/ir.js";
import { Session } from "../../src/runtime/session.js";
import { startServer, type RunningServer } from "../../src/server/server.js";
import { tableOf } from "../runtime/arrowHelpers.js";
import { json, request, score, target, type Address } from "./client.js";

const root = join(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "rewardc-serve-"));

function load(name: string): IrModule {
  const { module } = compileFile(join(root, "examples", `${name}.reward`));
  if (!module) throw new Error(`${name} does not compile`);
  return module;
}

function rowsOf(name: string): Record<string, unknown>[] {
  return readFileSync(join(root, "examples/data", `${name}.jsonl`), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

const lagrange = load("lagrange_state");
const lagrangeRows = rowsOf("lagrange_state");
const noLog = (): void => {};

describe("a server on 127.0.0.1", () => {
  let server: RunningServer;
  let address: Address;
  beforeAll(async () => {
    server = await startServer(lagrange, { port: 0, backend: "cpu", maxRequestBytes: 4096, params: { eta: 0.25 }, log: noLog });
    address = server.address;
  });
  afterAll(() => server.close());

  it("binds 127.0.0.1 and a real port", () => {
    expect(address).toEqual({ host: "127.0.0.1", port: expect.any(Number) });
    expect((address as { port: number }).port).toBeGreaterThan(0);
  });

  it("GET /v1/health and /v1/spec", async () => {
    expect(json(await request(address, "GET", "/v1/health"))).toEqual({ ok: true });
    const spec = await request(address, "GET", "/v1/spec?x=1");
    expect(spec.headers["content-type"]).toBe("application/json");
    expect(json(spec)).toMatchObject({ name: "lagrange_state", groupKey: "prompt", params: { eta: 0.25, budget: 0.2 }, states: ["mu", "step"], backend: "cpu", maxRequestBytes: 4096, protocol: 1 });
  });

  it("errors are structured, and the same kept-alive connection serves the next request", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body: string, type = "application/json") => request(address, "POST", "/v1/score", { body, headers: { "Content-Type": type }, agent });
    const check = async (reply: Promise<import("./client.js").Reply>, status: number, code: string) => {
      const r = await reply;
      expect(r.status).toBe(status);
      expect(r.headers["content-type"]).toBe("application/json");
      expect(json(r).error.code).toBe(code);
      const ok = await score(address, { rows: lagrangeRows.slice(0, 2) }, agent);
      expect(ok.status).toBe(200);
      expect(ok.reusedSocket).toBe(true);
    };
    await request(address, "GET", "/v1/health", { agent });
    await check(post("{not json"), 400, "bad_json");
    await check(post(JSON.stringify({ rows: [{ prompt: 1 }] })), 400, "bad_rows");
    await check(post(JSON.stringify({ row: [] })), 400, "bad_request");
    await check(post("a,b\n1,2", "text/csv"), 415, "unsupported_media_type");
    await check(request(address, "GET", "/v1/nope", { agent }), 404, "not_found");
    await check(request(address, "PUT", "/v1/state", { body: '{"format": "rewardc-state"}', headers: { "Content-Type": "application/json" }, agent }), 400, "bad_state");
    const notAllowed = await request(address, "DELETE", "/v1/score", { agent });
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers.allow).toBe("POST");
    expect(json(notAllowed)).toEqual({ error: { code: "method_not_allowed", message: "method DELETE is not allowed here; use POST" } });
    agent.destroy();
  });

  it("a request Node cannot parse gets a structured 400 too", async () => {
    const { connect } = await import("node:net");
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect((address as { port: number }).port, "127.0.0.1");
      let text = "";
      socket.on("data", (c: Buffer) => (text += c.toString()));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
      socket.write("NOT A REQUEST\r\n\r\n");
    });
    expect(raw).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
    expect(JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4)).error.code).toBe("bad_request");
  });

  it("a malformed request target is bad_request, and `//v1/score` is a path, not host `v1`", async () => {
    const { connect } = await import("node:net");
    const raw = (line: string) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const socket = connect((address as { port: number }).port, "127.0.0.1");
        let text = "";
        socket.on("data", (c: Buffer) => (text += c.toString()));
        socket.on("end", () => resolve({ status: Number(text.split(" ")[1]), body: JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) }));
        socket.on("error", reject);
        socket.write(`${line}\r\nHost: x\r\nConnection: close\r\n\r\n`);
      });
    for (const line of ["GET //[ HTTP/1.1", "GET http://[ HTTP/1.1", "GET v1/health HTTP/1.1", "GET * HTTP/1.1"]) {
      const r = await raw(line);
      expect(r.status, line).toBe(400);
      expect(r.body.error.code, line).toBe("bad_request");
      expect(r.body.error.message, line).toMatch(/^malformed (request target|HTTP request)/);
    }
    expect((await raw("GET //[ HTTP/1.1")).body.error.message).toBe('malformed request target "//[": expected a path such as /v1/score');
    const doubled = await raw("GET //v1/health HTTP/1.1");
    expect(doubled.status).toBe(404);
    expect(doubled.body.error.message).toMatch(/^no endpoint `\/\/v1\/health`/);
    expect((await raw("GET /v1/health?a=[1] HTTP/1.1")).status).toBe(200);
  });

  it("an internal error is a 500 with a message, and the server goes on", async () => {
    const spy = vi.spyOn(Session.prototype, "scoreAsync").mockRejectedValueOnce(new Error("boom"));
    try {
      const r = await score(address, { rows: lagrangeRows });
      expect(r.status).toBe(500);
      expect(json(r)).toEqual({ error: { code: "internal", message: "internal error: boom" } });
    } finally {
      spy.mockRestore();
    }
    expect((await score(address, { rows: lagrangeRows })).status).toBe(200);
  });

  it("a body declared larger than the limit is refused before it is read, and the connection closed", async () => {
    const r = await new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
      const req = httpRequest({ ...target(address), method: "POST", path: "/v1/score", headers: { "Content-Type": "application/json", "Content-Length": 1_000_000 } }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
      });
      req.on("error", reject);
      req.flushHeaders(); // headers only: the body is never sent
    });
    expect(r.status).toBe(413);
    expect(r.connection).toBe("close");
    expect(JSON.parse(r.body)).toEqual({ error: { code: "too_large", message: "the request body is larger than the limit of 4096 bytes (--max-request-bytes)" } });
  });

  it("a streamed body is refused as soon as it passes the limit", async () => {
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ ...target(address), method: "POST", path: "/v1/score", headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" } }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      });
      req.on("error", reject);
      req.write("x".repeat(5000)); // past the limit; the request is never ended
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error.code).toBe("too_large");
    expect((await score(address, { rows: lagrangeRows })).status).toBe(200);
  });

  it("a body of exactly the limit is read", async () => {
    const text = JSON.stringify({ rows: lagrangeRows });
    const padded = text + " ".repeat(4096 - Buffer.byteLength(text));
    expect((await request(address, "POST", "/v1/score", { body: padded, headers: { "Content-Type": "application/json" } })).status).toBe(200);
  });
});

describe("state over HTTP", () => {
  it("carries across requests; GET gives saveState's JSON; PUT restores it; --state is saved after each batch and at close", async () => {
    const statePath = join(scratch, "state.json");
    const server = await startServer(lagrange, { socket: join(scratch, "state.sock"), backend: "cpu", statePath, log: noLog });
    const reference = new Session(lagrange);
    const { batchFromRows } = await import("../../src/runtime/rows.js");
    const built = batchFromRows(lagrange, lagrangeRows);
    if (!("batch" in built)) throw new Error("bad rows");

    for (let i = 1; i <= 3; i++) {
      const reply = json(await score(server.address, { rows: lagrangeRows }));
      reference.score(built.batch);
      expect(reply.step).toBe(i);
      expect(readFileSync(statePath, "utf8")).toBe(reference.saveState() + "\n");
    }
    const saved = (await request(server.address, "GET", "/v1/state")).body.toString();
    expect(saved).toBe(reference.saveState());

    const fresh = new Session(lagrange);
    const put = await request(server.address, "PUT", "/v1/state", { body: fresh.saveState() });
    expect(json(put)).toEqual({ ok: true, step: 0 });
    expect(readFileSync(statePath, "utf8")).toBe(fresh.saveState() + "\n");
    expect(json(await score(server.address, { rows: lagrangeRows })).step).toBe(1);

    const bad = await request(server.address, "PUT", "/v1/state", { body: saved.replace('"lagrange_state"', '"other"'), headers: { "Content-Type": "application/json" } });
    expect(json(bad)).toEqual({ error: { code: "bad_state", message: "cannot restore state: it was saved for spec `other`, this is spec `lagrange_state`" } });
    expect(json(await request(server.address, "PUT", "/v1/state", { body: "{", headers: { "Content-Type": "application/json" } })).error.code).toBe("bad_state");

    await server.close();
    expect(existsSync(join(scratch, "state.sock"))).toBe(false);
    // A new server picks the saved state up.
    const again = await startServer(lagrange, { port: 0, backend: "cpu", statePath, log: noLog });
    expect(json(await score(again.address, { rows: lagrangeRows })).step).toBe(2);
    await again.close();
  });

  it("an empty batch (rows, columns or Arrow) is bad_request and leaves the state as it was", async () => {
    const server = await startServer(lagrange, { port: 0, backend: "cpu", log: noLog });
    try {
      expect(json(await score(server.address, { rows: lagrangeRows })).step).toBe(1);
      const before = (await request(server.address, "GET", "/v1/state")).body.toString();
      const emptyArrow = tableToIPC(tableOf(lagrange, []), "stream");
      for (const [body, type] of [[JSON.stringify({ rows: [] }), "application/json"], [JSON.stringify({ columns: {} }), "application/json"], [emptyArrow, "application/vnd.apache.arrow.stream"]] as const) {
        const r = await request(server.address, "POST", "/v1/score", { body, headers: { "Content-Type": type } });
        expect(r.status).toBe(400);
        expect(json(r)).toEqual({ error: { code: "bad_request", message: "the batch has no rollouts: an empty batch would apply the state updates to no rollouts" } });
      }
      expect((await request(server.address, "GET", "/v1/state")).body.toString()).toBe(before);
    } finally {
      await server.close();
    }
  });

  it("a bad state file stops the start", async () => {
    const statePath = join(scratch, "bad-state.json");
    writeFileSync(statePath, "{}");
    await expect(startServer(lagrange, { port: 0, backend: "cpu", statePath, log: noLog })).rejects.toThrow("cannot restore state: not a rewardc state file");
  });
});

describe("shutdown loses no reply", () => {
  it("a reply already written is read whole by a client that reads it only after close() began", async () => {
    const server = await startServer(lagrange, { socket: join(scratch, "slow.sock"), backend: "cpu", log: noLog });
    // A reply larger than the socket's buffers: part of it is still waiting in the server when close() is called.
    const rows = Array.from({ length: 50_000 }, (_, i) => ({ prompt: i % 4, objective: 1, cost: 0.5, thinking: 0.1 }));
    const body = JSON.stringify({ rows });
    const { status, length, got, closed } = await new Promise<{ status: number; length: number; got: number; closed: Promise<void> }>((resolve, reject) => {
      const req = httpRequest({ ...target(server.address), method: "POST", path: "/v1/score", headers: { "Content-Type": "application/json" }, agent: false }, (res) => {
        // Headers and body are written by one end(): the whole reply is written by now, its batch applied.
        res.pause();
        const closed = server.close();
        let got = 0;
        res.on("data", (c: Buffer) => (got += c.length));
        res.on("end", () => resolve({ status: res.statusCode!, length: Number(res.headers["content-length"]), got, closed }));
        res.on("error", reject);
        res.on("aborted", () => reject(new Error(`reply cut off after ${got} bytes`)));
        setImmediate(() => res.resume());
      });
      req.on("error", reject);
      req.end(body);
    });
    expect(status).toBe(200);
    expect(got).toBe(length);
    await closed;
  });

  it("a connection made before close() whose request comes after it is served, with Connection: close", async () => {
    const server = await startServer(lagrange, { socket: join(scratch, "early.sock"), backend: "cpu", log: noLog });
    const { connect } = await import("node:net");
    // Connected (a unix socket connects at once, into the listener's backlog) but not yet accepted by the server.
    const early = connect((server.address as { socket: string }).socket);
    const closed = server.close();
    await new Promise((resolve, reject) => {
      early.once("connect", resolve);
      early.once("error", reject);
    });
    const body = JSON.stringify({ rows: lagrangeRows });
    const reply = await new Promise<string>((resolve, reject) => {
      let text = "";
      early.on("data", (c: Buffer) => (text += c.toString()));
      early.on("end", () => resolve(text));
      early.on("error", reject);
      early.write(`POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    expect(reply).toMatch(/^HTTP\/1.1 200 OK\r\n/);
    expect(reply).toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4)).step).toBe(1);
    await closed;
  });
});

describe("unix sockets", () => {
  it("an idle kept-alive connection is closed after keepAliveMs, and by default stays open past Node's default", async () => {
    const { connect } = await import("node:net");
    /** Milliseconds from a served keep-alive request until the server closes the idle connection (capped at `wait`). */
    const idleLife = (port: number, wait: number) =>
      new Promise<number>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1");
        let text = "";
        let replied = 0;
        const timer = setTimeout(() => {
          socket.destroy();
          resolve(wait);
        }, wait);
        socket.on("data", (c: Buffer) => {
          text += c.toString();
          if (replied === 0 && text.includes("\r\n\r\n")) replied = performance.now();
        });
        socket.on("end", () => {
          clearTimeout(timer);
          expect(text).toMatch(/^HTTP\/1.1 200/);
          resolve(performance.now() - replied);
        });
        socket.on("error", reject);
        socket.write("GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
      });
    const short = await startServer(lagrange, { port: 0, backend: "cpu", keepAliveMs: 300, log: noLog });
    try {
      const life = await idleLife((short.address as { port: number }).port, 5000);
      expect(life).toBeGreaterThan(200);
      expect(life).toBeLessThan(3000);
    } finally {
      await short.close();
    }
    // The default (KEEP_ALIVE_MS): open past the point where Node's own default closes it (5 s, plus the 1 s
    // Node 20 adds), so a client idle that long between training steps still finds it open.
    const usual = await startServer(lagrange, { port: 0, backend: "cpu", log: noLog });
    try {
      expect(await idleLife((usual.address as { port: number }).port, 7000)).toBe(7000);
    } finally {
      await usual.close();
    }
  }, 20_000);

  it("a stale socket file is replaced; a live one is refused; a file that is not a socket is never deleted", async () => {
    const path = join(scratch, "stale.sock");
    // A socket file nobody listens on: what a server killed with SIGKILL leaves behind.
    spawnSync(process.execPath, ["-e", `require("node:net").createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, "SIGKILL"))`]);
    expect(existsSync(path)).toBe(true);

    const server = await startServer(lagrange, { socket: path, backend: "cpu", log: noLog });
    expect(server.address).toEqual({ socket: path });
    expect(json(await request(server.address, "GET", "/v1/health"))).toEqual({ ok: true });
    await expect(startServer(lagrange, { socket: path, backend: "cpu", log: noLog })).rejects.toThrow(`another server is listening on \`${path}\``);
    await server.close();
    expect(existsSync(path)).toBe(false);

    const plain = join(scratch, "plain.txt");
    writeFileSync(plain, "keep me");
    await expect(startServer(lagrange, { socket: plain, backend: "cpu", log: noLog })).rejects.toThrow("exists and is not a socket");
    expect(readFileSync(plain, "utf8")).toBe("keep me");
  });
});

describe("Arrow IPC", () => {
  const stepToToken = load("step_to_token");
  const rows = rowsOf("step_to_token");
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(stepToToken, { port: 0, backend: "cpu", log: noLog });
  });
  afterAll(() => server.close());

  const post = (body: Uint8Array, type: string, accept?: string) =>
    request(server.address, "POST", "/v1/score", { body, headers: { "Content-Type": type, ...(accept ? { Accept: accept } : {}) } });

  it("an Arrow body (stream or file format) scores as the same rows in JSON do", async () => {
    const fromJson = json(await score(server.address, { rows }));
    const table = tableOf(stepToToken, rows);
    expect({ ...json(await post(tableToIPC(table, "stream"), "application/vnd.apache.arrow.stream")), step: 0 }).toEqual({ ...fromJson, step: 0 });
    expect({ ...json(await post(tableToIPC(table, "file"), "application/vnd.apache.arrow.file")), step: 0 }).toEqual({ ...fromJson, step: 0 });
  });

  it("Accept: the Arrow stream type gives one column per output (per-token as lists) and metrics, step and state in the metadata", async () => {
    const fromJson = json(await score(server.address, { rows }));
    const reply = await request(server.address, "POST", "/v1/score", {
      body: JSON.stringify({ rows }),
      headers: { "Content-Type": "application/json", Accept: "application/vnd.apache.arrow.stream" },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("application/vnd.apache.arrow.stream");
    const table = tableFromIPC(reply.body);
    expect(table.schema.fields.map((f) => f.name)).toEqual(["reward", "advantage"]);
    const f32 = (x: number): number => Math.fround(x);
    expect(table.getChild("reward")!.toArray()).toEqual(new Float32Array(fromJson.outputs.reward.map(f32)));
    const advantage = [...table.getChild("advantage")!].map((list) => Array.from(list as Iterable<number>));
    expect(advantage).toEqual(fromJson.outputs.advantage.map((a: number[]) => a.map(f32)));
    expect(JSON.parse(table.schema.metadata.get("rewardc.metrics")!)).toEqual(fromJson.metrics);
    expect(Number(table.schema.metadata.get("rewardc.step"))).toBe(fromJson.step + 1);
    expect(JSON.parse(table.schema.metadata.get("rewardc.state")!)).toEqual({});
  });

  it("bytes that are not Arrow IPC are bad_request; bad values are bad_rows naming row and field", async () => {
    const notArrow = await post(new TextEncoder().encode("hello"), "application/vnd.apache.arrow.stream");
    expect(notArrow.status).toBe(400);
    expect(json(notArrow).error.code).toBe("bad_request");
    const bad = rows.map((r, i) => (i === 2 ? { ...r, prm: [0.5, 7] } : r));
    const badRows = await post(tableToIPC(tableOf(stepToToken, bad), "stream"), "application/vnd.apache.arrow.stream");
    expect(badRows.status).toBe(400);
    expect(json(badRows).error).toMatchObject({ code: "bad_rows", rows: [{ row: 2, field: "prm", message: expect.stringContaining("outside the declared range") }] });
  });
});
