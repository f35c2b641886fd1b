import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { romeDate } from "../credentials/credential.store.ts";
import { now, nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import type { TransactItem } from "../platform/transact.ts";
import type { Delegation, PersonRef } from "./delegation.schema.ts";

/**
 * A delegation is one item (pk `DELEGATION#<id>`) plus a copy in each party's partition for listing
 * (`DELEGATION#GIVEN#<id>`, `DELEGATION#RECEIVED#<id>`), all three written in one transaction. Limits live in
 * two small items: the delegator's one slot and the delegate's map of ordinary delegations held.
 */
export interface StoredDelegation {
  id: string;
  kind: Delegation["kind"];
  delegator: PersonRef | { codiceFiscale: string };
  delegate: PersonRef;
  startsOn: string;
  endsOn?: string;
  status: "active" | "revoked";
  createdAt: string;
  endedAt?: string;
  createdBy: string;
}

export const delegationKey = (id: string) => ({ pk: `DELEGATION#${id}`, sk: "DELEGATION" });
export const givenKey = (delegator: string, id: string) => ({
  pk: `CF#${delegator}`,
  sk: `DELEGATION#GIVEN#${id}`,
});
export const receivedKey = (delegate: string, id: string) => ({
  pk: `CF#${delegate}`,
  sk: `DELEGATION#RECEIVED#${id}`,
});
export const delegatorSlotKey = (delegator: string) => ({ pk: `CF#${delegator}`, sk: "DELEGATOR-SLOT" });
export const delegateSlotsKey = (delegate: string) => ({ pk: `CF#${delegate}`, sk: "DELEGATE-SLOTS" });

/** Active until revoked or until the end of its `endsOn` day (Rome): checked on every read, TTL lags. */
export function isActive(delegation: Pick<StoredDelegation, "status" | "endsOn">, at = now()): boolean {
  return delegation.status === "active" && (!delegation.endsOn || delegation.endsOn >= romeDate(at));
}

/** Epoch ms after which an `endsOn` day is over (end of that day in Rome, conservatively UTC+2). */
export function endsAtMs(endsOn: string | undefined): number {
  return endsOn ? Date.parse(`${endsOn}T23:59:59.999+01:00`) : Number.MAX_SAFE_INTEGER;
}

export function delegationView(stored: StoredDelegation): Delegation {
  const { id, kind, delegator, delegate, startsOn, endsOn } = stored;
  return {
    id,
    kind,
    delegator,
    delegate,
    startsOn,
    ...(endsOn ? { endsOn } : {}),
    status: stored.status === "revoked" ? "revoked" : isActive(stored) ? "active" : "ended",
  };
}

export async function getDelegation(id: string): Promise<StoredDelegation | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const { Item } = await dynamodb.send(
    new GetCommand({ TableName: required("TABLE_NAME"), Key: delegationKey(id), ConsistentRead: true }),
  );
  return Item as StoredDelegation | undefined;
}

export async function delegationsOf(
  codiceFiscale: string,
  side: "GIVEN" | "RECEIVED",
): Promise<StoredDelegation[]> {
  const { Items = [] } = await dynamodb.send(
    new QueryCommand({
      TableName: required("TABLE_NAME"),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": `CF#${codiceFiscale}`, ":prefix": `DELEGATION#${side}#` },
      ConsistentRead: true,
    }),
  );
  return Items as StoredDelegation[];
}

/** Whether a delegated token's delegation still stands: checked on every use, not only at issue. */
export async function delegationStillActive(
  id: string,
  delegator: string,
  delegate: string,
): Promise<boolean> {
  const stored = await getDelegation(id);
  return (
    stored !== undefined &&
    isActive(stored) &&
    stored.delegator.codiceFiscale === delegator &&
    stored.delegate.codiceFiscale === delegate
  );
}

/** The delegation and its two listing copies (the delegator's GIVEN, the delegate's RECEIVED). */
export function delegationPuts(stored: StoredDelegation, ttl: number | undefined): TransactItem[] {
  const TableName = required("TABLE_NAME");
  const copy = { ...stored, ...(ttl ? { ttl } : {}) };
  return [
    {
      Put: {
        TableName,
        Item: { ...delegationKey(stored.id), ...copy },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
    { Put: { TableName, Item: { ...givenKey(stored.delegator.codiceFiscale, stored.id), ...copy } } },
    { Put: { TableName, Item: { ...receivedKey(stored.delegate.codiceFiscale, stored.id), ...copy } } },
  ];
}

/** The delegator's one slot, taken for delegation `id` on condition that it is free (or its holder ended). */
export function delegatorSlotTake(delegator: string, id: string, endMs: number): TransactItem {
  return {
    Update: {
      TableName: required("TABLE_NAME"),
      Key: delegatorSlotKey(delegator),
      UpdateExpression: "SET delegationId = :id, endsAtMs = :end",
      ConditionExpression: "attribute_not_exists(delegationId) OR endsAtMs < :now",
      ExpressionAttributeValues: { ":id": id, ":end": endMs, ":now": nowMs() },
    },
  };
}

/** One of the delegate's slots, taken for delegation `id` on condition that fewer than `limit` are taken. */
export function delegateSlotTake(delegate: string, id: string, endMs: number, limit: number): TransactItem {
  return {
    Update: {
      TableName: required("TABLE_NAME"),
      Key: delegateSlotsKey(delegate),
      UpdateExpression: "SET slots.#id = :end",
      ConditionExpression: "size(slots) < :limit",
      ExpressionAttributeNames: { "#id": id },
      ExpressionAttributeValues: { ":end": endMs, ":limit": limit },
    },
  };
}

/** Removes from the delegate's map the ordinary delegations that ended by date (each one conditionally). */
export async function pruneEndedSlots(delegate: string): Promise<void> {
  const TableName = required("TABLE_NAME");
  await dynamodb.send(
    new UpdateCommand({
      TableName,
      Key: delegateSlotsKey(delegate),
      UpdateExpression: "SET slots = if_not_exists(slots, :empty)",
      ExpressionAttributeValues: { ":empty": {} },
    }),
  );
  const { Item } = await dynamodb.send(
    new GetCommand({ TableName, Key: delegateSlotsKey(delegate), ConsistentRead: true }),
  );
  const slots = (Item?.slots ?? {}) as Record<string, number>;
  for (const [id, endMs] of Object.entries(slots)) {
    if (endMs >= nowMs()) continue;
    await dynamodb
      .send(
        new UpdateCommand({
          TableName,
          Key: delegateSlotsKey(delegate),
          UpdateExpression: "REMOVE slots.#id",
          ConditionExpression: "slots.#id = :end",
          ExpressionAttributeNames: { "#id": id },
          ExpressionAttributeValues: { ":end": endMs },
        }),
      )
      .catch(() => undefined);
  }
}

/** The three copies marked revoked; the first on condition that the delegation is still active. */
export function delegationRevokes(
  stored: StoredDelegation,
  at: string,
  ttl: number | undefined,
): TransactItem[] {
  const revoke = (Key: Record<string, string>, condition?: string): TransactItem => ({
    Update: {
      TableName: required("TABLE_NAME"),
      Key,
      UpdateExpression: "SET #status = :revoked, endedAt = :at, #ttl = :ttl",
      ...(condition ? { ConditionExpression: condition } : {}),
      ExpressionAttributeNames: { "#status": "status", "#ttl": "ttl" },
      ExpressionAttributeValues: {
        ":revoked": "revoked",
        ":at": at,
        ":ttl": ttl,
        ...(condition ? { ":active": "active" } : {}),
      },
    },
  });
  return [
    revoke(delegationKey(stored.id), "#status = :active"),
    revoke(givenKey(stored.delegator.codiceFiscale, stored.id)),
    revoke(receivedKey(stored.delegate.codiceFiscale, stored.id)),
  ];
}

/** Frees the slots an ordinary delegation held, each only if it still holds it. */
export async function freeSlots(stored: StoredDelegation): Promise<void> {
  const frees = [
    {
      Key: delegatorSlotKey(stored.delegator.codiceFiscale),
      UpdateExpression: "REMOVE delegationId, endsAtMs",
      ConditionExpression: "delegationId = :id",
      ExpressionAttributeValues: { ":id": stored.id },
    },
    {
      Key: delegateSlotsKey(stored.delegate.codiceFiscale),
      UpdateExpression: "REMOVE slots.#id",
      ConditionExpression: "attribute_exists(slots)",
      ExpressionAttributeNames: { "#id": stored.id },
    },
  ];
  await Promise.all(
    frees.map((free) =>
      dynamodb.send(new UpdateCommand({ TableName: required("TABLE_NAME"), ...free })).catch(() => undefined),
    ),
  );
}
