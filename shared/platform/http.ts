import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import httpCors from "@middy/http-cors";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import httpSecurityHeaders from "@middy/http-security-headers";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import type * as core from "zod/v4/core";
import { config } from "./config.ts";
import { corsPolicy } from "./cors.ts";
import { AppError, ValidationError } from "./errors.ts";
import { toFieldErrors } from "./field-errors.ts";
import { logger } from "./logger.ts";
import { publishMetrics } from "./metrics.ts";
import { webOriginFromParameter } from "./web-origin.ts";
import * as z from "./zod.ts";

// In a module of its own so that a job validating rows (the registry import) does not bundle the HTTP chain.
export { toFieldErrors };

export const MAX_BODY_BYTES = 64 * 1024;

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export interface HttpRequest<Body, Principal = undefined> {
  body: Body;
  /** Who is calling, as the handler's `auth` step established it before the body was read. */
  principal: Principal;
  event: HttpEvent;
  context: Context;
  headers: Record<string, string | undefined>;
  pathParameters: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  requestId: string;
}

/** What a handler returns: JSON by default, or raw bytes (a Buffer) with their content type in `headers`. */
export interface HttpResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type HandlerFn<Body, Principal> = (request: HttpRequest<Body, Principal>) => Promise<HttpResponse>;

interface HttpHandlerOptions<S extends core.$ZodType | undefined, Principal> {
  /**
   * Authenticates the caller before anything else is looked at: a missing or wrong token is a 401 before
   * the body is parsed, so an anonymous caller learns nothing about what a route accepts.
   */
  auth?: (event: HttpEvent) => Promise<Principal>;
  /** zod schema of the JSON body; when given, the body must be JSON, at most 64 KiB, and valid. */
  body?: S;
}

type BodyOf<S> = S extends core.$ZodType ? core.output<S> : undefined;

/**
 * Its defaults "remove" Server and X-Powered-By by setting them to `undefined` (which a proxy may print as the
 * text "undefined") and add an empty Reporting-Endpoints: a Lambda sets neither, and we have no reporting
 * endpoint. A variable, not a literal: the package's typings lack `reportingEndpoints`, which it reads.
 */
const securityHeaderOptions = { poweredBy: false, reportingEndpoints: false };

/**
 * The one middy chain of every HTTP function: the logger's context and the request id on every line → the
 * metrics the invocation counted (flushed when it ends, error or not) → the web origin from its parameter when the deployment has no fixed one → header
 * normalisation → CORS → security headers → problem+json rendering → JSON body parsing
 * and zod validation → the handler. Middy runs `onError` in reverse order, so the problem renderer turns any
 * error into a response before CORS and security headers decorate it.
 * CORS only with a fixed web origin: a deployment on its distribution's domain serves pages and API from that
 * one origin, and a browser sends a same-origin request no preflight.
 */
export function httpHandler<S extends core.$ZodType | undefined = undefined, Principal = undefined>(
  options: HttpHandlerOptions<S, Principal>,
  fn: HandlerFn<BodyOf<S>, Principal>,
) {
  const cfg = config();
  const chain = middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlateLogs())
    .use(publishMetrics())
    .use(webOriginFromParameter())
    .use(httpHeaderNormalizer());
  if (cfg.WEB_ORIGIN !== undefined)
    chain.use(
      httpCors({
        origins: [cfg.WEB_ORIGIN],
        headers: corsPolicy.allowHeaders.join(","),
        methods: corsPolicy.allowMethods.join(","),
        maxAge: corsPolicy.maxAgeSeconds,
      }),
    );
  return chain
    .use(httpSecurityHeaders(securityHeaderOptions))
    .use(problemJson())
    .handler(async (event, context) => {
      const requestId = requestIdOf(event, context);
      const principal = (options.auth ? await options.auth(event) : undefined) as Principal;
      const body = options.body ? parseJsonBody(event, options.body) : undefined;
      const response = await fn({
        body: body as BodyOf<S>,
        principal,
        event,
        context,
        headers: event.headers ?? {},
        pathParameters: event.pathParameters ?? {},
        query: event.queryStringParameters ?? {},
        requestId,
      });
      return toResult(response, requestId);
    });
}

/** API Gateway's id of the request (the `x-request-id` answered), or the invocation's where there is none. */
function requestIdOf(event: HttpEvent, context: Context): string {
  return event.requestContext?.requestId ?? context.awsRequestId;
}

/** Every log line of the request, from the first middleware's on, carries its id as the correlation id. */
function correlateLogs(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return { before: (request) => logger.setCorrelationId(requestIdOf(request.event, request.context)) };
}

function toResult(response: HttpResponse, requestId: string): HttpResult {
  if (Buffer.isBuffer(response.body)) {
    return {
      statusCode: response.statusCode,
      headers: { "cache-control": "no-store", "x-request-id": requestId, ...response.headers },
      body: response.body.toString("base64"),
      isBase64Encoded: true,
    };
  }
  return {
    statusCode: response.statusCode,
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      "x-request-id": requestId,
      ...response.headers,
    },
    body: response.body === undefined ? "" : JSON.stringify(response.body),
  };
}

/** Reads, limits, parses and validates a JSON body; every failure is a 4xx AppError. */
export function parseJsonBody<S extends core.$ZodType>(event: HttpEvent, schema: S): core.output<S> {
  const contentType = (event.headers?.["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (contentType !== "application/json" && !/^application\/[a-z0-9.+-]+\+json$/.test(contentType)) {
    throw new AppError(
      415,
      "unsupported-media-type",
      "Unsupported media type",
      "Send the body as application/json.",
    );
  }
  const raw = event.body ?? "";
  const bytes = event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8");
  if (bytes.byteLength > MAX_BODY_BYTES) {
    throw new AppError(
      413,
      "payload-too-large",
      "Payload too large",
      `The body may be at most ${MAX_BODY_BYTES} bytes.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new AppError(400, "malformed-json", "Malformed JSON", "The body is not valid JSON.");
  }
  const result = z.safeParse(schema, json);
  if (!result.success) throw new ValidationError(toFieldErrors(result.error));
  return result.data;
}

/** Renders any error as RFC 9457 problem+json; unexpected ones become a bare 500 with no detail. */
function problemJson(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      const requestId = requestIdOf(request.event, request.context);
      const problem =
        error instanceof AppError
          ? error
          : new AppError(500, "internal-error", "Internal error", "Something went wrong on our side.", {
              expose: false,
            });
      if (problem.statusCode >= 500) {
        logger.error("request failed", { code: problem.code, error: describeError(error) });
      } else {
        logger.info("request refused", { code: problem.code, status: problem.statusCode });
      }
      request.response = {
        statusCode: problem.statusCode,
        headers: {
          "content-type": "application/problem+json",
          "cache-control": "no-store",
          "x-request-id": requestId,
          ...problem.options.headers,
        },
        body: JSON.stringify({
          type: "about:blank",
          code: problem.code,
          title: problem.title,
          status: problem.statusCode,
          detail: problem.expose ? problem.message : "Something went wrong on our side.",
          instance: request.event.rawPath,
          ...(problem.options.errors ? { errors: problem.options.errors } : {}),
          ...problem.options.extra,
        }),
      };
    },
  };
}

/** The error's name and stack frames; its message may quote input, so only our own errors keep it. */
function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof AppError) return { name: error.name, message: error.message };
  if (error instanceof Error)
    return { name: error.name, stack: error.stack?.split("\n").slice(1, 6).join("\n") };
  return { name: typeof error };
}

/**
 * The caller's address as API Gateway saw it (behind CloudFront, the edge's view of the viewer is what the
 * WAF rate rules use; this is the per-source budget's subject). Used only as a budget key, never logged.
 */
export function sourceOf(request: Pick<HttpRequest<unknown>, "event">): { ip: string } {
  return { ip: request.event.requestContext?.http?.sourceIp ?? "unknown" };
}

/** A JSON response. */
export function json(statusCode: number, body: unknown, headers?: Record<string, string>): HttpResponse {
  return { statusCode, body, headers };
}
