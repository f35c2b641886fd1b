/** Calls to the service's API on the same origin (`/v1/...`), with RFC 9457 problems turned into `ApiError`. */
import type { components, operations } from "./api-types.ts";

type JsonOf<Response> = Response extends { content: { "application/json": infer Body } } ? Body : never;

/**
 * The JSON body an operation of the service's OpenAPI document answers with (its operation id), by default
 * that of its success status (200, 201 or 202): the web client's types are the document's, generated into
 * api-types.ts, never typed by hand.
 */
export type Answer<
  Operation extends keyof operations,
  Status extends keyof operations[Operation]["responses"] = Extract<
    keyof operations[Operation]["responses"],
    200 | 201 | 202
  >,
> = JsonOf<operations[Operation]["responses"][Status]>;

export type FieldError = NonNullable<components["schemas"]["Problem"]["errors"]>[number];

/** A problem as the client sees it: the service's (RFC 9457), or one it makes up when the network fails. */
export interface Problem {
  code: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  reason?: string;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = "ApiError";
  }
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  idempotencyKey?: string;
  query?: Record<string, string | number | undefined>;
}

/** One API call; resolves with the parsed JSON (undefined for 204), rejects with an `ApiError`. */
export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== "") url.searchParams.set(name, String(value));
  }
  const headers: Record<string, string> = { accept: "application/json, application/problem+json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError({ code: "network", title: "Network error", status: 0 });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const problem =
      json && typeof json === "object" && "code" in json
        ? (json as Problem)
        : { code: `http-${response.status}`, title: response.statusText, status: response.status };
    throw new ApiError({ ...problem, status: problem.status ?? response.status });
  }
  return json as T;
}

/** A fresh Idempotency-Key for one submission (kept while the same data is retried). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
