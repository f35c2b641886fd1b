import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { pinRequestBody } from "../fixtures/requests.ts";
import {
  api,
  clearOutbox,
  endpoints,
  type Outbox,
  postJson,
  putOnRecord,
  readLogs,
  setClock,
  settledOutbox,
  waitForOutbox,
} from "./helpers.ts";
import { type RequestBody, tableClient } from "./journeys.ts";

/**
 * The transactional outbox (docs/product/README.md#architecture) on the local stack: a notice is written with the state change it reports,
 * read from DynamoDB Local's stream like Lambda's event source mapping reads DynamoDB's, and delivered by the
 * notifier once per recipient, whatever fails or restarts in between.
 */
/** The SDK's attempts at one call: failing one send the notifier sees takes all of them. */
const SDK_ATTEMPTS = 3;

const isLockNotice = (m: { subject?: string; text: string }) => /bloccato|locked/i.test(m.subject ?? m.text);

/** A person with a PIN just requested (part A sent): enough to be locked out. */
async function holderOf(person: RequestBody): Promise<void> {
  await putOnRecord(person);
  expect((await postJson("/v1/pin-requests", person)).status).toBe(202);
  await clearOutbox();
}

/** Five wrong PINs in a row: the fifth locks the credential. */
async function lock(person: RequestBody): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const reply = await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: "WRONG9PN" });
    expect(reply.status).toBe(401);
  }
}

function lockNotices(box: Outbox, person: RequestBody) {
  return {
    sms: box.sms.filter((m) => m.to === person.contacts.mobile && isLockNotice(m)),
    emails: box.emails.filter((m) => m.to === person.contacts.email && isLockNotice(m)),
  };
}

/** The outbox items of a notice type (a test may scan; the service never does). */
async function outboxItems(type: string): Promise<Array<Record<string, unknown>>> {
  const { Items } = await tableClient().send(
    new ScanCommand({
      TableName: endpoints().tableName,
      FilterExpression: "kind = :outbox AND #type = :type",
      ExpressionAttributeNames: { "#type": "type" },
      ExpressionAttributeValues: { ":outbox": "outbox", ":type": type },
    }),
  );
  return Items ?? [];
}

async function setStreams(running: boolean): Promise<void> {
  const reply = await postJson("/_local/streams", { running });
  expect(reply.body).toEqual({ running });
}

describe("notification outbox", () => {
  beforeEach(async () => {
    await setClock(0);
    await clearOutbox();
  });
  afterEach(async () => {
    await setStreams(true);
    await api("/_local/faults", { method: "DELETE" });
  });
  afterAll(() => setClock(0));

  it("delivers a lock notice through the table's stream, once per contact, and records each delivery", async () => {
    const person = pinRequestBody();
    await holderOf(person);
    const before = (await outboxItems("pin-locked")).length;
    await lock(person);

    const box = await waitForOutbox((b) => {
      const notices = lockNotices(b, person);
      return notices.sms.length > 0 && notices.emails.length > 0;
    });
    expect(lockNotices(box, person).sms[0]!.text).toMatch(/sblocca|unlock|contact center/i);
    const settled = lockNotices(await settledOutbox(), person);
    expect(settled.sms).toHaveLength(1);
    expect(settled.emails).toHaveLength(1);

    // The notice is an item of the table, written with the lock; the notifier recorded each delivery on it.
    const items = await outboxItems("pin-locked");
    expect(items.length).toBe(before + 1);
    const item = items.find((i) =>
      (i.recipients as Array<{ to: string }>).some((r) => r.to === person.contacts.mobile),
    )!;
    expect(item.ttl).toEqual(expect.any(Number));
    expect(Object.values(item.deliveries as Record<string, { state: string }>).map((d) => d.state)).toEqual([
      "sent",
      "sent",
    ]);
    // What the notice says and to whom never reaches a log.
    expect(readLogs()).not.toContain(person.contacts.email);
  });

  it("retries a notice whose SMS cannot be sent, and sends it once; the e-mail that went is not sent again", async () => {
    const person = pinRequestBody();
    await holderOf(person);
    // Every attempt of the notifier's first try fails at the SMS provider; the stream record is retried.
    const armed = await postJson("/_local/faults", {
      service: "sns",
      operation: "Publish",
      mode: "error",
      count: SDK_ATTEMPTS,
    });
    expect(armed.status).toBe(201);
    await lock(person);

    await waitForOutbox((b) => lockNotices(b, person).sms.length > 0);
    const settled = lockNotices(await settledOutbox(), person);
    expect(settled.sms).toHaveLength(1);
    expect(settled.emails).toHaveLength(1);
    expect((await api("/_local/faults")).body).toEqual({ faults: [] });
    expect(readLogs()).toMatch(
      /"message":"notice not delivered"[^\n]*"notice":"pin-locked"[^\n]*"channel":"sms"/,
    );
  });

  it("delivers what was committed while nothing read the stream once reading resumes", async () => {
    const person = pinRequestBody();
    await holderOf(person);
    await setStreams(false);
    await lock(person);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(lockNotices(await api("/_local/outbox").then((r) => r.body as Outbox), person)).toEqual({
      sms: [],
      emails: [],
    });

    await setStreams(true);
    await waitForOutbox((b) => lockNotices(b, person).emails.length > 0);
    const settled = lockNotices(await settledOutbox(), person);
    expect(settled.sms).toHaveLength(1);
    expect(settled.emails).toHaveLength(1);
  });
});
