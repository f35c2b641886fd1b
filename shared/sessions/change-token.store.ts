import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { hashToken } from "../credentials/pin-hash.ts";
import { nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import { randomToken } from "../platform/random.ts";

export const CHANGE_TOKEN_TTL_SECONDS = 10 * 60;

export interface ChangeToken {
  codiceFiscale: string;
  credentialId: string;
  reason: "first-access" | "expired";
  /**
   * SHA-256 of the PIN hash the login checked (the initial PIN's for first access, the expired PIN's for
   * renewal). The token changes only that PIN: once any PIN change, recovery or revocation replaced it, the
   * token is dead, while failed or successful logins in between leave it alone.
   */
  pinFingerprint: string;
  expiresAtMs: number;
}

/** What a change token stores of a PIN hash: enough to tell it changed, nothing to attack it with. */
export const pinFingerprint = (pinHash: string) => hashToken(pinHash);

/** The PIN hash a grant of `reason` changes, while the credential is in the state that grant is for. */
export function boundPinHash(
  credential: { status: string; initialPinHash?: string; pinHash?: string },
  reason: ChangeToken["reason"],
): { attribute: "initialPinHash" | "pinHash"; hash: string } | undefined {
  if (reason === "first-access") {
    return credential.status === "pending-first-access" && credential.initialPinHash
      ? { attribute: "initialPinHash", hash: credential.initialPinHash }
      : undefined;
  }
  return credential.status === "active" && credential.pinHash
    ? { attribute: "pinHash", hash: credential.pinHash }
    : undefined;
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
  // Grants minted before `pinFingerprint` existed cannot be bound to a PIN: refused (they live 10 minutes).
  if (!Item || (Item.expiresAtMs as number) <= nowMs() || typeof Item.pinFingerprint !== "string") {
    return undefined;
  }
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
