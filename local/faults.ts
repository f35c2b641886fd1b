import { randomUUID } from "node:crypto";
import {
  Agent,
  createServer,
  request as forward,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";

/**
 * Faults on demand (`POST /_local/faults`, docs/local-stack.md): a small proxy in front of each emulator answers the next
 * matching calls the way the real service fails, so the AWS SDK sees real failures (and retries them as it
 * would in AWS: its three attempts each count as a call). Every other call passes through untouched.
 */
export const faultServices = ["sns", "ses", "s3", "dynamodb"] as const;
export type FaultService = (typeof faultServices)[number];
export const faultModes = ["error", "throttle", "timeout"] as const;
export type FaultMode = (typeof faultModes)[number];

export interface FaultRule {
  service: FaultService;
  /**
   * The calls to fail; every call of the service when absent. A pattern where `*` stands for any characters,
   * matched against the API action: DynamoDB's `X-Amz-Target` (`DynamoDB_20120810.TransactWriteItems`, or just
   * `TransactWriteItems`), SNS's `Action` (`Publish`), SES v2's method and path
   * (`POST /v2/email/outbound-emails`) and S3's method and path (`PUT /pin-letters/batches/*.pdf`).
   */
  operation?: string;
  mode: FaultMode;
  /** How many matching calls still fail. */
  count: number;
}

/** A held call (`timeout`) is let go after this, in case the client never gives up on it. */
const HOLD_LIMIT_MS = 60_000;

/** The armed faults, shared by the proxies; the first rule that matches a call takes it. */
export class FaultPlan {
  private rules: FaultRule[] = [];

  arm(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  /** What is still armed. */
  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** The fault of this call, if one is armed for it: takes one from the first matching rule. */
  take(service: FaultService, operation: string): FaultMode | undefined {
    const rule = this.rules.find((r) => r.service === service && matches(service, r.operation, operation));
    if (!rule) return undefined;
    rule.count--;
    if (rule.count <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.mode;
  }
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`);
}
const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

function matches(service: FaultService, pattern: string | undefined, operation: string): boolean {
  if (pattern === undefined) return true;
  const candidates = [operation];
  // DynamoDB_20120810.TransactWriteItems is also TransactWriteItems; SNS's Publish is also Action=Publish.
  if (service === "dynamodb") candidates.push(operation.slice(operation.indexOf(".") + 1));
  if (service === "sns") candidates.push(`Action=${operation}`);
  const expression = glob(pattern);
  return candidates.some((candidate) => expression.test(candidate));
}

/** The API action of a call, as `operation` patterns name it. */
export function operationOf(service: FaultService, req: IncomingMessage, body?: Buffer): string {
  if (service === "dynamodb") return String(req.headers["x-amz-target"] ?? "");
  if (service === "sns") return new URLSearchParams(body?.toString("utf8") ?? "").get("Action") ?? "";
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // not percent-encoded as expected: match the raw path
  }
  return `${req.method} ${decoded}`;
}

interface FaultAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** How each service answers an internal error or throttling, in its own protocol. */
export function faultAnswer(service: FaultService, mode: Exclude<FaultMode, "timeout">): FaultAnswer {
  const requestId = randomUUID();
  switch (service) {
    case "dynamodb": {
      const [status, type, message] =
        mode === "error"
          ? [500, "InternalServerError", "Internal server error (injected)"]
          : [
              400,
              "ProvisionedThroughputExceededException",
              "The level of configured provisioned throughput for the table was exceeded (injected)",
            ];
      return {
        status,
        headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": requestId },
        body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }),
      };
    }
    case "sns": {
      const [status, type, code, message] =
        mode === "error"
          ? [500, "Receiver", "InternalError", "Internal error (injected)"]
          : [400, "Sender", "Throttling", "Rate exceeded (injected)"];
      return {
        status,
        headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
        body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
    case "ses": {
      const [status, type, message] =
        mode === "error"
          ? [500, "InternalFailure", "Internal failure (injected)"]
          : [429, "TooManyRequestsException", "Maximum sending rate exceeded (injected)"];
      return {
        status,
        headers: {
          "content-type": "application/json",
          "x-amzn-errortype": type,
          "x-amzn-requestid": requestId,
        },
        body: JSON.stringify({ message }),
      };
    }
    case "s3": {
      const [status, code, message] =
        mode === "error"
          ? [500, "InternalError", "We encountered an internal error. Please try again. (injected)"]
          : [503, "SlowDown", "Please reduce your request rate. (injected)"];
      return {
        status,
        headers: { "content-type": "application/xml", "x-amz-request-id": requestId },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
      };
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * A pass-through proxy in front of one emulator (`target`, an `http://host:port` origin) that fails the calls
 * `plan` names: `error` and `throttle` with the service's own error answer, `timeout` by never answering (the
 * call never reaches the emulator, so nothing is done twice when the SDK retries it).
 */
export async function startFaultProxy(service: FaultService, target: string, plan: FaultPlan, port: number) {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const held = new Set<ServerResponse>();

  const server = createServer(async (req, res) => {
    // Only SNS names its action in the body; everything else is piped without being read.
    const body = service === "sns" ? await readBody(req).catch(() => undefined) : undefined;
    const mode = plan.take(service, operationOf(service, req, body));
    if (mode === "timeout") {
      req.resume();
      held.add(res);
      const release = setTimeout(() => res.destroy(), HOLD_LIMIT_MS);
      res.on("close", () => {
        clearTimeout(release);
        held.delete(res);
      });
      return;
    }
    if (mode) {
      const answer = faultAnswer(service, mode);
      const reply = () => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      };
      if (body || req.readableEnded) reply();
      else {
        // The request is read to its end first, as the service would: answering mid-upload breaks the pipe.
        req.on("end", reply);
        req.resume();
      }
      return;
    }
    const call = forward(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    call.on("error", () => {
      if (res.headersSent) res.destroy();
      else {
        res.statusCode = 502;
        res.end();
      }
    });
    if (body) call.end(body);
    else req.pipe(call);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
