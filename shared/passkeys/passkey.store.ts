import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { hashToken } from "../credentials/pin-hash.ts";
import { nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import { conditionally, type TransactItem } from "../platform/transact.ts";

/**
 * A holder's passkeys (F19) live in the holder's partition (`CF#<cf>`, sk `PASSKEY#<id>`), next to one small
 * item (`PASSKEYS`) with the holder's random user handle and the count the limit of 5 is taken from. A login
 * finds a passkey by its WebAuthn credential id through a lookup item keyed by that id's SHA-256. Challenges
 * are items of their own, removed by TTL and, before that, by the one conditional delete that uses them.
 */
export interface StoredPasskey {
  id: string;
  codiceFiscale: string;
  /** The WebAuthn credential id (base64url), as the authenticator returns it. */
  webauthnId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports?: string[];
  name: string;
  createdAt: string;
  lastUsedAt?: string;
  backedUp: boolean;
  /** Set when a signature counter went backwards (a cloned authenticator?): the passkey is refused from then on. */
  suspect?: boolean;
  /** The `createdAt` of the credential it was added to: a credential issued anew (after a revocation) never honours it. */
  boundTo: string;
}

export interface PasskeyHolder {
  userHandle: string;
  count: number;
}

export type ChallengePurpose = "registration" | "authentication";

export interface StoredChallenge {
  challengeId: string;
  purpose: ChallengePurpose;
  /** base64url, as in the options the browser got. */
  challenge: string;
  /** Registration only: whose ceremony it is. */
  codiceFiscale?: string;
  expiresAtMs: number;
}

const holderKey = (codiceFiscale: string) => ({ pk: `CF#${codiceFiscale}`, sk: "PASSKEYS" });
const passkeyKey = (codiceFiscale: string, id: string) => ({
  pk: `CF#${codiceFiscale}`,
  sk: `PASSKEY#${id}`,
});
const lookupKey = (webauthnId: string) => ({ pk: `PASSKEY-ID#${hashToken(webauthnId)}`, sk: "PASSKEY" });
const challengeKey = (challengeId: string) => ({ pk: `PASSKEY-CHALLENGE#${challengeId}`, sk: "CHALLENGE" });

export async function putChallenge(challenge: StoredChallenge): Promise<void> {
  await dynamodb.send(
    new PutCommand({
      TableName: required("TABLE_NAME"),
      Item: {
        ...challengeKey(challenge.challengeId),
        kind: "passkey-challenge",
        ...challenge,
        ttl: Math.ceil(challenge.expiresAtMs / 1000),
      },
      ConditionExpression: "attribute_not_exists(pk)",
    }),
  );
}

/**
 * Takes a live challenge for `purpose` and deletes it in the same conditional write: of parallel requests
 * carrying one challenge, exactly one gets it. An expired one (TTL lags) is not given out.
 */
export async function takeChallenge(
  challengeId: string,
  purpose: ChallengePurpose,
): Promise<StoredChallenge | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(challengeId)) return undefined;
  try {
    const { Attributes } = await dynamodb.send(
      new DeleteCommand({
        TableName: required("TABLE_NAME"),
        Key: challengeKey(challengeId),
        ConditionExpression: "attribute_exists(pk) AND purpose = :purpose AND expiresAtMs > :now",
        ExpressionAttributeValues: { ":purpose": purpose, ":now": nowMs() },
        ReturnValues: "ALL_OLD",
      }),
    );
    return { ...(Attributes as StoredChallenge), challengeId };
  } catch (error) {
    if ((error as Error).name === "ConditionalCheckFailedException") return undefined;
    throw error;
  }
}

/** The holder's user handle and passkey count, the handle drawn (`newHandle`) the first time it is needed. */
export async function passkeyHolder(codiceFiscale: string, newHandle: string): Promise<PasskeyHolder> {
  const { Attributes } = await dynamodb.send(
    new UpdateCommand({
      TableName: required("TABLE_NAME"),
      Key: holderKey(codiceFiscale),
      UpdateExpression:
        "SET kind = :kind, userHandle = if_not_exists(userHandle, :handle), #count = if_not_exists(#count, :zero)",
      ExpressionAttributeNames: { "#count": "count" },
      ExpressionAttributeValues: { ":kind": "passkey-holder", ":handle": newHandle, ":zero": 0 },
      ReturnValues: "ALL_NEW",
    }),
  );
  return Attributes as PasskeyHolder;
}

export async function readPasskeyHolder(codiceFiscale: string): Promise<PasskeyHolder | undefined> {
  const { Item } = await dynamodb.send(
    new GetCommand({
      TableName: required("TABLE_NAME"),
      Key: holderKey(codiceFiscale),
      ConsistentRead: true,
    }),
  );
  return Item as PasskeyHolder | undefined;
}

export async function passkeysOf(codiceFiscale: string): Promise<StoredPasskey[]> {
  const { Items = [] } = await dynamodb.send(
    new QueryCommand({
      TableName: required("TABLE_NAME"),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": `CF#${codiceFiscale}`, ":prefix": "PASSKEY#" },
      ConsistentRead: true,
    }),
  );
  return Items as StoredPasskey[];
}

export async function getPasskey(codiceFiscale: string, id: string): Promise<StoredPasskey | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const { Item } = await dynamodb.send(
    new GetCommand({
      TableName: required("TABLE_NAME"),
      Key: passkeyKey(codiceFiscale, id),
      ConsistentRead: true,
    }),
  );
  return Item as StoredPasskey | undefined;
}

/** The passkey a login presents, found by its WebAuthn credential id. */
export async function passkeyByWebauthnId(webauthnId: string): Promise<StoredPasskey | undefined> {
  const TableName = required("TABLE_NAME");
  const { Item } = await dynamodb.send(
    new GetCommand({ TableName, Key: lookupKey(webauthnId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const stored = await getPasskey(Item.codiceFiscale as string, Item.passkeyId as string);
  return stored?.webauthnId === webauthnId ? stored : undefined;
}

/**
 * The writes that add a passkey: the passkey (0), its lookup (1, a credential id registered twice is refused),
 * one more in the holder's count on condition it is below `limit` (2, exact under parallel registrations).
 */
export function passkeyAdditions(stored: StoredPasskey, limit: number): TransactItem[] {
  const TableName = required("TABLE_NAME");
  return [
    {
      Put: {
        TableName,
        Item: { ...passkeyKey(stored.codiceFiscale, stored.id), kind: "passkey", ...stored },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
    {
      Put: {
        TableName,
        Item: {
          ...lookupKey(stored.webauthnId),
          kind: "passkey-lookup",
          codiceFiscale: stored.codiceFiscale,
          passkeyId: stored.id,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
    {
      Update: {
        TableName,
        Key: holderKey(stored.codiceFiscale),
        UpdateExpression: "ADD #count :one",
        ConditionExpression: "attribute_exists(pk) AND #count < :limit",
        ExpressionAttributeNames: { "#count": "count" },
        ExpressionAttributeValues: { ":one": 1, ":limit": limit },
      },
    },
  ];
}

/** The writes that remove one passkey: the passkey (0, on condition it is there), its lookup, one less in the count. */
export function passkeyRemoval(
  stored: Pick<StoredPasskey, "codiceFiscale" | "id" | "webauthnId">,
): TransactItem[] {
  const TableName = required("TABLE_NAME");
  return [
    {
      Delete: {
        TableName,
        Key: passkeyKey(stored.codiceFiscale, stored.id),
        ConditionExpression: "attribute_exists(pk)",
      },
    },
    { Delete: { TableName, Key: lookupKey(stored.webauthnId) } },
    {
      Update: {
        TableName,
        Key: holderKey(stored.codiceFiscale),
        UpdateExpression: "ADD #count :minusOne",
        ConditionExpression: "#count > :zero",
        ExpressionAttributeNames: { "#count": "count" },
        ExpressionAttributeValues: { ":minusOne": -1, ":zero": 0 },
      },
    },
  ];
}

/**
 * The writes that remove every passkey of a holder and its user handle, for a transaction that ends the
 * credential (revocation, a branch replacement). A passkey added in between is never honoured anyway: it is
 * bound to the credential that ended.
 */
export async function allPasskeysRemoval(codiceFiscale: string): Promise<TransactItem[]> {
  const TableName = required("TABLE_NAME");
  const passkeys = await passkeysOf(codiceFiscale);
  if (passkeys.length === 0) return [];
  return [
    ...passkeys.flatMap((p) => [
      { Delete: { TableName, Key: passkeyKey(codiceFiscale, p.id) } },
      { Delete: { TableName, Key: lookupKey(p.webauthnId) } },
    ]),
    { Delete: { TableName, Key: holderKey(codiceFiscale) } },
  ];
}

/**
 * Records a use: the new counter and time, on condition that the counter is still the one the signature was
 * checked against and the passkey not suspect. False when either changed meanwhile.
 */
export async function recordPasskeyUse(
  stored: StoredPasskey,
  use: { counter: number; at: string; backedUp: boolean },
): Promise<boolean> {
  return conditionally(
    new UpdateCommand({
      TableName: required("TABLE_NAME"),
      Key: passkeyKey(stored.codiceFiscale, stored.id),
      UpdateExpression: "SET #counter = :counter, lastUsedAt = :at, backedUp = :backedUp",
      ConditionExpression: "attribute_exists(pk) AND #counter = :seen AND attribute_not_exists(suspect)",
      ExpressionAttributeNames: { "#counter": "counter" },
      ExpressionAttributeValues: {
        ":counter": use.counter,
        ":at": use.at,
        ":backedUp": use.backedUp,
        ":seen": stored.counter,
      },
    }),
  );
}

export async function markPasskeySuspect(stored: StoredPasskey): Promise<void> {
  await conditionally(
    new UpdateCommand({
      TableName: required("TABLE_NAME"),
      Key: passkeyKey(stored.codiceFiscale, stored.id),
      UpdateExpression: "SET suspect = :true",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":true": true },
    }),
  );
}

/** Renames a passkey of the holder's; false when there is none with that id. */
export async function renamePasskey(
  codiceFiscale: string,
  id: string,
  name: string,
): Promise<StoredPasskey | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  try {
    const { Attributes } = await dynamodb.send(
      new UpdateCommand({
        TableName: required("TABLE_NAME"),
        Key: passkeyKey(codiceFiscale, id),
        UpdateExpression: "SET #name = :name",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#name": "name" },
        ExpressionAttributeValues: { ":name": name },
        ReturnValues: "ALL_NEW",
      }),
    );
    return Attributes as StoredPasskey;
  } catch (error) {
    if ((error as Error).name === "ConditionalCheckFailedException") return undefined;
    throw error;
  }
}
