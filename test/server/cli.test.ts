/**
 * `rewardc serve` end to end: the built CLI in a child process (npm test builds first), on the CPU backend.
 * Nothing here waits on a clock: every step waits for an event (a line, a reply, an exit, a refused connection).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../src/compiler/compile.js";
import type { IrModule } from "../../src/compiler/ir.js";
import { batchFromRows } from "../../src/runtime/rows.js";
import { Session } from "../../src/runtime/session.js";
import { encodeScoreJson } from "../../src/server/protocol.js";
import { json, request, score, target, type Address } from "./client.js";
import { rewardc, root, serve, stoppedListening, type ServeProcess } from "./serveProcess.js";

const scratch = mkdtempSync(join(tmpdir(), "rewardc-serve-cli-"));
let sockets = 0;
const socketPath = (): string => join(scratch, `s${sockets++}.sock`);

function load(name: string): IrModule {
  const { module } = compileFile(join(root, "examples", `${name}.reward`));
  if (!module) throw new Error(`${name} does not compile`);
  return module;
}

function rowsOf(name: string): Record<string, unknown>[] {
  return readFileSync(join(root, "examples/data", `${name}.jsonl`), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The JSON reply the server must give for `rows` scored by `session` (which this advances). */
function expectedReply(module: IrModule, session: Session, rows: unknown[]): any {
  const built = batchFromRows(module, rows);
  if (!("batch" in built)) throw new Error("bad rows");
  const result = session.score(built.batch);
  return JSON.parse(encodeScoreJson(module, { batch: built.batch, result, step: session.step, state: session.state() }));
}

/** A tiny deterministic generator, so every run sends the same batches. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

async function stop(server: ServeProcess): Promise<Awaited<ServeProcess["exited"]>> {
  server.child.kill("SIGTERM");
  return server.exited;
}

describe("start-up", () => {
  it("a unix socket: the ready line names it; SIGTERM removes it and exits 0", async () => {
    const path = socketPath();
    const server = serve(["examples/grpo_lambda.reward", "--socket", path, "--backend", "cpu"]);
    expect(await server.ready).toEqual({ ready: true, socket: path });
    expect(json(await request({ socket: path }, "GET", "/v1/health"))).toEqual({ ok: true });
    const exit = await stop(server);
    expect(exit).toMatchObject({ code: 0, stderr: "" });
    expect(exit.stdout).toBe(JSON.stringify({ ready: true, socket: path }) + "\n");
    expect(existsSync(path)).toBe(false);
  });

  it("--port 0: the ready line has the real port on 127.0.0.1", async () => {
    const server = serve(["examples/grpo_lambda.reward", "--port", "0", "--backend", "cpu"]);
    const ready = await server.ready;
    expect(ready).toEqual({ ready: true, host: "127.0.0.1", port: expect.any(Number) });
    expect((ready as { port: number }).port).toBeGreaterThan(0);
    expect(json(await request(ready, "GET", "/v1/spec")).name).toBe("grpo_lambda");
    expect((await stop(server)).code).toBe(0);
  });

  it("a live socket is a usage error (exit 2); so are a missing or doubled address, and a bad --port", async () => {
    const path = socketPath();
    const first = serve(["examples/grpo_lambda.reward", "--socket", path, "--backend", "cpu"]);
    await first.ready;
    const second = rewardc(["serve", "examples/grpo_lambda.reward", "--socket", path, "--backend", "cpu"]);
    expect(second).toMatchObject({ code: 2, stdout: "", stderr: `error: another server is listening on \`${path}\`\n` });
    expect(json(await request({ socket: path }, "GET", "/v1/health"))).toEqual({ ok: true });
    expect((await stop(first)).code).toBe(0);

    expect(rewardc(["serve", "examples/grpo_lambda.reward", "--backend", "cpu"])).toMatchObject({ code: 2, stderr: "error: `rewardc serve` needs exactly one of --socket PATH and --port N\n" });
    expect(rewardc(["serve", "examples/grpo_lambda.reward", "--port", "0", "--socket", path]).code).toBe(2);
    expect(rewardc(["serve", "examples/grpo_lambda.reward", "--port", "70000", "--backend", "cpu"])).toMatchObject({ code: 2, stderr: "error: --port takes a whole number from 0 to 65535, found `70000`\n" });
    expect(rewardc(["serve", "examples/grpo_lambda.reward", "--port", "0", "--backend", "cpu", "--param", "nope=1"])).toMatchObject({ code: 2, stdout: "" });
  });

  it("--help describes the command; the top-level help lists it", () => {
    const help = rewardc(["serve", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: rewardc serve SPEC (--socket PATH | --port N)");
    expect(help.stdout).toContain("--max-request-bytes=N");
    expect(rewardc(["--help"]).stdout).toMatch(/\n  serve +Serve a spec over HTTP/);
  });

  it("a spec with errors exits 1 before any ready line", () => {
    const r = rewardc(["serve", "test/fixtures/errors/R0203-level.reward", "--port", "0", "--backend", "cpu"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("error[R0203]");
  });
});

describe("scoring", () => {
  it.each(["grpo_lambda", "step_to_token", "lagrange_state", "token_spans", "dapo_overlong", "self_consistency"])(
    "%s: the same numbers as `rewardc run` on the same rows, bit for bit",
    async (name) => {
      const spec = `examples/${name}.reward`;
      const data = `examples/data/${name}.jsonl`;
      const run = rewardc(["run", spec, "--in", data, "--backend", "cpu"]);
      expect(run.code, run.stderr).toBe(0);
      const runRows = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      const runMetrics = JSON.parse(/metrics: (.*)/.exec(run.stderr)![1]!) as Record<string, unknown>;

      const server = serve([spec, "--socket", socketPath(), "--backend", "cpu"]);
      const address = await server.ready;
      const reply = json(await score(address, { rows: rowsOf(name) }));
      expect((await stop(server)).code).toBe(0);

      // `run` prints NaN and infinities as null; the server spells them out.
      const asRun = (v: unknown): unknown => (typeof v === "string" ? null : Array.isArray(v) ? v.map(asRun) : v);
      for (const [output, values] of Object.entries(reply.outputs as Record<string, unknown[]>)) {
        expect(values.map(asRun), output).toEqual(runRows.map((r) => r[output]));
      }
      expect(asRun(Object.values(reply.metrics))).toEqual(Object.values(runMetrics));
      expect(Object.keys(reply.metrics)).toEqual(Object.keys(runMetrics));
      expect(reply.step).toBe(1);
    },
  );

  it("state carries across requests and into --state FILE; GET and PUT /v1/state; a restarted server resumes", async () => {
    const module = load("lagrange_state");
    const rows = rowsOf("lagrange_state");
    const statePath = join(scratch, "lagrange.state.json");
    const reference = new Session(module);
    let server = serve(["examples/lagrange_state.reward", "--socket", socketPath(), "--backend", "cpu", "--state", statePath]);
    let address: Address = await server.ready;
    for (let i = 0; i < 3; i++) {
      expect(json(await score(address, { rows }))).toEqual(expectedReply(module, reference, rows));
      expect(readFileSync(statePath, "utf8")).toBe(reference.saveState() + "\n");
    }
    expect((await request(address, "GET", "/v1/state")).body.toString()).toBe(reference.saveState());
    expect((await stop(server)).code).toBe(0);

    server = serve(["examples/lagrange_state.reward", "--port", "0", "--backend", "cpu", "--state", statePath]);
    address = await server.ready;
    expect(json(await score(address, { rows }))).toEqual(expectedReply(module, reference, rows));
    const initial = new Session(module).saveState();
    expect(json(await request(address, "PUT", "/v1/state", { body: initial, headers: { "Content-Type": "application/json" } }))).toEqual({ ok: true, step: 0 });
    expect(json(await score(address, { rows }))).toEqual(expectedReply(module, new Session(module), rows));
    expect((await stop(server)).code).toBe(0);
    expect(JSON.parse(readFileSync(statePath, "utf8")).step).toBe(1);
  });
});

describe("bad requests", () => {
  let server: ServeProcess;
  let address: Address;
  const module = load("grpo_lambda");
  const rows = rowsOf("grpo_lambda");
  beforeAll(async () => {
    server = serve(["examples/grpo_lambda.reward", "--socket", socketPath(), "--backend", "cpu", "--max-request-bytes", "2000"]);
    address = await server.ready;
  });
  afterAll(async () => {
    expect((await stop(server)).code).toBe(0);
  });

  const good = async (): Promise<void> => {
    expect(json(await score(address, { rows }))).toMatchObject({ outputs: expectedReply(module, new Session(module), rows).outputs });
  };

  it("bad JSON: bad_json, then the next request succeeds", async () => {
    const r = await request(address, "POST", "/v1/score", { body: '{"rows": [', headers: { "Content-Type": "application/json" } });
    expect(r.status).toBe(400);
    expect(json(r).error).toMatchObject({ code: "bad_json", message: expect.stringMatching(/^invalid JSON/) });
    await good();
  });

  it("bad rows: bad_rows naming row and field, then the next request succeeds", async () => {
    const bad = rows.map((r, i) => (i === 4 ? { ...r, length: "long" } : r));
    const r = await score(address, { rows: bad });
    expect(r.status).toBe(400);
    expect(json(r).error.rows).toEqual([{ row: 4, field: "length", message: 'field `length`: expected int, found "long"' }]);
    await good();
  });

  it("a wrong content type: unsupported_media_type, then the next request succeeds", async () => {
    const r = await request(address, "POST", "/v1/score", { body: JSON.stringify({ rows }), headers: { "Content-Type": "text/plain" } });
    expect(r.status).toBe(415);
    expect(json(r).error.code).toBe("unsupported_media_type");
    await good();
  });

  it("too large: too_large, then the next request succeeds", async () => {
    const big = { rows: Array.from({ length: 8 }, () => rows).flat() };
    expect(JSON.stringify(big).length).toBeGreaterThan(2000);
    const r = await score(address, big);
    expect(r.status).toBe(413);
    expect(json(r).error).toEqual({ code: "too_large", message: "the request body is larger than the limit of 2000 bytes (--max-request-bytes)" });
    await good();
  });
});

describe("concurrent clients", () => {
  const clients = 10;

  it("each of 10 clients sending its own batch at once gets exactly its own answer (stateless spec)", async () => {
    const module = load("grpo_lambda");
    const random = lcg(7);
    const batches = Array.from({ length: clients }, (_, c) =>
      Array.from({ length: 3 + c * 5 }, (_, i) => ({ prompt: `p${i % (c + 1)}`, correct: random() < 0.5, length: Math.floor(random() * 1000) })),
    );
    const server = serve(["examples/grpo_lambda.reward", "--port", "0", "--backend", "cpu"]);
    const address = await server.ready;
    const replies = await Promise.all(batches.map((rows) => score(address, { rows })));
    expect((await stop(server)).code).toBe(0);
    replies.forEach((reply, c) => {
      const expected = expectedReply(module, new Session(module), batches[c]!);
      const got = json(reply);
      expect(got.outputs, `client ${c}`).toEqual(expected.outputs);
      expect(got.metrics, `client ${c}`).toEqual(expected.metrics);
    });
    expect(replies.map((r) => json(r).step).sort((a, b) => a - b)).toEqual(Array.from({ length: clients }, (_, i) => i + 1));
  });

  it("a stateful spec: N concurrent batches leave the state N sequential updates leave, in the order the steps say", async () => {
    const module = load("lagrange_state");
    const random = lcg(11);
    const batches = Array.from({ length: clients }, (_, c) =>
      Array.from({ length: 2 + c }, (_, i) => ({ prompt: i % 2, objective: random() * 2 - 1, cost: random(), thinking: random() })),
    );
    const server = serve(["examples/lagrange_state.reward", "--socket", socketPath(), "--backend", "cpu"]);
    const address = await server.ready;
    const replies = (await Promise.all(batches.map((rows) => score(address, { rows })))).map(json);
    const finalState = (await request(address, "GET", "/v1/state")).body.toString();
    expect((await stop(server)).code).toBe(0);

    const order = replies.map((r, c) => ({ step: r.step as number, c })).sort((a, b) => a.step - b.step);
    expect(order.map((o) => o.step)).toEqual(Array.from({ length: clients }, (_, i) => i + 1));
    const sequential = new Session(module);
    for (const { c } of order) expect(replies[c], `client ${c}`).toEqual(expectedReply(module, sequential, batches[c]!));
    expect(finalState).toBe(sequential.saveState());
  });
});

describe("shutdown", () => {
  it("SIGTERM with a request in flight: the request completes, the state is saved, the socket file goes, exit 0", async () => {
    const module = load("lagrange_state");
    const rows = rowsOf("lagrange_state");
    const path = socketPath();
    const statePath = join(scratch, "shutdown.state.json");
    writeFileSync(statePath, new Session(module).saveState());
    const server = serve(["examples/lagrange_state.reward", "--socket", path, "--backend", "cpu", "--state", statePath]);
    const address = await server.ready;

    const body = JSON.stringify({ rows });
    const half = Math.floor(body.length / 2);
    let inFlight!: () => void;
    const requestInFlight = new Promise<void>((resolve) => (inFlight = resolve));
    let signalled!: () => void;
    const serverSignalled = new Promise<void>((resolve) => (signalled = resolve));
    const reply = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      // `Expect: 100-continue`: the server answers `100 Continue` once it is handling the request, which is the
      // event this test needs. Half the body goes then, the other half only after the signal has been handled.
      const req = httpRequest(
        { ...target(address), method: "POST", path: "/v1/score", agent: false, headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Expect: "100-continue" } },
        (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: text }));
        },
      );
      req.on("error", reject);
      req.on("continue", () => {
        req.write(body.slice(0, half));
        inFlight();
        void serverSignalled.then(() => req.end(body.slice(half)));
      });
      req.flushHeaders();
    });

    await requestInFlight;
    server.child.kill("SIGTERM");
    await stoppedListening(address);
    signalled();

    const r = await reply;
    expect(r.status).toBe(200);
    expect(r.connection).toBe("close");
    const expected = expectedReply(module, new Session(module), rows);
    expect(JSON.parse(r.body)).toEqual(expected);
    const exit = await server.exited;
    expect(exit.code).toBe(0);
    expect(exit.stderr).toBe("");
    expect(existsSync(path)).toBe(false);
    expect(JSON.parse(readFileSync(statePath, "utf8"))).toMatchObject({ step: 1 });
  });

  it("a state that cannot be saved at shutdown is printed to stderr, and the exit code is 3", async () => {
    const dir = mkdtempSync(join(scratch, "gone-"));
    const path = socketPath();
    const server = serve(["examples/lagrange_state.reward", "--socket", path, "--backend", "cpu", "--state", join(dir, "state.json")]);
    const address = await server.ready;
    expect((await score(address, { rows: rowsOf("lagrange_state") })).status).toBe(200);
    rmSync(dir, { recursive: true });
    server.child.kill("SIGTERM");
    const exit = await server.exited;
    expect(exit.code).toBe(3);
    const lines = exit.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/^error: cannot write `.*state\.json`: no such file or directory: the state was not saved; here it is, to save as a --state file \(or PUT \/v1\/state\):$/);
    const state = JSON.parse(lines[1]!);
    expect(state).toMatchObject({ format: "rewardc-state", step: 1 });
    expect(lines).toHaveLength(2);
    expect(existsSync(path)).toBe(false);
  });
});
