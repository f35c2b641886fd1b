import { createHash } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { now } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import type { PersonRecord, RecordSource } from "./registry.schema.ts";

/** The record lives in the holder's own partition, beside the credential: pk `CF#<cf>`, sk `RECORD`. */
export const personRecordKey = (codiceFiscale: string) => ({ pk: `CF#${codiceFiscale}`, sk: "RECORD" });

export interface StoredPersonRecord extends PersonRecord {
  source: RecordSource;
  recordHash: string;
  updatedAt: string;
}

export async function getPersonOnRecord(codiceFiscale: string): Promise<StoredPersonRecord | undefined> {
  const { Item } = await dynamodb.send(
    new GetCommand({
      TableName: required("TABLE_NAME"),
      Key: personRecordKey(codiceFiscale),
      ConsistentRead: true,
    }),
  );
  return Item as StoredPersonRecord | undefined;
}

/** A digest of the record's content, so that re-importing the same row changes nothing. */
export function recordHash(record: PersonRecord): string {
  const { codiceFiscale, surname, givenName, birthDate, sex, birthPlaceCode, residence } = record;
  const canonical = JSON.stringify([
    codiceFiscale,
    surname,
    givenName,
    birthDate,
    sex,
    birthPlaceCode,
    residence.countryCode,
    residence.addressLines,
    residence.city,
    residence.postalCode,
    residence.region ?? null,
  ]);
  return createHash("sha256").update(canonical).digest("base64url");
}

/**
 * Creates or replaces a person's record; returns `unchanged` when the same content is already stored
 * (an import file read twice writes nothing the second time).
 */
export async function putPersonOnRecord(
  record: PersonRecord,
  source: RecordSource,
): Promise<"written" | "unchanged"> {
  const hash = recordHash(record);
  try {
    await dynamodb.send(
      new PutCommand({
        TableName: required("TABLE_NAME"),
        Item: {
          ...personRecordKey(record.codiceFiscale),
          kind: "person-record",
          ...record,
          source,
          recordHash: hash,
          updatedAt: now().toISOString(),
        },
        ConditionExpression: "attribute_not_exists(pk) OR recordHash <> :hash",
        ExpressionAttributeValues: { ":hash": hash },
      }),
    );
    return "written";
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return "unchanged";
    throw error;
  }
}
