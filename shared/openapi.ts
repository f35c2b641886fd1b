import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import type * as core from "zod/v4/core";
import { MAX_BODY_BYTES } from "./platform/http.ts";
import { IDEMPOTENCY_KEY } from "./platform/idempotency-key.ts";
import * as z from "./platform/zod.ts";
import { type RouteDefinition, routes } from "./routes.ts";

/** RFC 9457 problem details, as the chain's error renderer (http.ts) writes them. */
const problemSchema = z
  .looseObject({
    type: z.string().check(z.meta({ format: "uri-reference", examples: ["about:blank"] })),
    code: z
      .string()
      .check(z.meta({ description: "Stable, machine-readable code", examples: ["validation-failed"] })),
    title: z.string(),
    status: z.number().check(z.int(), z.minimum(400), z.maximum(599)),
    detail: z.string(),
    instance: z.optional(z.string()).check(z.meta({ description: "The request's path" })),
    errors: z
      .optional(z.array(z.object({ path: z.string(), message: z.string() })))
      .check(
        z.meta({ description: "For validation-failed: each field that was refused, by its dotted path" }),
      ),
  })
  .check(
    z.meta({
      id: "Problem",
      description:
        "RFC 9457 problem details. Some codes add members: weak-pin a reason, conversion-open the open request's id.",
    }),
  );

/** What API Gateway itself answers with: its throttling (429) and, in AWS, its JWT authorizers (401). */
const gatewayMessageSchema = z
  .object({ message: z.string().check(z.meta({ examples: ["Too Many Requests", "Unauthorized"] })) })
  .check(
    z.meta({ id: "GatewayMessage", description: "API Gateway's own answer, before any function runs." }),
  );

/** Statuses API Gateway may answer itself, before any function runs, and when. */
function gatewayAnswersOf(route: RouteDefinition): Record<number, string> {
  const answers: Record<number, string> = {
    429: "Throttled: API Gateway's stage limits (application/json), or the edge's per-source rules (problem+json)",
  };
  if (route.access.kind === "operator" || route.access.kind === "identity") {
    answers[401] = "In AWS, a missing or invalid token is refused by API Gateway's JWT authorizer";
  }
  return answers;
}

const securitySchemes = {
  citizen: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "The holder's 15-minute access token (ES256, RFC 9068) from POST /v1/sessions; keys at /.well-known/jwks.json. " +
      "A delegate's token for the delegator (F14) serves only the profile, applications and a conversion's status.",
  },
  identity: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "An identity token of the configured SPID/CIE/CNS OpenID provider, for this service's audience.",
  },
  operator: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "An operator's Cognito access token; the roles an operation lists are Cognito groups (cognito:groups).",
  },
} as const;

function securityOf(route: RouteDefinition): Array<Record<string, string[]>> {
  switch (route.access.kind) {
    case "public":
      return route.access.bearer ? [{}, { [route.access.bearer]: [] }] : [];
    case "citizen-or-identity":
      return [{ citizen: [] }, { identity: [] }];
    case "operator":
      return [{ operator: [...route.access.groups] }];
    default:
      return [{ [route.access.kind]: [] }];
  }
}

/** The problem statuses of a route: those its definition implies, then its own (codes joined). */
function problemsOf(route: RouteDefinition): Record<number, string> {
  const problems: Record<number, string[]> = {};
  const add = (status: number, text: string) => {
    problems[status] = [...(problems[status] ?? []), text];
  };
  if (route.body) add(400, "validation-failed (errors[] names each field), malformed-json");
  else if (route.query || route.path.includes("{codiceFiscale}"))
    add(400, "validation-failed (errors[] names each parameter)");
  if (route.idempotent && !route.body) add(400, "validation-failed (a malformed Idempotency-Key)");
  if (route.access.kind !== "public")
    add(401, "unauthorized (no bearer token), invalid-token (not valid, expired, or its PIN changed)");
  if (route.access.kind === "operator")
    add(403, `forbidden: the operator is in none of the groups ${route.access.groups.join(", ")}`);
  if (route.idempotent) {
    add(409, "request-in-progress: a request with this Idempotency-Key is still running; retry later");
    add(422, "idempotency-key-reused: this Idempotency-Key came with another body");
  }
  if (route.body) {
    add(413, `payload-too-large: bodies are at most ${MAX_BODY_BYTES} bytes`);
    add(415, "unsupported-media-type: send application/json");
  }
  for (const [status, text] of Object.entries(route.problems ?? {})) add(Number(status), text);
  for (const [status, text] of Object.entries(gatewayAnswersOf(route))) add(Number(status), text);
  add(500, "internal-error: nothing about the request is disclosed");
  return Object.fromEntries(Object.entries(problems).map(([status, texts]) => [status, texts.join("; ")]));
}

function operationOf(route: RouteDefinition, problem: core.$ZodType, gatewayMessage: core.$ZodType) {
  const paramNames = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const contentType = response.contentType ?? "application/json";
    const schema =
      response.schema ?? (response.contentType ? z.string().check(z.meta({ format: "binary" })) : undefined);
    responses[status] = {
      description: response.description,
      ...(schema ? { content: { [contentType]: { schema } } } : {}),
    };
  }
  const gatewayAnswers = gatewayAnswersOf(route);
  for (const [status, description] of Object.entries(problemsOf(route))) {
    responses[status] = {
      description,
      content: {
        "application/problem+json": { schema: problem },
        ...(status in gatewayAnswers ? { "application/json": { schema: gatewayMessage } } : {}),
      },
    };
  }
  const pathParams = paramNames.map((name) => [
    name,
    name === "codiceFiscale"
      ? z.string().check(z.meta({ description: "A codice fiscale (see the CodiceFiscale schema)" }))
      : z.string().check(z.meta({ description: `The ${name} an earlier answer gave`, format: "uuid" })),
  ]);
  return {
    method: route.method.toLowerCase() as Lowercase<RouteDefinition["method"]>,
    path: route.path,
    operationId: route.operationId ?? route.functionName,
    summary: route.summary,
    tags: [tagOf(route)],
    security: securityOf(route),
    request: {
      ...(pathParams.length > 0 ? { params: z.object(Object.fromEntries(pathParams)) } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.idempotent
        ? {
            headers: z.object({
              "Idempotency-Key": z.optional(z.string().check(z.regex(IDEMPOTENCY_KEY))).check(
                z.meta({
                  description:
                    "Makes retries safe: a retry with the same key and body gets the first answer (24 h); the same " +
                    "key with another body is 422 idempotency-key-reused.",
                }),
              ),
            }),
          }
        : {}),
      ...(route.body
        ? { body: { required: true, content: { "application/json": { schema: route.body } } } }
        : {}),
    },
    responses: responses as never,
  };
}

const tags = {
  citizens: "The holder's own PIN: request, login, first access, change, recovery, revocation, profile",
  services: "Conversion to dispositivo, applications, phone PINs and delegations",
  operators: "Contact center, branches, back office and auditors (Cognito tokens)",
  platform: "Health, keys and this document",
} as const;

function tagOf(route: RouteDefinition): keyof typeof tags {
  if (route.access.kind === "operator") return "operators";
  if (/^\/v1\/(pin-requests|sessions|pin-changes|me|recoveries|revocations)/.test(route.path))
    return "citizens";
  if (route.access.kind === "public") return "platform";
  return "services";
}

/**
 * zod-to-openapi reads a few derived properties of zod's classic API: a string's `format`, `minLength` and
 * `maxLength`, a number's `format`, a record's `keyType` and `valueType`. The service's schemas are zod/mini
 * (shared/platform/zod.ts), which keeps the same facts in their checks and definition: give every schema
 * reachable from `schema` those properties, derived as the classic API derives them.
 */
function dressForGenerator(schema: unknown, seen = new WeakSet<object>()): void {
  if (!schema || typeof schema !== "object" || seen.has(schema)) return;
  seen.add(schema);
  if (Array.isArray(schema)) {
    for (const item of schema) dressForGenerator(item, seen);
    return;
  }
  const internals = (schema as Partial<core.$ZodType>)._zod;
  if (!internals) {
    // A shape: its values are schemas.
    for (const value of Object.values(schema)) dressForGenerator(value, seen);
    return;
  }
  const def = internals.def as unknown as Record<string, unknown> & {
    type: string;
    checks?: core.$ZodCheck[];
  };
  if ((def.type === "string" || def.type === "number") && !("format" in schema)) {
    // The facts the classic API aggregates from the checks (a format schema is its own first check).
    const facts: { format?: string; minLength?: number; maxLength?: number } = {};
    const own = internals.traits.has("$ZodCheck") ? [schema as unknown as core.$ZodCheck] : [];
    for (const check of [...own, ...(def.checks ?? [])]) {
      const rule = check._zod.def as unknown as {
        check: string;
        format?: string;
        minimum?: number;
        maximum?: number;
      };
      if (rule.check === "string_format" || rule.check === "number_format") facts.format ??= rule.format;
      if (rule.check === "min_length") facts.minLength = Math.max(facts.minLength ?? 0, rule.minimum ?? 0);
      if (rule.check === "max_length")
        facts.maxLength = Math.min(facts.maxLength ?? Number.POSITIVE_INFINITY, rule.maximum ?? 0);
    }
    Object.assign(schema, {
      format: facts.format ?? null,
      ...(def.type === "string"
        ? { minLength: facts.minLength ?? null, maxLength: facts.maxLength ?? null }
        : {}),
    });
  }
  if (def.type === "record") Object.assign(schema, { keyType: def.keyType, valueType: def.valueType });
  for (const [key, value] of Object.entries(def)) if (key !== "checks") dressForGenerator(value, seen);
}

/** The file beside the `openapi` function's bundle that holds the document, generated at synthesis. */
export const OPENAPI_DOCUMENT_FILE = "openapi.json";

/**
 * The OpenAPI 3.1 document of every registered route, generated from the same zod schemas the handlers use.
 * Rules JSON Schema cannot state (the check character, agreement with the names) are in descriptions.
 * Without `servers`: the function that serves it names the origin it was asked on.
 */
export function buildOpenApiDocument(): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  // Components by their `id` metadata, as every named schema of the service.
  const problem = problemSchema;
  const gatewayMessage = gatewayMessageSchema;
  for (const [name, scheme] of Object.entries(securitySchemes)) {
    registry.registerComponent("securitySchemes", name, { ...scheme });
  }
  for (const route of routes) {
    const operation = operationOf(route, problem, gatewayMessage);
    dressForGenerator(operation.request);
    dressForGenerator(operation.responses);
    registry.registerPath(operation as never);
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "PIN service",
      version: "1.0.0",
      description:
        "Issues and manages the PIN of people resident abroad without an Italian identity document (INPS PIN " +
        "model). JSON over HTTPS; every error is RFC 9457 application/problem+json with a stable code.",
    },
    tags: Object.entries(tags).map(([name, description]) => ({ name, description })),
  }) as unknown as Record<string, unknown>;
}
