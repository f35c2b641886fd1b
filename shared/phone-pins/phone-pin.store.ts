import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import type { TransactItem } from "../platform/transact.ts";

/** One phone PIN per holder: a new one replaces the previous. */
export const phonePinKey = (codiceFiscale: string) => ({ pk: `PHONEPIN#${codiceFiscale}`, sk: "CURRENT" });

export interface PhonePinItem {
  codiceFiscale: string;
  hash: string;
  expiresAtMs: number;
  failures: number;
}

/** The Put that stores (or replaces) a holder's phone PIN, as its salted hash, removed by TTL once expired. */
export function phonePinPut(pin: Omit<PhonePinItem, "failures"> & { validity: string }): TransactItem {
  return {
    Put: {
      TableName: required("TABLE_NAME"),
      Item: {
        ...phonePinKey(pin.codiceFiscale),
        kind: "phone-pin",
        ...pin,
        ttl: Math.ceil(pin.expiresAtMs / 1000),
        failures: 0,
      },
    },
  };
}

/** Deletes the phone PIN stored as `hash`; a newer one (or none) is left as it is. */
export async function deletePhonePin(codiceFiscale: string, hash: string): Promise<void> {
  await dynamodb
    .send(
      new DeleteCommand({
        TableName: required("TABLE_NAME"),
        Key: phonePinKey(codiceFiscale),
        ConditionExpression: "#hash = :hash",
        ExpressionAttributeNames: { "#hash": "hash" },
        ExpressionAttributeValues: { ":hash": hash },
      }),
    )
    .catch(() => undefined);
}
