import { randomUUID } from "node:crypto";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { credentialKey } from "#shared/credentials/credential.model";
import { pinRequestBody } from "../fixtures/requests.ts";
import { api, clearOutbox, endpoints, outbox, postJson, putOnRecord, runJob, setClock } from "./helpers.ts";
import {
  activeHolders,
  linkTokenSentTo,
  partBsFromBatch,
  type RequestBody,
  readManifest,
  s3Client,
  tableClient,
} from "./journeys.ts";

/**
 * The service under real failures of its providers (docs/local-stack.md `POST /_local/faults`): nothing lost, nothing done
 * twice. The SDK retries: failing one call the application sees takes all its attempts (four for DynamoDB,
 * three for the other clients).
 */
const SDK_ATTEMPTS = 3;
const DYNAMODB_ATTEMPTS = 4;
const PIN = "H4VX8R2M";

async function arm(rule: Record<string, unknown>): Promise<void> {
  const reply = await postJson("/_local/faults", rule);
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
}

async function disarm(): Promise<void> {
  expect((await api("/_local/faults", { method: "DELETE" })).status).toBe(204);
}

/** Waits until `check` holds (notices travel through the outbox and the table's stream: a moment later). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}

const halvesFrom = (texts: string[]) => texts.map((text) => /è ([0-9A-F]{8})/.exec(text)?.[1]);
const pairingOf = (text: string | undefined) => /abbinamento ([A-Z]{4})/.exec(text ?? "")?.[1];

/** Messages of `person` carrying a half of a recovered PIN. */
async function recoveredHalves(person: RequestBody) {
  const box = await outbox();
  return {
    sms: box.sms.filter((m) => m.to === person.contacts.mobile && /nuovo PIN è/.test(m.text)),
    emails: box.emails.filter((m) => m.to === person.contacts.email && /nuovo PIN è/.test(m.text)),
  };
}

async function loginOutcome(codiceFiscale: string, pin: string) {
  const reply = await postJson("/v1/sessions", { codiceFiscale, pin });
  return reply.status === 200 ? reply.body.outcome : reply.status;
}

/** Manifest rows of every batch the print house may print (it has its summary), across all runs. */
async function printedRows() {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3Client().send(
      new ListObjectsV2Command({ Bucket: endpoints().lettersBucket, Prefix: "batches/", ContinuationToken }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  const prefixes = keys
    .filter((k) => k.endsWith("/summary.json"))
    .map((k) => k.replace(/summary\.json$/, ""));
  const rows = await Promise.all(
    prefixes.map(async (prefix) => (await readManifest(prefix)).map((row) => ({ ...row, prefix }))),
  );
  return { rows: rows.flat(), keys };
}

const rowOf = (person: RequestBody) => (row: { recipient: string; addressLines: string[] }) =>
  row.recipient.includes(person.surname) && row.addressLines[0] === person.residence.addressLines[0];

describe("faults survived: nothing lost, nothing twice", () => {
  beforeEach(async () => {
    await disarm();
    await setClock(0);
    await clearOutbox();
  });
  afterEach(() => disarm());
  afterAll(() => setClock(0));

  it("arms, lists and clears faults; refuses what it cannot inject", async () => {
    await arm({ service: "dynamodb", operation: "TransactWriteItems", mode: "throttle", count: 2 });
    await arm({ service: "s3", operation: "PUT /pin-letters/*", mode: "timeout", count: 1 });
    expect((await api("/_local/faults")).body).toEqual({
      faults: [
        { service: "dynamodb", operation: "TransactWriteItems", mode: "throttle", count: 2 },
        { service: "s3", operation: "PUT /pin-letters/*", mode: "timeout", count: 1 },
      ],
    });
    expect((await postJson("/_local/faults", { service: "kms", mode: "error", count: 1 })).status).toBe(400);
    expect((await postJson("/_local/faults", { service: "sns", mode: "error", count: 0 })).status).toBe(400);
    await disarm();
    expect((await api("/_local/faults")).body).toEqual({ faults: [] });
  });

  it("a PIN request whose part A cannot be sent answers 503 and leaves nothing usable; its retry sends one part A", async () => {
    const person = pinRequestBody();
    await putOnRecord(person);
    await runJob("letter-batch"); // letters of earlier tests out of the way
    const key = randomUUID();
    await arm({ service: "sns", operation: "Publish", mode: "error", count: SDK_ATTEMPTS });

    const failed = await postJson("/v1/pin-requests", person, { "idempotency-key": key });
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ code: "temporarily-unavailable" });
    expect(failed.headers.get("retry-after")).toBeTruthy();
    expect((await outbox()).sms.filter((m) => m.to === person.contacts.mobile)).toEqual([]);
    const { Item } = await tableClient().send(
      new GetCommand({ TableName: endpoints().tableName, Key: credentialKey(person.codiceFiscale) }),
    );
    expect(Item).toBeUndefined();
    const idle = await runJob("letter-batch");
    expect(idle.status).toBe(200);
    expect(idle.body.letters).toBe(0);

    const retried = await postJson("/v1/pin-requests", person, { "idempotency-key": key });
    expect(retried.status).toBe(202);
    const partAs = (await outbox()).sms.filter((m) => m.to === person.contacts.mobile);
    expect(partAs).toHaveLength(1);
    const job = await runJob("letter-batch");
    expect(job.body.letters).toBe(1);
    const partB = (await partBsFromBatch(job.body.prefix, [person])).get(person.codiceFiscale);
    const partA = halvesFrom(partAs.map((m) => m.text))[0];
    expect(await loginOutcome(person.codiceFiscale, `${partA}${partB}`)).toBe("pin-change-required");
  });

  it("a part A held up by a provider that never answers is bounded by the SDK's timeout and sent once", async () => {
    const person = pinRequestBody();
    await putOnRecord(person);
    // The held call never reaches the provider; the SDK gives up on it after its socket timeout and retries.
    await arm({ service: "sns", operation: "Publish", mode: "timeout", count: 1 });
    const started = Date.now();
    const reply = await postJson("/v1/pin-requests", person, { "idempotency-key": randomUUID() });
    expect(reply.status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
    expect((await outbox()).sms.filter((m) => m.to === person.contacts.mobile)).toHaveLength(1);
  });

  it("a recovery whose e-mail half cannot be sent changes nothing, keeps the link, and its retry sends one pair", async () => {
    const person = pinRequestBody();
    await activeHolders([person], PIN);
    expect(
      (
        await postJson("/v1/recoveries", {
          codiceFiscale: person.codiceFiscale,
          mobile: person.contacts.mobile,
          email: person.contacts.email,
        })
      ).status,
    ).toBe(202);
    const token = await linkTokenSentTo(person.contacts.email);
    await clearOutbox();
    await arm({
      service: "ses",
      operation: "POST /v2/email/outbound-emails",
      mode: "error",
      count: SDK_ATTEMPTS,
    });

    const failed = await postJson("/v1/recoveries/confirm", { token });
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ code: "temporarily-unavailable" });
    // The e-mail half goes first: with it refused, no half went anywhere and the old PIN still works.
    expect(await recoveredHalves(person)).toEqual({ sms: [], emails: [] });
    expect(await loginOutcome(person.codiceFiscale, PIN)).toBe("authenticated");

    const retried = await postJson("/v1/recoveries/confirm", { token });
    expect(retried.status).toBe(200);
    const { sms, emails } = await recoveredHalves(person);
    expect(sms).toHaveLength(1);
    expect(emails).toHaveLength(1);
    expect(pairingOf(sms[0]?.text)).toBe(pairingOf(emails[0]?.text));
    const [partA] = halvesFrom(sms.map((m) => m.text));
    const [partB] = halvesFrom(emails.map((m) => m.text));
    expect(await loginOutcome(person.codiceFiscale, `${partA}${partB}`)).toBe("pin-change-required");
    expect((await postJson("/v1/recoveries/confirm", { token })).status).toBe(401);
  });

  it("a recovery whose SMS half fails after the e-mail half went out leaves that half dead; the retry's pair works", async () => {
    const person = pinRequestBody();
    await activeHolders([person], PIN);
    await postJson("/v1/recoveries", {
      codiceFiscale: person.codiceFiscale,
      mobile: person.contacts.mobile,
      email: person.contacts.email,
    });
    const token = await linkTokenSentTo(person.contacts.email);
    await clearOutbox();
    await arm({ service: "sns", operation: "Publish", mode: "throttle", count: SDK_ATTEMPTS });

    const failed = await postJson("/v1/recoveries/confirm", { token });
    expect(failed.status).toBe(503);
    const stale = await recoveredHalves(person);
    expect(stale.sms).toHaveLength(0);
    expect(stale.emails).toHaveLength(1);
    expect(await loginOutcome(person.codiceFiscale, PIN)).toBe("authenticated");

    await clearOutbox();
    const retried = await postJson("/v1/recoveries/confirm", { token });
    expect(retried.status).toBe(200);
    const fresh = await recoveredHalves(person);
    expect(fresh.sms).toHaveLength(1);
    expect(fresh.emails).toHaveLength(1);
    expect(pairingOf(fresh.sms[0]?.text)).toBe(pairingOf(fresh.emails[0]?.text));
    expect(pairingOf(stale.emails[0]?.text)).not.toBe(pairingOf(fresh.emails[0]?.text));
    const [partA] = halvesFrom(fresh.sms.map((m) => m.text));
    const [partB] = halvesFrom(fresh.emails.map((m) => m.text));
    const [staleB] = halvesFrom(stale.emails.map((m) => m.text));
    expect(await loginOutcome(person.codiceFiscale, `${partA}${staleB}`)).toBe(401);
    expect(await loginOutcome(person.codiceFiscale, `${partA}${partB}`)).toBe("pin-change-required");
  });

  it("prints every letter exactly once across reruns when S3 fails mid-file and DynamoDB throttles the marking", async () => {
    await runJob("letter-batch"); // letters of earlier tests out of the way
    const people = Array.from({ length: 4 }, () => pinRequestBody());
    await putOnRecord(...people);
    for (const person of people) expect((await postJson("/v1/pin-requests", person)).status).toBe(202);
    const partAs = new Map(
      (await outbox()).sms.map((m) => [m.to, halvesFrom([m.text])[0]] as const).filter(([, a]) => a),
    );

    // 1. The PDF is stored, then its part manifest cannot be: the run dies before its commit point.
    await arm({
      service: "s3",
      operation: "PUT /pin-letters/batches/*/letters-0001.json",
      mode: "error",
      count: SDK_ATTEMPTS,
    });
    expect((await runJob("letter-batch")).status).not.toBe(200);
    // 2. The next run commits its file, then DynamoDB throttles the marking (its first multi-item write, batch
    // or transaction): it dies after its commit point.
    await arm({
      service: "dynamodb",
      operation: "*WriteItem*",
      mode: "throttle",
      count: DYNAMODB_ATTEMPTS,
    });
    expect((await runJob("letter-batch")).status).not.toBe(200);
    expect((await api("/_local/faults")).body).toEqual({ faults: [] });
    // 3. A clean run finishes the committed file without printing it again, and finds nothing else to print.
    const finishing = await runJob("letter-batch");
    expect(finishing.status).toBe(200);
    expect(finishing.body).toMatchObject({ letters: 0, recoveredLetters: 4, finalisedBatches: 1 });
    expect((await runJob("letter-batch")).body).toMatchObject({ letters: 0, recoveredLetters: 0 });

    const { rows, keys } = await printedRows();
    for (const person of people) {
      const printed = rows.filter(rowOf(person));
      expect(printed, person.surname).toHaveLength(1);
      const partB = (await partBsFromBatch(printed[0]!.prefix, [person])).get(person.codiceFiscale);
      expect(partB).toMatch(/^[0-9A-F]{8}$/);
      const partA = partAs.get(person.contacts.mobile);
      expect(await loginOutcome(person.codiceFiscale, `${partA}${partB}`)).toBe("pin-change-required");
    }
    // The file of the run that died before its commit point exists, but no summary lists it: never printed.
    const orphans = keys.filter(
      (k) =>
        k.endsWith("letters-0001.pdf") && !keys.includes(k.replace(/letters-0001\.pdf$/, "summary.json")),
    );
    expect(orphans.length).toBeGreaterThanOrEqual(1);
  });

  it("expiry reminders: an e-mail SES refuses is sent later, and no run sends a reminder twice", async () => {
    const person = pinRequestBody();
    // The stack is shared: every holder of the tests before this one gets its 30-day reminder now, with SES
    // healthy, so that their failing e-mails do not queue ahead of this holder's (a stream delivers in order);
    // this holder's PIN is issued after, and its own 30 days come 150 days on.
    await setClock(150 * 86_400 + 3_600);
    expect((await runJob("expiry-reminders")).status).toBe(200);
    await activeHolders([person], PIN);
    const reminders = async () => {
      const box = await outbox();
      return {
        sms: box.sms.filter((m) => m.to === person.contacts.mobile && /scade tra 30 giorni/.test(m.text)),
        emails: box.emails.filter(
          (m) => m.to === person.contacts.email && /scade tra 30 giorni/.test(m.text),
        ),
      };
    };
    await clearOutbox();
    // 150 days on, the 180-day PIN has 30 days left (the earlier holders' have expired); SES refuses every e-mail
    // for a while.
    await setClock(300 * 86_400 + 7_200);
    await arm({ service: "ses", operation: "POST /v2/email/outbound-emails", mode: "error", count: 1_000 });
    const run = await runJob("expiry-reminders");
    expect(run.status).toBe(200);
    expect(run.body.byThreshold[30]).toBeGreaterThanOrEqual(1);
    const smsFirst = await eventually(reminders, (r) => r.sms.length > 0);
    expect(smsFirst.sms).toHaveLength(1);
    expect(smsFirst.emails).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await reminders()).emails).toHaveLength(0);

    await disarm();
    expect((await runJob("expiry-reminders")).status).toBe(200);
    const delivered = await eventually(reminders, (r) => r.emails.length > 0);
    expect(delivered.emails).toHaveLength(1);
    expect(delivered.sms).toHaveLength(1);

    expect((await runJob("expiry-reminders")).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await reminders()).toEqual({ sms: delivered.sms, emails: delivered.emails });
  });
});
