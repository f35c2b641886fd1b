import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { hashToken } from "../credentials/pin-hash.ts";
import { nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
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
  const { put, url } = newLink(grant);
  await dynamodb.send(new PutCommand(put));
  return url;
}

/** A new link: the Put that stores its grant (for a transaction, or `createLink`) and its URL. */
export function newLink(grant: Omit<LinkGrant, "expiresAtMs">) {
  const token = randomToken();
  const expiresAtMs = nowMs() + LINK_TTL_MS;
  return {
    put: {
      TableName: required("TABLE_NAME"),
      Item: { ...linkKey(token), kind: "link", ...grant, expiresAtMs, ttl: Math.ceil(expiresAtMs / 1000) },
      ConditionExpression: "attribute_not_exists(pk)",
    },
    url: `${required("WEB_ORIGIN")}/${grant.purpose}/confirm?token=${encodeURIComponent(token)}`,
  };
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

/** How long a confirmation holds its link while it sends: far past a function's timeout, so only a dead one loses it. */
export const CONFIRMATION_LEASE_MS = 60_000;
/** Confirmations a link allows that could not send what they had to (each may have sent a message). */
export const MAX_CONFIRMATION_ATTEMPTS = 5;

/**
 * Takes the link for one confirmation (`claim`) until it is consumed or released: of parallel confirmations
 * exactly one gets it, and a confirmation that died lets it go when its lease runs out. A link whose
 * confirmations kept failing is spent after `MAX_CONFIRMATION_ATTEMPTS`. False when it cannot be had.
 */
export async function claimLink(token: string, claim: string): Promise<boolean> {
  const at = nowMs();
  try {
    await dynamodb.send(
      new UpdateCommand({
        TableName: required("TABLE_NAME"),
        Key: linkKey(token),
        UpdateExpression:
          "SET confirmation = :claim, confirmationUntil = :until, attempts = if_not_exists(attempts, :zero) + :one",
        ConditionExpression:
          "attribute_exists(pk) AND expiresAtMs > :now AND (attribute_not_exists(confirmationUntil) OR confirmationUntil < :now) AND (attribute_not_exists(attempts) OR attempts < :max)",
        ExpressionAttributeValues: {
          ":claim": claim,
          ":until": at + CONFIRMATION_LEASE_MS,
          ":now": at,
          ":zero": 0,
          ":one": 1,
          ":max": MAX_CONFIRMATION_ATTEMPTS,
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Lets the link go after a confirmation that changed nothing, so the holder can use it again at once. */
export async function releaseLink(token: string, claim: string): Promise<void> {
  try {
    await dynamodb.send(
      new UpdateCommand({
        TableName: required("TABLE_NAME"),
        Key: linkKey(token),
        UpdateExpression: "REMOVE confirmation, confirmationUntil",
        ConditionExpression: "confirmation = :claim",
        ExpressionAttributeValues: { ":claim": claim },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/** Transaction item that consumes a link this confirmation holds. */
export function consumeClaimedLink(token: string, claim: string) {
  return {
    TableName: required("TABLE_NAME"),
    Key: linkKey(token),
    ConditionExpression: "confirmation = :claim",
    ExpressionAttributeValues: { ":claim": claim },
  };
}
