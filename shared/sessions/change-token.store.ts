import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { hashToken } from "../credentials/pin-hash.ts";
import { dynamodb } from "../platform/clients.ts";
import { nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { randomToken } from "../platform/random.ts";

export const CHANGE_TOKEN_TTL_SECONDS = 10 * 60;

export interface ChangeToken {
  codiceFiscale: string;
  credentialId: string;
  reason: "first-access" | "expired";
  expiresAtMs: number;
}

/** Stored under the SHA-256 of the token: the token itself (256 random bits) is never written down. */
export const changeTokenKey = (token: string) => ({ pk: `CHANGE#${hashToken(token)}`, sk: "TOKEN" });

export async function createChangeToken(grant: Omit<ChangeToken, "expiresAtMs">): Promise<string> {
  const token = randomToken();
  const expiresAtMs = nowMs() + CHANGE_TOKEN_TTL_SECONDS * 1000;
  await dynamodb.send(
    new PutCommand({
      TableName: required("TABLE_NAME"),
      Item: {
        ...changeTokenKey(token),
        kind: "change-token",
        ...grant,
        expiresAtMs,
        ttl: Math.ceil(expiresAtMs / 1000),
      },
      ConditionExpression: "attribute_not_exists(pk)",
    }),
  );
  return token;
}

/** The live grant behind a token; expired ones are refused even while TTL has not removed them yet. */
export async function readChangeToken(token: string): Promise<ChangeToken | undefined> {
  const { Item } = await dynamodb.send(
    new GetCommand({ TableName: required("TABLE_NAME"), Key: changeTokenKey(token), ConsistentRead: true }),
  );
  if (!Item || (Item.expiresAtMs as number) <= nowMs()) return undefined;
  return Item as ChangeToken;
}

/** Condition that consumes the token inside a transaction: exactly one of parallel uses can pass it. */
export function consumeChangeToken(token: string) {
  return {
    TableName: required("TABLE_NAME"),
    Key: changeTokenKey(token),
    ConditionExpression: "attribute_exists(pk) AND expiresAtMs > :now",
    ExpressionAttributeValues: { ":now": nowMs() },
  };
}

export { ConditionalCheckFailedException };
