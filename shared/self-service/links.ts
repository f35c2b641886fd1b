import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { hashToken } from "../credentials/pin-hash.ts";
import { dynamodb } from "../platform/clients.ts";
import { nowMs } from "../platform/clock.ts";
import { config, required } from "../platform/config.ts";
import { randomToken } from "../platform/random.ts";

export const LINK_TTL_MS = 24 * 60 * 60_000;
export type LinkPurpose = "recovery" | "revocation";

export interface LinkGrant {
  purpose: LinkPurpose;
  codiceFiscale: string;
  credentialId: string;
  expiresAtMs: number;
}

/** Stored under the token's SHA-256: the token itself only ever exists in the message that carries it. */
const linkKey = (token: string) => ({ pk: `LINK#${hashToken(token)}`, sk: "TOKEN" });

/** A 24-hour single-use link to the web client, carrying its token as the `token` query parameter. */
export async function createLink(grant: Omit<LinkGrant, "expiresAtMs">): Promise<string> {
  const token = randomToken();
  const expiresAtMs = nowMs() + LINK_TTL_MS;
  await dynamodb.send(
    new PutCommand({
      TableName: required("TABLE_NAME"),
      Item: { ...linkKey(token), kind: "link", ...grant, expiresAtMs, ttl: Math.ceil(expiresAtMs / 1000) },
      ConditionExpression: "attribute_not_exists(pk)",
    }),
  );
  return `${config().WEB_ORIGIN}/${grant.purpose}/confirm?token=${encodeURIComponent(token)}`;
}

/** The live grant of a token for `purpose`; expired ones are refused even before TTL removes them. */
export async function readLink(token: string, purpose: LinkPurpose): Promise<LinkGrant | undefined> {
  const { Item } = await dynamodb.send(
    new GetCommand({ TableName: required("TABLE_NAME"), Key: linkKey(token), ConsistentRead: true }),
  );
  if (!Item || Item.purpose !== purpose || (Item.expiresAtMs as number) <= nowMs()) return undefined;
  return Item as LinkGrant;
}

/** Transaction item that consumes the link: of parallel confirmations exactly one passes it. */
export function consumeLink(token: string) {
  return {
    TableName: required("TABLE_NAME"),
    Key: linkKey(token),
    ConditionExpression: "attribute_exists(pk) AND expiresAtMs > :now",
    ExpressionAttributeValues: { ":now": nowMs() },
  };
}

/** Per-holder request budget (e.g. 3 an hour), counted in the current hour's bucket. */
export async function withinRequestLimit(
  purpose: LinkPurpose,
  codiceFiscale: string,
  perHour = 3,
): Promise<boolean> {
  const hour = Math.floor(nowMs() / 3_600_000);
  try {
    await dynamodb.send(
      new UpdateCommand({
        TableName: required("TABLE_NAME"),
        Key: { pk: `RATE#${purpose}#${codiceFiscale}`, sk: `HOUR#${hour}` },
        UpdateExpression: "ADD #count :one SET #ttl = :ttl",
        ConditionExpression: "attribute_not_exists(#count) OR #count < :limit",
        ExpressionAttributeNames: { "#count": "count", "#ttl": "ttl" },
        ExpressionAttributeValues: { ":one": 1, ":limit": perHour, ":ttl": (hour + 2) * 3600 },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Runs `work` and answers no sooner than `floorMs` after starting, so the time of an answer does not tell
 * whether anything matched (the work itself may be short-circuited for unknown holders).
 */
export async function answerAfter<T>(floorMs: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const left = floorMs - (performance.now() - started);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
  return result;
}
