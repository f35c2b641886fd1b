import { Agent, request as httpRequest } from "node:http";
import { expect, inject } from "vitest";
import { pinRequestBody } from "../fixtures/requests.ts";
import { outbox, postJson, runJob } from "./helpers.ts";
import { partBsFromBatch, type RequestBody } from "./journeys.ts";
import type { Person } from "./schema-fuzz.ts";

// The fuzzer's HTTP client (its own keep-alive agent and source address) and people (holders it activates itself).

/** Requests in flight at once: the fuzzer's workers, and the sockets of its keep-alive agent. */
export const CONCURRENCY = 6;
/** Another loopback address: the fuzzer's misses count against its own per-source budget, not other tests'. */
export const SOURCE_ADDRESS = "127.0.0.2";
export const PIN = "FZ7Q2M9K";

export interface Reply {
  status: number;
  contentType: string;
  requestId: string;
  body: Buffer;
}

export const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

export function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Reply> {
  const { hostname, port } = new URL(inject("apiUrl"));
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: hostname,
        port,
        method,
        path,
        headers:
          body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) },
        agent,
        localAddress: SOURCE_ADDRESS,
        timeout: 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers["content-type"] ?? "",
            requestId: String(response.headers["x-request-id"] ?? ""),
            body: Buffer.concat(chunks),
          }),
        );
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", reject);
    request.end(body);
  });
}

export interface Operation {
  method: string;
  path: string;
  id: string;
  // biome-ignore lint/suspicious/noExplicitAny: operations are read as plain JSON
  spec: any;
}

export interface Failure {
  operation: string;
  status: number;
  problem: string;
  request: string;
  requestId?: string;
  /** What the service logged about it (a 5xx's error name), found by the answer's x-request-id. */
  logged?: string;
}

/** A person of the fuzzer's own, with contacts and a health card no other test uses. */
export function person(index: number): Person {
  const body = pinRequestBody({}, index) as unknown as Person;
  return {
    ...body,
    contacts: {
      mobile: `+1415556${String(1000 + (index % 9000)).padStart(4, "0")}`,
      email: `fuzz.${body.codiceFiscale.toLowerCase()}@example.org`,
      pec: `fuzz.${body.codiceFiscale.toLowerCase()}@pec.example.it`,
    },
    healthCard: { number: `8038000${String(index).padStart(13, "0")}`, expiryDate: "2031-12-31" },
  };
}

export const bearer = (token: string) => `Bearer ${token}`;

/** Requests, prints and activates the holders' PINs (to PIN), one request at a time to spare a loaded machine. */
export async function activateOneByOne(holders: Person[]): Promise<void> {
  for (const holder of holders) expect((await postJson("/v1/pin-requests", holder)).status).toBe(202);
  const sms = (await outbox()).sms;
  const partBs = await partBsFromBatch((await runJob("letter-batch")).body.prefix, holders as RequestBody[]);
  for (const holder of holders) {
    const partA = /([0-9A-F]{8})/.exec(
      sms.filter((m) => m.to === holder.contacts.mobile).at(-1)?.text ?? "",
    )?.[1];
    const first = await postJson("/v1/sessions", {
      codiceFiscale: holder.codiceFiscale,
      pin: `${partA}${partBs.get(holder.codiceFiscale)}`,
    });
    const changed = await postJson("/v1/pin-changes", { changeToken: first.body.changeToken, newPin: PIN });
    expect(changed.status).toBe(200);
  }
}
