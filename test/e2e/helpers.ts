import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import type { JobDefinition } from "../../shared/jobs.ts";

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert on them
  body: any;
}

export async function api(path: string, init: RequestInit = {}): Promise<Reply> {
  const response = await fetch(`${inject("apiUrl")}${path}`, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body };
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return api(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

export interface Outbox {
  sms: Array<{ to: string; text: string; at: string }>;
  emails: Array<{ to: string; subject: string; text: string; at: string }>;
}

export async function outbox(): Promise<Outbox> {
  return (await api("/_local/outbox")).body as Outbox;
}

/**
 * Empties the outbox once every notice committed so far has arrived (they travel through the table's stream and
 * the notifier), so none lands in the next test's outbox.
 */
export async function clearOutbox(): Promise<void> {
  await drainStream();
  await api("/_local/outbox", { method: "DELETE" });
}

/** Waits until the notifier has been handed everything committed so far. */
export async function drainStream(): Promise<void> {
  const reply = await api("/_local/streams/drain", { method: "POST" });
  if (reply.body?.drained !== true) throw new Error(`stream not drained: ${reply.status}`);
}

/**
 * Security notices arrive asynchronously (outbox → stream → notifier): waits until `predicate` holds for the
 * outbox and returns it.
 */
export async function waitForOutbox(
  predicate: (box: Outbox) => boolean,
  timeoutMs = 20_000,
): Promise<Outbox> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const box = await outbox();
    if (predicate(box)) return box;
    if (Date.now() > deadline) {
      throw new Error(`the expected message did not arrive within ${timeoutMs} ms: ${summarise(box)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The outbox once nothing is on its way any more: for checks that something was NOT sent. */
export async function settledOutbox(): Promise<Outbox> {
  await drainStream();
  return outbox();
}

function summarise(box: Outbox): string {
  return `${box.sms.length} SMS, ${box.emails.length} e-mails`;
}

export function runJob(name: JobDefinition["name"]): Promise<Reply> {
  return api(`/_local/jobs/${name}`, { method: "POST" });
}

export async function setClock(offsetSeconds: number): Promise<void> {
  const reply = await postJson("/_local/clock", { offsetSeconds });
  if (reply.status !== 200) throw new Error(`clock: ${reply.status}`);
}

export async function operatorToken(role: string, operatorId = "op-1"): Promise<string> {
  return (await postJson("/_local/tokens", { kind: "operator", role, operatorId })).body.token;
}

export async function identityToken(codiceFiscale: string, provider = "spid"): Promise<string> {
  return (await postJson("/_local/tokens", { kind: "identity", codiceFiscale, provider })).body.token;
}

/** Everything the service wrote to stdout and stderr so far. */
export function readLogs(): string {
  return readFileSync(inject("logFile"), "utf8");
}

export interface Endpoints {
  api: string;
  dynamodb: string;
  s3: string;
  ses: string;
  sns: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  tableName: string;
  lettersBucket: string;
  uploadsBucket: string;
}

export function endpoints(): Endpoints {
  return JSON.parse(readFileSync(join(inject("localDir"), "endpoints.json"), "utf8")) as Endpoints;
}

export interface PersonOnRecord {
  codiceFiscale: string;
  surname: string;
  givenName: string;
  birthDate: string;
  sex: string;
  birthPlaceCode: string;
  residence: Record<string, unknown>;
}

/** Puts people on the institution's record (docs/product/credential-rules.md) with the identity and residence of their requests. */
export async function putOnRecord(...people: PersonOnRecord[]): Promise<void> {
  for (const { codiceFiscale, surname, givenName, birthDate, sex, birthPlaceCode, residence } of people) {
    const reply = await postJson("/_local/registry", {
      codiceFiscale,
      surname,
      givenName,
      birthDate,
      sex,
      birthPlaceCode,
      residence,
    });
    if (reply.status !== 201) throw new Error(`registry: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
}

/** A binary answer (a PDF): status, headers and bytes. */
export async function apiBytes(path: string, init: RequestInit = {}) {
  const response = await fetch(`${inject("apiUrl")}${path}`, init);
  return {
    status: response.status,
    headers: response.headers,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}
