import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, paginateQuery, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { romeDate } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import type { TransactItem } from "../platform/transact.ts";
import { tableDefinition } from "../table.ts";
import { type Credential, credentialKey } from "./credential.model.ts";

export async function getCredential(codiceFiscale: string): Promise<Credential | undefined> {
  const { Item } = await dynamodb.send(
    new GetCommand({
      TableName: required("TABLE_NAME"),
      Key: credentialKey(codiceFiscale),
      ConsistentRead: true,
    }),
  );
  return Item as Credential | undefined;
}

/** Expiry-index attributes for an active PIN: found by the reminder job on its Rome calendar day. */
export function expiryIndexAttributes(credential: Pick<Credential, "credentialId">, pinExpiresAt: string) {
  return { gsi2pk: `EXPIRY#${romeDate(new Date(pinExpiresAt))}`, gsi2sk: credential.credentialId };
}

export { romeDate };

/**
 * Applies `set`/`remove` to the credential only if nobody changed it since `expectedVersion` was read;
 * returns false when someone did. Every state change of a credential goes through here.
 */
export async function updateCredentialIfVersion(
  codiceFiscale: string,
  expectedVersion: number,
  set: Record<string, unknown>,
  remove: string[] = [],
): Promise<boolean> {
  try {
    await dynamodb.send(new UpdateCommand(versionedUpdate(codiceFiscale, expectedVersion, set, remove)));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * The UpdateItem input of a versioned credential change, also usable inside a transaction. `expect` adds
 * attributes that must still hold the given values (e.g. the PIN hash a change token was minted for).
 */
export function versionedUpdate(
  codiceFiscale: string,
  expectedVersion: number,
  set: Record<string, unknown>,
  remove: string[] = [],
  expect: Record<string, unknown> = {},
) {
  const names: Record<string, string> = { "#version": "version" };
  const values: Record<string, unknown> = { ":expected": expectedVersion, ":next": expectedVersion + 1 };
  const conditions = ["#version = :expected"];
  Object.entries(expect).forEach(([key, value], i) => {
    names[`#e${i}`] = key;
    values[`:e${i}`] = value;
    conditions.push(`#e${i} = :e${i}`);
  });
  const sets = ["#version = :next"];
  Object.entries(set).forEach(([key, value], i) => {
    names[`#s${i}`] = key;
    values[`:s${i}`] = value;
    sets.push(`#s${i} = :s${i}`);
  });
  const removes = remove.map((key, i) => {
    names[`#r${i}`] = key;
    return `#r${i}`;
  });
  return {
    TableName: required("TABLE_NAME"),
    Key: credentialKey(codiceFiscale),
    UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
    ConditionExpression: conditions.join(" AND "),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The credentials whose PIN expires on a Rome calendar day (`YYYY-MM-DD`), page by page, from the expiry index. */
export async function* credentialsExpiringOn(day: string): AsyncGenerator<Credential[]> {
  const { indexName } = tableDefinition.globalSecondaryIndexes.expiryReminders;
  for await (const page of paginateQuery(
    { client: dynamodb },
    {
      TableName: required("TABLE_NAME"),
      IndexName: indexName,
      KeyConditionExpression: "gsi2pk = :day",
      ExpressionAttributeValues: { ":day": `EXPIRY#${day}` },
    },
  )) {
    yield (page.Items ?? []) as Credential[];
  }
}

/**
 * Records the expiry reminders `passed` as sent, on condition that the PIN is still the active one that expires
 * when it did and that `threshold` was not recorded meanwhile: at most one reminder per threshold.
 */
export function remindersMark(
  credential: Pick<Credential, "codiceFiscale" | "pinExpiresAt">,
  threshold: number,
  passed: number[],
): TransactItem {
  return {
    Update: {
      TableName: required("TABLE_NAME"),
      Key: credentialKey(credential.codiceFiscale),
      UpdateExpression: "SET remindersSent = list_append(if_not_exists(remindersSent, :empty), :passed)",
      ConditionExpression:
        "#status = :active AND pinExpiresAt = :expiresAt AND NOT contains(remindersSent, :threshold)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":empty": [],
        ":passed": passed,
        ":active": "active",
        ":expiresAt": credential.pinExpiresAt,
        ":threshold": threshold,
      },
    },
  };
}

/** The Put of a new credential: over no item, or over the version `seen` of the one it replaces. */
export function credentialPut(credential: Credential, seen?: number): TransactItem {
  return {
    Put: {
      TableName: required("TABLE_NAME"),
      Item: { ...credentialKey(credential.codiceFiscale), kind: "credential", ...credential },
      ConditionExpression: seen === undefined ? "attribute_not_exists(pk)" : "version = :seen",
      ExpressionAttributeValues: seen === undefined ? undefined : { ":seen": seen },
    },
  };
}

/** Deletes a credential still `issuing` (its part A never left); any later state is left as it is. */
export function issuingCredentialDelete(codiceFiscale: string): TransactItem {
  return {
    Delete: {
      TableName: required("TABLE_NAME"),
      Key: credentialKey(codiceFiscale),
      ConditionExpression: "#status = :issuing",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":issuing": "issuing" },
    },
  };
}

/**
 * Makes a PIN dispositivo and closes its open conversion pointer, on condition that the PIN is still the one
 * `requested` (the credential a conversion request was made for; without one, any PIN).
 */
export function credentialConversion(codiceFiscale: string, at: string, requested?: string): TransactItem {
  return {
    Update: {
      TableName: required("TABLE_NAME"),
      Key: credentialKey(codiceFiscale),
      UpdateExpression:
        "SET pinType = :dispositivo, updatedAt = :at ADD #version :one REMOVE openConversionId",
      ConditionExpression: requested ? "credentialId = :requested" : "attribute_exists(pk)",
      ExpressionAttributeNames: { "#version": "version" },
      ExpressionAttributeValues: {
        ":dispositivo": "dispositivo",
        ":at": at,
        ":one": 1,
        ...(requested ? { ":requested": requested } : {}),
      },
    },
  };
}

/** Closes a credential's open conversion pointer while it still points at request `id`. */
export function conversionPointerClosed(codiceFiscale: string, id: string): TransactItem {
  return {
    Update: {
      TableName: required("TABLE_NAME"),
      Key: credentialKey(codiceFiscale),
      UpdateExpression: "REMOVE openConversionId",
      ConditionExpression: "openConversionId = :id",
      ExpressionAttributeValues: { ":id": id },
    },
  };
}
