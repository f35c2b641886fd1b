import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { IdentityDocument } from "../credentials/identity-document.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import type { ConversionChannel, ConversionStatus } from "./conversion.schema.ts";
import type { DocumentName, StoredDocument } from "./uploads.ts";

/** A conversion request (F10): pk `CONVERSION#<id>`, sk `REQUEST`; in the queue index while submitted. */
export interface ConversionRequest {
  id: string;
  codiceFiscale: string;
  holder: { surname: string; givenName: string; birthDate: string };
  status: ConversionStatus;
  channel: ConversionChannel;
  identityDocument: IdentityDocument;
  documents: DocumentName[];
  /** The documents as checked at submit: copies the client cannot replace (shared/conversion/uploads.ts). */
  checkedDocuments?: StoredDocument[];
  /** The credential the request was made for: a PIN revoked or reissued since is not converted. */
  credentialId?: string;
  createdAt: string;
  receivedAt?: string;
  submittedAt?: string;
  decidedAt?: string;
  decidedBy?: string;
  reason?: string;
}

export const conversionKey = (id: string) => ({ pk: `CONVERSION#${id}`, sk: "REQUEST" });
export const QUEUE_PK = "CONVERSION#SUBMITTED";
export const queueAttributes = (submittedAt: string, id: string) => ({
  gsi3pk: QUEUE_PK,
  gsi3sk: `${submittedAt}#${id}`,
});

export async function getConversion(id: string): Promise<ConversionRequest | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const { Item } = await dynamodb.send(
    new GetCommand({ TableName: required("TABLE_NAME"), Key: conversionKey(id), ConsistentRead: true }),
  );
  return Item as ConversionRequest | undefined;
}

/** What a holder or client sees of a request. */
export function conversionView(request: ConversionRequest) {
  const { id, status, channel, createdAt, submittedAt, decidedAt, reason } = request;
  return {
    id,
    status,
    channel,
    createdAt,
    ...(submittedAt ? { submittedAt } : {}),
    ...(decidedAt ? { decidedAt } : {}),
    ...(reason ? { reason } : {}),
  };
}
