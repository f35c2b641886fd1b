import type middy from "@middy/core";
import { ConfigError, config, resetConfig } from "./config.ts";

/**
 * A deployment without a `webOrigin` of its own answers on its CloudFront distribution's domain, which exists
 * only once the edge stack is deployed, after the functions (the distribution points at their API). The edge
 * stack writes `https://<distribution domain>` to an SSM parameter; a function given `WEB_ORIGIN_PARAMETER`
 * instead of `WEB_ORIGIN` reads it on its first invocation through the AWS Parameters and Secrets Lambda
 * extension (a layer answering on localhost, so no SSM client in the bundle), and from then on `WEB_ORIGIN`
 * is set like anywhere else. Not at module load: the extension serves requests once the function's init is over.
 */

let resolving: Promise<void> | undefined;

/** The extension's answer to `GET /systemsmanager/parameters/get` is GetParameter's own response. */
interface GetParameterAnswer {
  Parameter?: { Value?: unknown };
}

async function readParameter(name: string): Promise<string> {
  const port = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? "2773";
  const response = await fetch(
    `http://localhost:${port}/systemsmanager/parameters/get?name=${encodeURIComponent(name)}`,
    // The extension accepts callers of this execution environment only: they hold its session token.
    { headers: { "X-Aws-Parameters-Secrets-Token": process.env.AWS_SESSION_TOKEN ?? "" } },
  );
  if (!response.ok)
    throw new ConfigError(`Cannot read the web origin from parameter ${name}: HTTP ${response.status}`);
  const value = ((await response.json()) as GetParameterAnswer).Parameter?.Value;
  if (typeof value !== "string" || !URL.canParse(value) || new URL(value).origin !== value)
    throw new ConfigError(`Parameter ${name} does not hold an origin (https://host)`);
  return value;
}

/** Sets `WEB_ORIGIN` from its parameter when the function was given one; once per execution environment. */
export async function resolveWebOrigin(): Promise<void> {
  const { WEB_ORIGIN, WEB_ORIGIN_PARAMETER } = config();
  if (WEB_ORIGIN !== undefined || WEB_ORIGIN_PARAMETER === undefined) return;
  resolving ??= readParameter(WEB_ORIGIN_PARAMETER)
    .then((origin) => {
      process.env.WEB_ORIGIN = origin;
      resetConfig();
    })
    // Once set, WEB_ORIGIN answers every later call; after a failure, the next invocation tries again.
    .finally(() => {
      resolving = undefined;
    });
  await resolving;
}

/** The middleware form, first in the HTTP chain: nothing after it reads `WEB_ORIGIN` before it is set. */
export function webOriginFromParameter(): middy.MiddlewareObj {
  return { before: resolveWebOrigin };
}
