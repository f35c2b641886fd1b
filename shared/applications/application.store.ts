import { PutCommand, paginateQuery, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import { conditionally, newItemPut } from "../platform/transact.ts";
import type { Application } from "./application.schema.ts";

const SK_PREFIX = "APPLICATION#";

export interface StoredApplication extends Application {
  pk: string;
  sk: string;
  details?: Record<string, unknown>;
}

/** A holder's applications sort by submission: newest first when read backwards. */
export const applicationKey = (codiceFiscale: string, submittedAt: string, id: string) => ({
  pk: `CF#${codiceFiscale}`,
  sk: `${SK_PREFIX}${submittedAt}#${id}`,
});

/** Every application of a holder, newest first. */
export async function storedApplications(codiceFiscale: string): Promise<StoredApplication[]> {
  const items: StoredApplication[] = [];
  for await (const page of paginateQuery(
    { client: dynamodb },
    {
      TableName: required("TABLE_NAME"),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": `CF#${codiceFiscale}`, ":prefix": SK_PREFIX },
      ScanIndexForward: false,
      ConsistentRead: true,
    },
  )) {
    items.push(...((page.Items ?? []) as StoredApplication[]));
  }
  return items;
}

export async function putApplication(application: StoredApplication): Promise<void> {
  const { pk, sk, ...attributes } = application;
  await dynamodb.send(new PutCommand(newItemPut({ pk, sk }, "application", attributes).Put!));
}

/** Moves a suspended application to `accepted`; false when it no longer was suspended (released meanwhile). */
export function acceptSuspended(application: StoredApplication, acceptedAt: string): Promise<boolean> {
  return conditionally(
    new UpdateCommand({
      TableName: required("TABLE_NAME"),
      Key: { pk: application.pk, sk: application.sk },
      UpdateExpression: "SET #status = :accepted, acceptedAt = :at",
      ConditionExpression: "#status = :suspended",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":accepted": "accepted", ":suspended": "suspended", ":at": acceptedAt },
    }),
  );
}
