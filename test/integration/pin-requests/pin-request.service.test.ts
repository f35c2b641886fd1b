import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type PinRequest, pinRequestSchema } from "#shared/pin-requests/pin-request.schema";
import { submitPinRequest } from "#shared/pin-requests/pin-request.service";
import { setClockOffsetSeconds } from "#shared/platform/clock";
import { dynamodb } from "#shared/platform/dynamodb-client";
import { AppError } from "#shared/platform/errors";
import { putPersonOnRecord } from "#shared/registry/registry.store";
import { tableDefinition } from "#shared/table";
import { pinRequestBody } from "../../fixtures/requests.ts";

const sns = mockClient(SNSClient);
const ses = mockClient(SESv2Client);
const web = { channel: "web" as const, actor: "citizen" };

/** Puts the requester on the institution's record, as the import would (docs/product/credential-rules.md). */
async function onRecord(request: PinRequest): Promise<PinRequest> {
  const { codiceFiscale, surname, givenName, birthDate, sex, birthPlaceCode, residence } = request;
  await putPersonOnRecord(
    { codiceFiscale, surname, givenName, birthDate, sex, birthPlaceCode, residence },
    "local",
  );
  return request;
}

async function credential(codiceFiscale: string) {
  const { Item } = await dynamodb.send(
    new GetCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: `CF#${codiceFiscale}`, sk: "CREDENTIAL" },
    }),
  );
  return Item;
}

async function lettersOf(codiceFiscale: string) {
  const { Items } = await dynamodb.send(
    new QueryCommand({
      TableName: process.env.TABLE_NAME,
      IndexName: tableDefinition.globalSecondaryIndexes.pendingLetters.indexName,
      KeyConditionExpression: "gsi1pk = :p",
      ExpressionAttributeValues: { ":p": "LETTER#PENDING" },
    }),
  );
  return (Items ?? []).filter((l) => l.codiceFiscale === codiceFiscale);
}

describe("PIN request (F1) on DynamoDB Local", () => {
  beforeEach(() => {
    sns.reset();
    ses.reset();
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    ses.on(SendEmailCommand).resolves({ MessageId: "e" });
  });
  afterEach(() => setClockOffsetSeconds(0));

  it("stores only a hash, encrypts part B, sends part A, and queues one letter", async () => {
    const request = await onRecord(pinRequestSchema.parse(pinRequestBody()));
    const { accepted } = await submitPinRequest(request, web);
    expect(accepted.partASentTo.channel).toBe("sms");
    const sms = sns.commandCalls(PublishCommand);
    expect(sms).toHaveLength(1);
    const partA = /([0-9A-F]{8})/.exec(sms[0]!.args[0].input.Message!)![1]!;
    const stored = await credential(request.codiceFiscale);
    expect(stored).toMatchObject({ status: "pending-first-access", pinType: "ordinario", failures: 0 });
    expect(stored?.initialPinHash).toMatch(/^scrypt\$ln=17,r=8,p=1\$/);
    expect(JSON.stringify(stored)).not.toContain(partA);
    const letters = await lettersOf(request.codiceFiscale);
    expect(letters).toHaveLength(1);
    expect(letters[0]?.partBCiphertext).toMatch(/^local:/);
  });

  it("answers 503 and leaves nothing usable when part A cannot be sent", async () => {
    sns.on(PublishCommand).rejects(new Error("SMS provider down"));
    const request = await onRecord(pinRequestSchema.parse(pinRequestBody()));
    const failure = await submitPinRequest(request, web).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ statusCode: 503, code: "temporarily-unavailable" });
    expect(await credential(request.codiceFiscale)).toBeUndefined();
    expect(await lettersOf(request.codiceFiscale)).toHaveLength(0);

    sns.on(PublishCommand).resolves({ MessageId: "m" });
    await submitPinRequest(request, web);
    expect((await credential(request.codiceFiscale))?.status).toBe("pending-first-access");
  });

  it("issues exactly one PIN when the same person asks five times at once", async () => {
    const request = await onRecord(pinRequestSchema.parse(pinRequestBody()));
    const answers = await Promise.all(Array.from({ length: 5 }, () => submitPinRequest(request, web)));
    expect(
      answers.every((a) => a.accepted.partASentTo.masked === answers[0]!.accepted.partASentTo.masked),
    ).toBe(true);
    const partASms = sns
      .commandCalls(PublishCommand)
      .filter((c) => /[0-9A-F]{8}/.test(c.args[0].input.Message ?? ""));
    expect(partASms).toHaveLength(1);
    expect(await lettersOf(request.codiceFiscale)).toHaveLength(1);
  });

  it("lets a new request replace an initial PIN that expired unused", async () => {
    const request = await onRecord(pinRequestSchema.parse(pinRequestBody()));
    await submitPinRequest(request, web);
    const first = await credential(request.codiceFiscale);
    setClockOffsetSeconds(91 * 86_400);
    await submitPinRequest(request, web);
    const second = await credential(request.codiceFiscale);
    expect(second?.credentialId).not.toBe(first?.credentialId);
    expect(
      sns.commandCalls(PublishCommand).filter((c) => /[0-9A-F]{8}/.test(c.args[0].input.Message ?? "")),
    ).toHaveLength(2);
  });
});
