import { Logger } from "@aws-lambda-powertools/logger";

/**
 * Keys whose values are secrets or personal contacts: whatever object they sit in, the logger writes
 * `[REDACTED]` instead. Matching is on the normalised key (lower case, no `-`/`_`).
 */
const secretKeys = new Set(
  [
    "pin",
    "currentPin",
    "newPin",
    "initialPin",
    "partA",
    "partB",
    "phonePin",
    "otp",
    "token",
    "accessToken",
    "changeToken",
    "idToken",
    "refreshToken",
    "authorization",
    "cookie",
    "password",
    "secret",
    "mobile",
    "email",
    "pec",
    "to",
    "phoneNumber",
    "body",
    "text",
    "html",
    "envelope",
    "healthCard",
    "ciphertext",
    "hash",
  ].map(normaliseKey),
);

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, "");
}

export function isSecretKey(key: string): boolean {
  return secretKeys.has(normaliseKey(key));
}

/** JSON replacer used by the logger for every record. */
export function redactSecrets(key: string, value: unknown): unknown {
  if (key !== "" && isSecretKey(key) && value !== undefined && value !== null) return "[REDACTED]";
  return value;
}

export const logger = new Logger({
  serviceName: "pin-service",
  logLevel: (process.env.LOG_LEVEL ?? "INFO") as "INFO",
  jsonReplacerFn: redactSecrets,
});

/**
 * The id of the request being served. The HTTP chain sets it as the logger's correlation id, so every line of
 * the request carries it (`correlation_id`); a notice takes it along to the notifier's lines. Cleared with the
 * logger's other keys when the next invocation starts.
 */
export function currentRequestId(): string | undefined {
  const id = logger.getCorrelationId();
  return typeof id === "string" ? id : undefined;
}
