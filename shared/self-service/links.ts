import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
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
