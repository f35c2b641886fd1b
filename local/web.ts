/**
 * The web client on the gateway's origin (docs/local-stack.md, docs/web-client.md): built at start into the local data folder, and served
 * for every path that is not the API's (`/v1/*`, `/.well-known/*`) nor a development route (`/_local/*`), with
 * the same security headers as behind CloudFront. A path that is no page and no file gets the 404 page.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { buildWeb } from "../web/build.ts";
import { assetPrefix, contentSecurityPolicy, notFoundPage, pageFile, pageForPath } from "../web/site.ts";

export interface LocalWeb {
  root: string;
  files: number;
  ms: number;
  /**
   * Every built file, read once: served from memory, because file reads share libuv's small thread pool with
   * the handlers' scrypt, and a burst of logins would otherwise stall every page for seconds.
   */
  contents: Map<string, Buffer>;
}

/** Builds the client with the local pages and the local issuer's `config.json`. */
export function buildLocalWeb(root: string): LocalWeb {
  const started = performance.now();
  const files = buildWeb({ outDir: root, local: true, config: { auth: "local", identity: "local" } });
  const contents = new Map(files.map((file) => [join(root, file), readFileSync(join(root, file))]));
  return { root, files: files.length, ms: Math.round(performance.now() - started), contents };
}

export function isWebPath(url: string): boolean {
  const path = url.split("?")[0] ?? "/";
  return !/^\/(v1|\.well-known|_local)(\/|$)/.test(path);
}

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

function securityHeaders(): Record<string, string> {
  // Uploads go straight from the browser to S3 (s3rver here, another origin).
  const s3 = process.env.AWS_ENDPOINT_URL_S3 ? [new URL(process.env.AWS_ENDPOINT_URL_S3).origin] : [];
  return {
    "content-security-policy": contentSecurityPolicy({ storageOrigins: s3 }),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
    "cache-control": "no-cache",
  };
}

/** The file under `root` a path asks for, or undefined when it is no page and no file of the build. */
function fileFor(root: string, path: string): string | undefined {
  if (path.startsWith(assetPrefix) || path === "/config.json") {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    const file = normalize(join(root, decoded));
    return file.startsWith(root + sep) ? file : undefined;
  }
  const page = pageForPath(path, { local: true });
  return page ? join(root, pageFile(page.path)) : undefined;
}

export function serveWeb(web: LocalWeb, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const headers = securityHeaders();
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { ...headers, allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
    res.end("Method not allowed");
    return;
  }
  let status = 200;
  let file = fileFor(web.root, path);
  let body = file ? web.contents.get(file) : undefined;
  if (!body) {
    status = 404;
    file = join(web.root, pageFile(notFoundPage));
    body = web.contents.get(file) ?? Buffer.from("Not found");
  }
  res.writeHead(status, {
    ...headers,
    "content-type": contentTypes[extname(file!)] ?? "application/octet-stream",
    "content-length": String(body.length),
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
