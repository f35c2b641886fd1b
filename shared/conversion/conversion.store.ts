import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { IdentityDocument } from "../credentials/identity-document.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import { ValidationError } from "../platform/errors.ts";
import { conditionally, newItemPut, type TransactItem } from "../platform/transact.ts";
import { tableDefinition } from "../table.ts";
import type { ConversionChannel, ConversionStatus, Decision } from "./conversion.schema.ts";
import type { DocumentName, StoredDocument } from "./uploads.store.ts";

/** A conversion request (F10): pk `CONVERSION#<id>`, sk `REQUEST`; in the queue index while submitted. */
export interface ConversionRequest {
  id: string;
  codiceFiscale: string;
  holder: { surname: string; givenName: string; birthDate: string };
  status: ConversionStatus;
  channel: ConversionChannel;
  identityDocument: IdentityDocument;
  documents: DocumentName[];
  /** The documents as checked at submit: copies the client cannot replace (shared/conversion/uploads.store.ts). */
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

/** The Put of a new request. */
export function conversionPut(request: ConversionRequest): TransactItem {
  return newItemPut(conversionKey(request.id), "conversion-request", request);
}

/**
 * Moves a request awaiting documents into the back-office queue with its checked documents; false when it no
 * longer awaited them.
 */
export function queueSubmitted(
  id: string,
  submittedAt: string,
  documents: StoredDocument[],
): Promise<boolean> {
  return conditionally(
    new UpdateCommand({
      TableName: required("TABLE_NAME"),
      Key: conversionKey(id),
      UpdateExpression:
        "SET #status = :submitted, submittedAt = :at, checkedDocuments = :documents, gsi3pk = :gpk, gsi3sk = :gsk",
      ConditionExpression: "#status = :awaiting",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":submitted": "submitted",
        ":awaiting": "awaiting-documents",
        ":at": submittedAt,
        ":documents": documents,
        ":gpk": QUEUE_PK,
        ":gsk": queueAttributes(submittedAt, id).gsi3sk,
      },
    }),
  );
}

/** One page of the back-office queue, oldest first, from the opaque `cursor` the previous page returned. */
export async function queuePage(limit: number, cursor: string | undefined) {
  let start: Record<string, unknown> | undefined;
  if (cursor) {
    try {
      start = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Record<string, unknown>;
      if (start.gsi3pk !== QUEUE_PK) throw new Error("cursor");
    } catch {
      throw new ValidationError([{ path: "cursor", message: "Not a cursor this list returned" }]);
    }
  }
  const { Items = [], LastEvaluatedKey } = await dynamodb.send(
    new QueryCommand({
      TableName: required("TABLE_NAME"),
      IndexName: tableDefinition.globalSecondaryIndexes.conversionQueue.indexName,
      KeyConditionExpression: "gsi3pk = :q",
      ExpressionAttributeValues: { ":q": QUEUE_PK },
      ScanIndexForward: true,
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  const nextCursor = LastEvaluatedKey && Buffer.from(JSON.stringify(LastEvaluatedKey)).toString("base64url");
  return { items: Items as ConversionRequest[], nextCursor };
}

/** A submitted request decided (out of the queue), on condition that it is still submitted. */
export function conversionDecision(id: string, decision: Decision, at: string, by: string): TransactItem {
  return {
    Update: {
      TableName: required("TABLE_NAME"),
      Key: conversionKey(id),
      UpdateExpression: `SET #status = :decision, decidedAt = :at, decidedBy = :by${decision.reason ? ", reason = :reason" : ""} REMOVE gsi3pk, gsi3sk`,
      ConditionExpression: "#status = :submitted",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":decision": decision.decision,
        ":at": at,
        ":by": by,
        ":submitted": "submitted",
        ...(decision.reason ? { ":reason": decision.reason } : {}),
      },
    },
  };
}

/** An open request closed as approved (the PIN converted at a branch), on condition that it is still open. */
export function conversionApproved(id: string, at: string, by: string): TransactItem {
  return {
    Update: {
      TableName: required("TABLE_NAME"),
      Key: conversionKey(id),
      UpdateExpression: "SET #status = :approved, decidedAt = :at, decidedBy = :by REMOVE gsi3pk, gsi3sk",
      ConditionExpression: "#status IN (:awaiting, :submitted)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":approved": "approved",
        ":at": at,
        ":by": by,
        ":awaiting": "awaiting-documents",
        ":submitted": "submitted",
      },
    },
  };
}
