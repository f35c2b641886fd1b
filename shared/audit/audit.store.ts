import { BatchWriteCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { now } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import { chunked, inParallel, pause } from "../platform/in-parallel.ts";
import { randomId } from "../platform/random.ts";

/** Event types of the credential lifecycle (F16). */
export type AuditEventType =
  | "pin-requested"
  | "pin-request-duplicate"
  | "pin-request-failed"
  | "part-a-sent"
  | "letter-queued"
  | "letter-printed"
  | "letter-withdrawn"
  | "login-succeeded"
  | "login-failed"
  | "login-refused-locked"
  | "pin-change-required"
  | "pin-changed"
  | "pin-activated"
  | "pin-locked"
  | "pin-blocked"
  | "expiry-reminder-sent"
  | "phone-pin-issued"
  | "phone-pin-verified"
  | "recovery-requested"
  | "recovery-completed"
  | "revocation-requested"
  | "revocation-completed"
  | "contact-added"
  | "pin-issued-at-branch"
  | "pin-replaced-at-branch"
  | "person-record-updated"
  | "audit-read"
  | "application-submitted"
  | "application-released"
  | "conversion-requested"
  | "conversion-submitted"
  | "conversion-approved"
  | "conversion-rejected"
  | "delegation-given"
  | "delegation-revoked"
  | "delegated-session-started"
  | "acted-on-behalf"
  | "appointment-booked"
  | "appointment-cancelled"
  | "appointment-checked-in"
  | "appointment-reminder-sent"
  | "appointment-listed"
  | "passkey-added"
  | "passkey-renamed"
  | "passkey-removed"
  | "passkey-suspect"
  | "passkey-login-refused";

export interface AuditEvent {
  codiceFiscale: string;
  type: AuditEventType;
  /** Where it happened: `web`, `contact-center`, `branch`, `back-office`, `post`, `system`. */
  channel: string;
  /** Who did it: `citizen`, `operator:<id>`, `job:<name>`. */
  actor: string;
  outcome: "success" | "failure" | "refused";
  /** Non-secret facts only: channel names, masked contacts, ids. Never a PIN, code, token or full contact. */
  details?: Record<string, string | number | boolean>;
}

export const auditKeys = {
  pk: (codiceFiscale: string) => `CF#${codiceFiscale}`,
  skPrefix: "EVENT#",
};

/** The Put of one audit record (pk = the holder, sk = time-ordered), for a transaction or on its own. */
export function auditEventPut(event: AuditEvent, at = now().toISOString()) {
  return {
    TableName: required("TABLE_NAME"),
    Item: {
      pk: auditKeys.pk(event.codiceFiscale),
      sk: `${auditKeys.skPrefix}${at}#${randomId()}`,
      kind: "audit-event",
      at,
      ...event,
    },
  };
}

/** Appends one audit record to the holder's history. */
export async function recordAuditEvent(event: AuditEvent): Promise<void> {
  await dynamodb.send(new PutCommand(auditEventPut(event)));
}

/** Appends many audit records, all at `at`: 25 a request, retrying what DynamoDB leaves unprocessed. */
export async function recordAuditEvents(events: AuditEvent[], at: string): Promise<void> {
  const table = required("TABLE_NAME");
  await inParallel(chunked(events, 25), 8, async (chunk) => {
    let pending: unknown[] = chunk.map((event) => ({ PutRequest: { Item: auditEventPut(event, at).Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 10) throw new Error("DynamoDB kept items unprocessed");
      if (attempt > 0) await pause(50 * 2 ** attempt);
      const result = await dynamodb.send(
        new BatchWriteCommand({ RequestItems: { [table]: pending as never } }),
      );
      pending = result.UnprocessedItems?.[table] ?? [];
    }
  });
}

/** One page of a holder's trail between two sort keys, newest first. */
export async function queryTrail(
  codiceFiscale: string,
  page: { from: string; to: string; limit?: number; startKey?: Record<string, string> },
) {
  const { Items = [], LastEvaluatedKey } = await dynamodb.send(
    new QueryCommand({
      TableName: required("TABLE_NAME"),
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
      ExpressionAttributeValues: { ":pk": auditKeys.pk(codiceFiscale), ":from": page.from, ":to": page.to },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: page.startKey,
    }),
  );
  return { Items, LastEvaluatedKey };
}
