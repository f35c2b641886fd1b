import { mkdirSync } from "node:fs";
import { createServer, request as forward, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import S3rver from "s3rver";
import { LOCAL_CREDENTIALS } from "./dynamodb.ts";
import { checkPostPolicy } from "./s3-post-policy.ts";

/** Largest browser upload the front accepts before it even reads the policy (S3's own cap is 5 GB). */
const MAX_POST_BYTES = 64 * 1024 * 1024;

export interface S3Notification {
  Records: Array<{
    eventName: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number } };
  }>;
}

export interface LocalS3Options {
  /** Origins allowed to upload from a browser (the web client's). */
  corsOrigins?: string[];
  /** Called for every object created, as S3 event notifications would. */
  onObjectCreated?: (event: S3Notification) => void;
}

function corsConfig(origins: string[]): string {
  const rules = origins
    .map(
      (origin) =>
        `<CORSRule><AllowedOrigin>${origin}</AllowedOrigin><AllowedMethod>POST</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>`,
    )
    .join("");
  return `<CORSConfiguration>${rules}</CORSConfiguration>`;
}

/**
 * s3rver with the service's buckets, data kept in `directory`, behind a small front that checks browser
 * uploads (POST Object) the way S3 does: s3rver itself ignores POST policies, so without the front a
 * presigned POST's size and key limits would hold in AWS and not here.
 */
export async function startS3(
  port: number,
  directory: string,
  buckets: string[],
  options: LocalS3Options = {},
) {
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    directory,
    silent: true,
    configureBuckets: buckets.map((name) => ({
      name,
      configs: options.corsOrigins?.length ? [corsConfig(options.corsOrigins)] : [],
    })),
  });
  const backend = (await server.run()) as AddressInfo;
  if (options.onObjectCreated) {
    server.on("event", (event: S3Notification) => {
      if (event.Records[0]?.eventName.startsWith("ObjectCreated")) options.onObjectCreated?.(event);
    });
  }

  const front = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const bucket = path.split("/")[1] ?? "";
    const isBrowserUpload =
      req.method === "POST" &&
      buckets.includes(bucket) &&
      path.replace(/\/$/, "") === `/${bucket}` &&
      (req.headers["content-type"] ?? "").startsWith("multipart/form-data");
    if (!isBrowserUpload) return pipe(req, res, backend.port);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_POST_BYTES)
        return reply(res, 400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    const failure = await checkPostPolicy(
      req.headers["content-type"]!,
      body,
      bucket,
      LOCAL_CREDENTIALS.secretAccessKey,
    ).catch(() => ({
      status: 400,
      code: "MalformedPOSTRequest",
      message: "The body of your POST request is not well-formed multipart/form-data.",
    }));
    if (failure) return reply(res, failure.status, failure.code, failure.message, req.headers.origin);
    pipe(req, res, backend.port, body);
  });
  await new Promise<void>((resolve) => front.listen(port, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await server.close();
    },
  };
}

function reply(
  res: import("node:http").ServerResponse,
  status: number,
  code: string,
  message: string,
  origin?: string,
) {
  res.statusCode = status;
  res.setHeader("content-type", "application/xml");
  if (origin) res.setHeader("access-control-allow-origin", origin);
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  );
}

/** Passes a request through to s3rver unchanged (the already-read body when there is one). */
function pipe(req: IncomingMessage, res: import("node:http").ServerResponse, port: number, body?: Buffer) {
  const upstream = forward(
    { host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => {
    res.statusCode = 502;
    res.end();
  });
  if (body) upstream.end(body);
  else req.pipe(upstream);
}
