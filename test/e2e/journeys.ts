import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { extractText, getDocumentProxy } from "unpdf";
import type { pinRequestBody } from "../fixtures/requests.ts";
import { endpoints, outbox, postJson, putOnRecord, runJob } from "./helpers.ts";

export type RequestBody = ReturnType<typeof pinRequestBody>;

export function s3Client(): S3Client {
  const e = endpoints();
  return new S3Client({ endpoint: e.s3, region: e.region, credentials: e.credentials, forcePathStyle: true });
}

export function tableClient(): DynamoDBDocumentClient {
  const e = endpoints();
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: e.dynamodb, region: e.region, credentials: e.credentials }),
  );
}

export async function readLetterObject(key: string): Promise<Uint8Array> {
  const object = await s3Client().send(new GetObjectCommand({ Bucket: endpoints().lettersBucket, Key: key }));
  return object.Body!.transformToByteArray();
}

export interface ManifestRow {
  letterId: string;
  file: string;
  page: number;
  recipient: string;
  addressLines: string[];
}

export async function readManifest(prefix: string): Promise<ManifestRow[]> {
  const raw = JSON.parse(Buffer.from(await readLetterObject(`${prefix}manifest.json`)).toString());
  return raw.letters as ManifestRow[];
}

/** Part B of each named holder, read back from the printed PDF pages the manifest points to. */
export async function partBsFromBatch(prefix: string, people: RequestBody[]): Promise<Map<string, string>> {
  const rows = await readManifest(prefix);
  const texts = new Map<string, string[]>();
  const out = new Map<string, string>();
  for (const person of people) {
    // Test people may share names; the street line carries their unique index.
    const row = rows.find(
      (r) => r.recipient.includes(person.surname) && r.addressLines[0] === person.residence.addressLines[0],
    );
    if (!row) continue;
    if (!texts.has(row.file)) {
      const { text } = await extractText(await getDocumentProxy(await readLetterObject(row.file)), {
        mergePages: false,
      });
      texts.set(row.file, text);
    }
    const match = /:\s*([0-9A-F]{8})/.exec(texts.get(row.file)?.[row.page - 1] ?? "");
    if (match?.[1]) out.set(person.codiceFiscale, match[1]);
  }
  return out;
}

/** Requests PINs for `people`, prints their letters, and returns each one's whole 16-character initial PIN. */
export async function issueInitialPins(people: RequestBody[]): Promise<Map<string, string>> {
  await putOnRecord(...people);
  // Side by side: each online request answers after the same floor, whoever it is for.
  await Promise.all(
    people.map(async (person) => {
      const response = await postJson("/v1/pin-requests", person);
      if (response.status !== 202)
        throw new Error(`request failed: ${response.status} ${JSON.stringify(response.body)}`);
    }),
  );
  const sms = (await outbox()).sms;
  const job = await runJob("letter-batch");
  const partBs = await partBsFromBatch(job.body.prefix, people);
  const pins = new Map<string, string>();
  for (const person of people) {
    const text =
      sms.filter((m) => m.to === person.contacts.mobile && /[0-9A-F]{8}/.test(m.text)).at(-1)?.text ?? "";
    const partA = /([0-9A-F]{8})/.exec(text)?.[1];
    const partB = partBs.get(person.codiceFiscale);
    if (!partA || !partB) throw new Error(`no PIN halves for ${person.surname}`);
    pins.set(person.codiceFiscale, partA + partB);
  }
  return pins;
}

/** Every audit record of a holder, oldest first. */
export async function auditEvents(codiceFiscale: string): Promise<Array<Record<string, unknown>>> {
  const { Items } = await tableClient().send(
    new QueryCommand({
      TableName: endpoints().tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :events)",
      ExpressionAttributeValues: { ":pk": `CF#${codiceFiscale}`, ":events": "EVENT#" },
    }),
  );
  return Items ?? [];
}

export function uniqueMobile(i: number): string {
  return `+1415555${String(1000 + (i % 9000)).padStart(4, "0")}`;
}

/** Requests, prints and activates PINs: each person ends with the 8-character PIN `newPin`. */
export async function activeHolders(people: RequestBody[], newPin: string): Promise<void> {
  const pins = await issueInitialPins(people);
  for (const person of people) {
    const first = await postJson("/v1/sessions", {
      codiceFiscale: person.codiceFiscale,
      pin: pins.get(person.codiceFiscale),
    });
    const changed = await postJson("/v1/pin-changes", { changeToken: first.body.changeToken, newPin });
    if (changed.status !== 200) throw new Error(`activation failed: ${JSON.stringify(changed.body)}`);
  }
}

/** The one-time token of the last link mailed to `to`. */
export async function linkTokenSentTo(to: string): Promise<string | undefined> {
  const mail = (await outbox()).emails.filter((m) => m.to === to && m.text.includes("token=")).at(-1);
  return /[?&]token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? "")?.[1];
}
