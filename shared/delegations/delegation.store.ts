import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { romeDate } from "../credentials/credential.store.ts";
import { now } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
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
