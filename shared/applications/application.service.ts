import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { recordAuditEvent } from "../audit/audit.store.ts";
import type { Credential } from "../credentials/credential.model.ts";
import { now } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import { randomId, randomString } from "../platform/random.ts";
import type { Application, ApplicationRequest } from "./application.schema.ts";

const SK_PREFIX = "APPLICATION#";

interface StoredApplication extends Application {
  pk: string;
  sk: string;
  details?: Record<string, unknown>;
}

/** Who submits: the holder, or a delegate acting for them (F14); both end up in the trail. */
export interface Submitter {
  actor: string;
  channel: string;
}

function protocolNumber(at: Date): string {
  return `INPS-${at.getUTCFullYear()}-${randomString("0123456789", 10)}`;
}

function publicView({
  id,
  protocolNumber,
  benefit,
  status,
  submittedAt,
  acceptedAt,
}: StoredApplication): Application {
  return { id, protocolNumber, benefit, status, submittedAt, ...(acceptedAt ? { acceptedAt } : {}) };
}

async function storedApplications(codiceFiscale: string): Promise<StoredApplication[]> {
  const items: StoredApplication[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: required("TABLE_NAME"),
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": `CF#${codiceFiscale}`, ":prefix": SK_PREFIX },
        ScanIndexForward: false,
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...((page.Items ?? []) as StoredApplication[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/**
 * Moves every suspended application of a holder whose PIN is now dispositivo to `accepted`, each by a
 * conditional write: parallel or repeated releases accept each application once, `submittedAt` never
 * changes, and a release cut short is finished by the next one (every read of the applications runs it).
 */
export async function releaseSuspendedApplications(codiceFiscale: string): Promise<number> {
  const acceptedAt = now().toISOString();
  let released = 0;
  for (const application of await storedApplications(codiceFiscale)) {
    if (application.status !== "suspended") continue;
    try {
      await dynamodb.send(
        new UpdateCommand({
          TableName: required("TABLE_NAME"),
          Key: { pk: application.pk, sk: application.sk },
          UpdateExpression: "SET #status = :accepted, acceptedAt = :at",
          ConditionExpression: "#status = :suspended",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":accepted": "accepted",
            ":suspended": "suspended",
            ":at": acceptedAt,
          },
        }),
      );
      released++;
      await recordAuditEvent({
        codiceFiscale,
        type: "application-released",
        channel: "system",
        actor: "system",
        outcome: "success",
        details: { protocolNumber: application.protocolNumber, benefit: application.benefit },
      });
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  return released;
}

/**
 * Primary course (F11): record the application with a protocol number: `accepted` with a dispositivo PIN,
 * `suspended` with an ordinario one (its `submittedAt` is what stops the deadlines). A holder whose PIN was
 * converted has any leftover suspended application released first.
 */
export async function submitApplication(
  credential: Credential,
  input: ApplicationRequest,
  submitter: Submitter,
): Promise<Application> {
  if (credential.pinType === "dispositivo") await releaseSuspendedApplications(credential.codiceFiscale);
  const at = now();
  const submittedAt = at.toISOString();
  const id = randomId();
  const application: StoredApplication = {
    pk: `CF#${credential.codiceFiscale}`,
    sk: `${SK_PREFIX}${submittedAt}#${id}`,
    id,
    protocolNumber: protocolNumber(at),
    benefit: input.benefit,
    status: credential.pinType === "dispositivo" ? "accepted" : "suspended",
    submittedAt,
    ...(credential.pinType === "dispositivo" ? { acceptedAt: submittedAt } : {}),
    ...(input.details ? { details: input.details } : {}),
  };
  await dynamodb.send(
    new PutCommand({
      TableName: required("TABLE_NAME"),
      Item: { ...application, kind: "application" },
      ConditionExpression: "attribute_not_exists(pk)",
    }),
  );
  await recordAuditEvent({
    codiceFiscale: credential.codiceFiscale,
    type: "application-submitted",
    channel: submitter.channel,
    actor: submitter.actor,
    outcome: "success",
    details: {
      protocolNumber: application.protocolNumber,
      benefit: input.benefit,
      status: application.status,
    },
  });
  return publicView(application);
}

/** F11: the holder's applications, newest first; a converted holder's suspended ones are released first. */
export async function listApplications(credential: Credential): Promise<{ items: Application[] }> {
  if (credential.pinType === "dispositivo") await releaseSuspendedApplications(credential.codiceFiscale);
  return { items: (await storedApplications(credential.codiceFiscale)).map(publicView) };
}
