import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { required } from "#shared/platform/config";
import { preflightHeaders, responseCorsHeaders } from "#shared/platform/cors";
import { fallbackFunction, findRoute } from "#shared/routes";
import { type DevContext, handleDevRoute } from "./dev-routes.ts";
import { fromHttpApiResult, type HttpReply, toHttpApiEvent } from "./events.ts";
import { invoke } from "./functions.ts";
import { isWebPath, type LocalWeb, serveWeb } from "./web.ts";

/** API Gateway HTTP API refuses payloads over 10 MB before any function runs. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

function problem(status: number, code: string, detail: string): HttpReply {
  return {
    statusCode: status,
    headers: { "content-type": "application/problem+json" },
    cookies: [],
    body: Buffer.from(JSON.stringify({ type: "about:blank", code, title: code, status, detail })),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Routes a request as API Gateway would: a route of the shared table invokes its function with a payload 2.0
 * event; anything else goes to the `$default` function. `/_local/*` is served by the gateway itself.
 */
export async function dispatch(dev: DevContext, req: IncomingMessage, body: Buffer): Promise<HttpReply> {
  const url = req.url ?? "/";
  const path = url.split("?")[0] ?? "/";
  const method = (req.method ?? "GET").toUpperCase();
  if (path.startsWith("/_local/")) {
    const reply = await handleDevRoute(dev, method, path, body, req.headers["content-type"]);
    return {
      statusCode: reply.status,
      headers: { "content-type": "application/json", ...reply.headers },
      cookies: [],
      body: reply.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(reply.body)),
    };
  }
  // API Gateway answers every preflight itself, from the API's CORS configuration; no function runs.
  const origin = req.headers.origin;
  const allowedOrigins = [required("WEB_ORIGIN")];
  if (method === "OPTIONS") {
    return {
      statusCode: 204,
      headers: preflightHeaders(origin, allowedOrigins),
      cookies: [],
      body: Buffer.alloc(0),
    };
  }
  const match = findRoute(method, path);
  const route = match.route
    ? {
        functionName: match.route.functionName,
        routeKey: `${match.route.method} ${match.route.path}`,
        pathParameters: match.pathParameters,
      }
    : { functionName: fallbackFunction, routeKey: "$default", pathParameters: undefined };
  const event = toHttpApiEvent(
    {
      method,
      url,
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1",
      host: req.headers.host ?? "localhost",
    },
    route,
  );
  try {
    const reply = fromHttpApiResult((await invoke(route.functionName, event)) as never);
    // With CORS configured, API Gateway ignores the integration's CORS headers and sets its own.
    for (const name of Object.keys(reply.headers)) {
      if (name.startsWith("access-control-")) delete reply.headers[name];
    }
    Object.assign(reply.headers, responseCorsHeaders(origin, allowedOrigins));
    return reply;
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "ERROR",
        message: "handler threw",
        function: route.functionName,
        error: (error as Error).name,
      }),
    );
    return problem(502, "bad-gateway", "The function failed.");
  }
}

export async function startGateway(port: number, dev: DevContext, web?: LocalWeb): Promise<Server> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    // Pages and assets of the web client: every path but the API's and the development routes.
    if (web && isWebPath(req.url ?? "/")) {
      serveWeb(web, req, res);
      return;
    }
    const started = performance.now();
    let reply: HttpReply;
    try {
      const body = await readBody(req);
      reply =
        body === undefined
          ? problem(413, "payload-too-large", "Request too large.")
          : await dispatch(dev, req, body);
    } catch (error) {
      console.error(
        JSON.stringify({ level: "ERROR", message: "request failed", error: (error as Error).name }),
      );
      reply = problem(502, "bad-gateway", "The request could not be completed.");
    }
    for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
    if (reply.cookies.length) res.setHeader("set-cookie", reply.cookies);
    res.statusCode = reply.statusCode;
    res.end(reply.body);
    if (!req.url?.startsWith("/_local/")) {
      console.log(
        JSON.stringify({
          level: "INFO",
          message: "request",
          service: "local-gateway",
          method: req.method,
          // The route template, as API Gateway's access log has it: a raw path may carry a codice fiscale.
          route: routeKeyOf(req.method ?? "GET", req.url?.split("?")[0] ?? "/"),
          status: reply.statusCode,
          ms: Math.round(performance.now() - started),
        }),
      );
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return server;
}

/** `POST /v1/x/{id}`-style route key of a request, or `$default`: what the access log may show. */
function routeKeyOf(method: string, path: string): string {
  const match = findRoute(method, path);
  return match.route ? `${match.route.method} ${match.route.path}` : "$default";
}
