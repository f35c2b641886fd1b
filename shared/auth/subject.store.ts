import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { nowEpochSeconds } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import { randomId } from "../platform/random.ts";

/**
 * Tokens carry no codice fiscale (it is personal data, and bearer tokens end up in logs and browsers): the
 * subject is a random pseudonym that the table maps to the holder for the token's lifetime.
 */
const subjectKey = (subject: string) => ({ pk: `SUBJECT#${subject}`, sk: "SUBJECT" });

export async function pseudonymFor(codiceFiscale: string, expiresAt: number): Promise<string> {
  const subject = randomId();
  await dynamodb.send(
    new PutCommand({
      TableName: required("TABLE_NAME"),
      Item: { ...subjectKey(subject), kind: "subject", codiceFiscale, ttl: expiresAt + 60 },
      ConditionExpression: "attribute_not_exists(pk)",
    }),
  );
  return subject;
}

export async function resolvePseudonym(subject: string): Promise<string | undefined> {
  const { Item } = await dynamodb.send(
    new GetCommand({ TableName: required("TABLE_NAME"), Key: subjectKey(subject), ConsistentRead: true }),
  );
  if (!Item || (Item.ttl as number) < nowEpochSeconds()) return undefined;
  return Item.codiceFiscale as string;
}
