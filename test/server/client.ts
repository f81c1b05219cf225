/** A small HTTP client for the serve tests: one request, the whole reply. */
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from "node:http";

export type Address = { socket: string } | { host: string; port: number };

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Whether the request went over a kept-alive connection that had carried an earlier one. */
  reusedSocket: boolean;
}

export interface RequestOptions {
  body?: string | Uint8Array;
  headers?: Record<string, string | number>;
  agent?: Agent;
}

export function target(address: Address): { socketPath: string } | { host: string; port: number } {
  return "socket" in address ? { socketPath: address.socket } : { host: address.host, port: address.port };
}

export function request(address: Address, method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ ...target(address), method, path, headers: options.headers ?? {}, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), reusedSocket: req.reusedSocket }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

export const json = (reply: Reply): any => JSON.parse(reply.body.toString("utf8"));

/** POST /v1/score with a JSON body. */
export function score(address: Address, body: unknown, agent?: Agent): Promise<Reply> {
  return request(address, "POST", "/v1/score", { body: JSON.stringify(body), headers: { "Content-Type": "application/json" }, ...(agent ? { agent } : {}) });
}
