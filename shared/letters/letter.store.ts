import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Residence } from "../credentials/credential.model.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import type { TransactItem } from "../platform/transact.ts";

/**
 * A postal letter carrying part B: pk `LETTER#<letterId>`, sk `LETTER`.
 * `held`: written with its credential, waiting for part A to be delivered; `pending`: in the sparse
 * pending-letters index; `printed`: in a committed file, part B erased; `cancelled`: its PIN was revoked
 * before the letter was printed, part B erased.
 */
export interface LetterItem {
  letterId: string;
  reference: string;
  codiceFiscale: string;
  credentialId: string;
  recipient: { surname: string; givenName: string };
  address: Residence;
  status: "held" | "pending" | "printed" | "cancelled";
  partBCiphertext?: string;
  validUntil: string;
  issuedAt: string;
  queuedAt?: string;
  /** Where it was printed. */
  batchId?: string;
  fileKey?: string;
  page?: number;
  printedAt?: string;
}

export const letterKey = (letterId: string) => ({ pk: `LETTER#${letterId}`, sk: "LETTER" });
export const PENDING_LETTERS_PK = "LETTER#PENDING";

/** Human reference printed on the letter and in the manifest. */
export function letterReference(letterId: string, issuedAt: string): string {
  return `PIN-${issuedAt.slice(0, 4)}-${letterId.replace(/-/g, "").slice(0, 10).toUpperCase()}`;
}

export function pendingIndexAttributes(letterId: string, queuedAt: string) {
  return { gsi1pk: PENDING_LETTERS_PK, gsi1sk: `${queuedAt}#${letterId}` };
}

/** Cancels a letter not yet printed, erasing its part B; a printed or missing letter is left as it is. */
export async function cancelUnprintedLetter(letterId: string): Promise<void> {
  await dynamodb
    .send(
      new UpdateCommand({
        TableName: required("TABLE_NAME"),
        Key: letterKey(letterId),
        UpdateExpression: "SET #status = :cancelled REMOVE partBCiphertext, gsi1pk, gsi1sk",
        ConditionExpression: "#status IN (:held, :pending)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":cancelled": "cancelled", ":held": "held", ":pending": "pending" },
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
}

/** The Put of a new letter (`held`, with its credential, until part A has left). */
export function letterPut(letter: LetterItem): TransactItem {
  return {
    Put: {
      TableName: required("TABLE_NAME"),
      Item: { ...letterKey(letter.letterId), kind: "letter", ...letter },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}

/** A held letter becomes `pending`: it enters the pending-letters index, in the order it was queued. */
export function letterQueue(letterId: string, queuedAt: string): TransactItem {
  return {
    Update: {
      TableName: required("TABLE_NAME"),
      Key: letterKey(letterId),
      UpdateExpression: "SET #status = :pending, queuedAt = :queuedAt, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk",
      ConditionExpression: "#status = :held",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":pending": "pending",
        ":held": "held",
        ":queuedAt": queuedAt,
        ...prefixKeys(pendingIndexAttributes(letterId, queuedAt)),
      },
    },
  };
}

function prefixKeys(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).map(([k, v]) => [`:${k}`, v]));
}

export function letterDelete(letterId: string): TransactItem {
  return { Delete: { TableName: required("TABLE_NAME"), Key: letterKey(letterId) } };
}
