import { importJWK, type JWK, SignJWT } from "jose";
import { z } from "zod";
import { jobDefinitions } from "#shared/jobs";
import { clockOffsetSeconds, nowEpochSeconds, setClockOffsetSeconds } from "#shared/platform/clock";
import { operatorGroups } from "#shared/routes";
import { type FaultPlan, faultModes, faultServices } from "./faults.ts";
import { invoke } from "./functions.ts";
import type { MetricSums } from "./metrics.ts";
import type { SentEmail } from "./ses.ts";
import type { SentSms } from "./sms-endpoint.ts";

export interface DevContext {
  sms: { messages: SentSms[]; clear(): void };
  /** What the proxies in front of the emulators fail (local/faults.ts). */
  faults: FaultPlan;
  /** The table's stream readers (local/streams.ts), which deliver the outbox. */
  streams?: {
    pause(): Promise<void>;
    resume(): void;
    readonly running: boolean;
    drained(timeoutMs?: number): Promise<boolean>;
  };
  ses: { list(): Promise<SentEmail[]>; clear(): Promise<void> };
  /** The functions' metrics summed since start (local/metrics.ts). */
  metrics?: MetricSums;
  issuer: {
    jwk: JWK;
    operatorIssuer: string;
    operatorAudience: string;
    identityIssuer: string;
    identityAudience: string;
  };
}

export interface DevReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const tokenRequest = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("operator"),
    role: z.enum(operatorGroups),
    operatorId: z.string().min(1).max(64),
  }),
  z.strictObject({
    kind: z.literal("identity"),
    codiceFiscale: z.string().regex(/^[A-Z0-9]{16}$/),
    provider: z.enum(["spid", "cie", "cns"]).default("spid"),
  }),
]);

const clockRequest = z.strictObject({ offsetSeconds: z.number().finite() });

// docs/local-stack.md. `operation` is a pattern on the API action (local/faults.ts `FaultRule`); each SDK attempt is a call.
const faultRequest = z.strictObject({
  service: z.enum(faultServices),
  operation: z.string().min(1).max(300).optional(),
  mode: z.enum(faultModes),
  count: z.number().int().min(1).max(1000),
});

const streamsRequest = z.strictObject({ running: z.boolean() });

function problem(status: number, code: string, detail: string, errors?: unknown): DevReply {
  return {
    status,
    headers: { "content-type": "application/problem+json" },
    body: { type: "about:blank", code, title: code, status, detail, ...(errors ? { errors } : {}) },
  };
}

function parseBody<S extends z.ZodType>(
  schema: S,
  body: Buffer,
  contentType: string | undefined,
): z.infer<S> | DevReply {
  if (!contentType?.startsWith("application/json"))
    return problem(415, "unsupported-media-type", "Send application/json.");
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return problem(400, "malformed-json", "The body is not valid JSON.");
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    return problem(
      400,
      "validation-failed",
      "The request is not valid.",
      result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  return result.data;
}

const isReply = (value: unknown): value is DevReply =>
  typeof value === "object" &&
  value !== null &&
  "status" in value &&
  typeof (value as DevReply).status === "number";

/** The development-only routes under `/_local` (never part of the route table, never deployed). */
export async function handleDevRoute(
  ctx: DevContext,
  method: string,
  path: string,
  body: Buffer,
  contentType: string | undefined,
): Promise<DevReply> {
  if (path === "/_local/outbox" && method === "GET") {
    // What committed before this read has reached it (unless nothing reads the stream: then what is there).
    const settled = await settle(ctx);
    return {
      status: 200,
      headers: { "x-outbox-settled": String(settled) },
      body: { sms: [...ctx.sms.messages], emails: await ctx.ses.list() },
    };
  }
  if (path === "/_local/metrics" && method === "GET" && ctx.metrics) {
    // The notifier's counts of what committed before this read included.
    const settled = await settle(ctx);
    return {
      status: 200,
      headers: { "x-outbox-settled": String(settled) },
      body: { metrics: ctx.metrics.list() },
    };
  }
  if (path === "/_local/outbox" && method === "DELETE") {
    ctx.sms.clear();
    await ctx.ses.clear();
    return { status: 204 };
  }
  if (path === "/_local/faults" && method === "GET")
    return { status: 200, body: { faults: ctx.faults.list() } };
  if (path === "/_local/faults" && method === "POST") {
    const parsed = parseBody(faultRequest, body, contentType);
    if (isReply(parsed)) return parsed;
    ctx.faults.arm(parsed);
    return { status: 201, body: { faults: ctx.faults.list() } };
  }
  if (path === "/_local/faults" && method === "DELETE") {
    ctx.faults.clear();
    return { status: 204 };
  }
  if (path === "/_local/streams" && ctx.streams && (method === "GET" || method === "POST")) {
    if (method === "POST") {
      const parsed = parseBody(streamsRequest, body, contentType);
      if (isReply(parsed)) return parsed;
      // Paused, nothing reads the stream: what commits meanwhile waits there, as after a crash of the poller.
      if (parsed.running) ctx.streams.resume();
      else await ctx.streams.pause();
    }
    return { status: 200, body: { running: ctx.streams.running } };
  }
  if (path === "/_local/streams/drain" && ctx.streams && method === "POST") {
    // Answers once everything committed so far went through the notifier: nothing is still on its way.
    return { status: 200, body: { drained: await ctx.streams.drained() } };
  }
  const job = /^\/_local\/jobs\/([a-z-]+)$/.exec(path);
  if (job && method === "POST") {
    const definition = jobDefinitions.find((j) => j.name === job[1]);
    if (!definition) return problem(404, "not-found", `No job named ${job[1]}.`);
    return {
      status: 200,
      body: await invoke(definition.functionName, {
        job: definition.name,
        scheduledTime: new Date().toISOString(),
      }),
    };
  }
  if (path === "/_local/clock" && method === "GET")
    return { status: 200, body: { offsetSeconds: clockOffsetSeconds() } };
  if (path === "/_local/clock" && method === "POST") {
    const parsed = parseBody(clockRequest, body, contentType);
    if (isReply(parsed)) return parsed;
    setClockOffsetSeconds(parsed.offsetSeconds);
    return { status: 200, body: { offsetSeconds: clockOffsetSeconds() } };
  }
  if (path === "/_local/jwks.json" && method === "GET") {
    const { d: _private, ...publicJwk } = ctx.issuer.jwk;
    return { status: 200, body: { keys: [{ ...publicJwk, use: "sig" }] } };
  }
  if (path === "/_local/registry" && method === "POST") {
    const parsed = parseBody(z.unknown(), body, contentType);
    if (isReply(parsed)) return parsed;
    // Loaded on first use: the SDK clients they create must see the environment main.ts sets up first.
    const { validateRow } = await import("#shared/registry/registry-import.service");
    const { putPersonOnRecord } = await import("#shared/registry/registry.store");
    const { record, errors } = validateRow(parsed);
    if (!record) return problem(400, "validation-failed", "Not a valid person record.", errors);
    const outcome = await putPersonOnRecord(record, "local");
    return { status: 201, body: { codiceFiscale: record.codiceFiscale, outcome } };
  }
  if (path === "/_local/tokens" && method === "POST") {
    const parsed = parseBody(tokenRequest, body, contentType);
    if (isReply(parsed)) return parsed;
    return { status: 200, body: { token: await issueLocalToken(ctx, parsed) } };
  }
  return problem(404, "not-found", `No development route ${method} ${path}.`);
}

/** Waits until the notifier has been handed every record committed so far; false when it could not be. */
async function settle(ctx: DevContext): Promise<boolean> {
  if (!ctx.streams?.running) return false;
  return ctx.streams.drained();
}

async function issueLocalToken(ctx: DevContext, request: z.infer<typeof tokenRequest>): Promise<string> {
  const key = await importJWK(ctx.issuer.jwk, "ES256");
  const header = { alg: "ES256", kid: ctx.issuer.jwk.kid, typ: "JWT" };
  // On the service clock, which the handlers verify against: a shifted clock gets tokens fresh for it.
  const iat = nowEpochSeconds();
  if (request.kind === "operator") {
    return new SignJWT({
      "cognito:groups": [request.role],
      token_use: "access",
      client_id: ctx.issuer.operatorAudience,
    })
      .setProtectedHeader(header)
      .setIssuer(ctx.issuer.operatorIssuer)
      .setAudience(ctx.issuer.operatorAudience)
      .setSubject(request.operatorId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(key);
  }
  return new SignJWT({ fiscal_number: `TINIT-${request.codiceFiscale}`, idp: request.provider })
    .setProtectedHeader(header)
    .setIssuer(ctx.issuer.identityIssuer)
    .setAudience(ctx.issuer.identityAudience)
    .setSubject(`${request.provider}:${request.codiceFiscale}`)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(key);
}
