import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { PutCommand, paginateScan, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import type { AuditEvent } from "#shared/audit/audit.store";
import { type Credential, credentialKey } from "#shared/credentials/credential.model";
import { hashSecret } from "#shared/credentials/pin-hash";
import type { OutboxItem } from "#shared/notifications/outbox.store";
import { addDays, now } from "#shared/platform/clock";
import { dynamodb } from "#shared/platform/dynamodb-client";
import { randomId } from "#shared/platform/random";
import { type Citizen, makeCitizenN } from "../fixtures/citizens.ts";

/**
 * Arranging and reading state for the service-level integration tests: holders written straight into the
 * table (as the services leave them), and what the services wrote beside their change (audit, outbox).
 * Each test takes its own person (`nextCitizen`), so tests sharing a file's table stay independent.
 */

const TableName = () => process.env.TABLE_NAME!;

/** A valid 8-character PIN of the holders `putHolder` writes. */
export const HOLDER_PIN = "K7Q2M9XW";
/** A valid 16-character initial PIN (uppercase hexadecimal). */
export const INITIAL_PIN = "3FA9C0D1B2E4F687";

let next = 0;
/** A person no other test of this run uses: the file's seed keeps files apart, the counter tests. */
export function nextCitizen(seed: number): Citizen {
  return makeCitizenN(seed + next++);
}

/** SMS and e-mail never leave the process: every delivery is recorded by the mocks. */
export function mockDelivery() {
  const sns = mockClient(SNSClient);
  const ses = mockClient(SESv2Client);
  const reset = () => {
    sns.reset();
    ses.reset();
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    ses.on(SendEmailCommand).resolves({ MessageId: "e" });
  };
  reset();
  return {
    sns,
    ses,
    reset,
    /** Texts of the SMS sent to `to`. */
    smsTo: (to: string) =>
      sns
        .commandCalls(PublishCommand)
        .filter((c) => c.args[0].input.PhoneNumber === to)
        .map((c) => c.args[0].input.Message ?? ""),
    /** Bodies of the e-mails sent to `to`. */
    emailTo: (to: string) =>
      ses
        .commandCalls(SendEmailCommand)
        .filter((c) => c.args[0].input.Destination?.ToAddresses?.includes(to))
        .map((c) => c.args[0].input.Content?.Simple?.Body?.Text?.Data ?? ""),
  };
}

const mobiles = new Map<string, string>();
/** The contacts of a citizen: an e-mail from the codice fiscale, and a mobile number no other citizen of the file has. */
export function contactsOf(citizen: Citizen) {
  if (!mobiles.has(citizen.codiceFiscale)) {
    mobiles.set(citizen.codiceFiscale, `+1415555${String(2000 + mobiles.size).padStart(4, "0")}`);
  }
  return {
    mobile: mobiles.get(citizen.codiceFiscale)!,
    email: `${citizen.codiceFiscale.toLowerCase()}@example.org`,
  };
}

/**
 * The full-cost hashes of `HOLDER_PIN` and `INITIAL_PIN`, each derived once per file on first use: the
 * services verify them at their stored cost as before, and arranging a holder costs no scrypt of its own.
 */
const hashes = new Map<string, Promise<string>>();
function hashOnce(pin: string): Promise<string> {
  if (!hashes.has(pin)) hashes.set(pin, hashSecret(pin));
  return hashes.get(pin)!;
}

/**
 * An active ordinario holder whose PIN is `HOLDER_PIN`, valid 180 days, used before, with a mobile and an
 * e-mail; `overrides` change any field (e.g. status, failures, contacts, pinExpiresAt).
 */
export async function putHolder(citizen: Citizen, overrides: Partial<Credential> = {}): Promise<Credential> {
  const at = now();
  const { codiceFiscale, surname, givenName, birthDate, sex, birthPlaceCode } = citizen;
  const credential: Credential = {
    credentialId: randomId(),
    codiceFiscale,
    holder: { surname, givenName, birthDate, sex, birthPlaceCode },
    residence: { countryCode: "US", addressLines: ["1 Main St"], city: "Boston", postalCode: "02110" },
    contacts: contactsOf(citizen),
    holderKind: "citizen",
    pinType: "ordinario",
    status: "active",
    pinHash: "pinHash" in overrides ? undefined : await hashOnce(HOLDER_PIN),
    pinSetAt: at.toISOString(),
    pinExpiresAt: addDays(at, 180).toISOString(),
    everUsed: true,
    failures: 0,
    version: 1,
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    ...overrides,
  };
  await dynamodb.send(
    new PutCommand({
      TableName: TableName(),
      Item: { ...credentialKey(codiceFiscale), kind: "credential", ...credential },
    }),
  );
  return credential;
}

/** A holder waiting for first access with `INITIAL_PIN`, valid 30 more days, never used. */
export async function putFirstAccessHolder(citizen: Citizen, overrides: Partial<Credential> = {}) {
  return putHolder(citizen, {
    status: "pending-first-access",
    pinHash: undefined,
    pinSetAt: undefined,
    pinExpiresAt: undefined,
    initialPinHash: await hashOnce(INITIAL_PIN),
    initialPinExpiresAt: addDays(now(), 30).toISOString(),
    initialPinDelivery: "post",
    everUsed: false,
    ...overrides,
  });
}

/** The holder's audit records, oldest first. */
export async function auditOf(codiceFiscale: string): Promise<Array<AuditEvent & { at: string }>> {
  const { Items = [] } = await dynamodb.send(
    new QueryCommand({
      TableName: TableName(),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :events)",
      ExpressionAttributeValues: { ":pk": `CF#${codiceFiscale}`, ":events": "EVENT#" },
      ConsistentRead: true,
    }),
  );
  return Items as Array<AuditEvent & { at: string }>;
}

export const auditTypes = async (codiceFiscale: string) => (await auditOf(codiceFiscale)).map((e) => e.type);

/** The outbox notices (docs/product/README.md#architecture) addressed to `address`, whatever their channel. */
export async function noticesTo(address: string): Promise<OutboxItem[]> {
  const items: OutboxItem[] = [];
  for await (const page of paginateScan(
    { client: dynamodb },
    {
      TableName: TableName(),
      FilterExpression: "kind = :outbox",
      ExpressionAttributeValues: { ":outbox": "outbox" },
      ConsistentRead: true,
    },
  )) {
    items.push(...((page.Items ?? []) as OutboxItem[]));
  }
  return items.filter((n) => n.recipients.some((r) => r.to === address));
}

export const noticeTypesTo = async (address: string) => (await noticesTo(address)).map((n) => n.type).sort();

/** Everything the table holds, every page of it, as text: to check that a secret was written nowhere. */
export async function wholeTable(): Promise<string> {
  const items: unknown[] = [];
  for await (const page of paginateScan(
    { client: dynamodb },
    { TableName: TableName(), ConsistentRead: true },
  )) {
    items.push(...(page.Items ?? []));
  }
  return JSON.stringify(items);
}
