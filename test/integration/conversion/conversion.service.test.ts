import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { listApplications, submitApplication } from "#shared/applications/application.service";
import { decideConversion } from "#shared/conversion/conversion.service";
import { conversionKey } from "#shared/conversion/conversion.store";
import { type Credential, credentialKey } from "#shared/credentials/credential.model";
import { getCredential } from "#shared/credentials/credential.store";
import { dynamodb } from "#shared/platform/dynamodb-client";
import { randomId } from "#shared/platform/random";
import { makeCitizenN } from "../../fixtures/citizens.ts";

mockClient(SNSClient).on(PublishCommand).resolves({ MessageId: "m" });
mockClient(SESv2Client).on(SendEmailCommand).resolves({ MessageId: "e" });
const TableName = () => process.env.TABLE_NAME!;
const citizen = { actor: "citizen", channel: "web" };

/** An active ordinario holder with three suspended applications and a submitted conversion request. */
async function holderAwaitingDecision(i: number) {
  const person = makeCitizenN(i);
  const now = new Date().toISOString();
  const credential: Credential = {
    credentialId: randomId(),
    codiceFiscale: person.codiceFiscale,
    holder: person,
    residence: { countryCode: "US", addressLines: ["1 Main St"], city: "Boston", postalCode: "02110" },
    contacts: { email: `${person.codiceFiscale.toLowerCase()}@example.org` },
    holderKind: "citizen",
    pinType: "ordinario",
    status: "active",
    everUsed: true,
    failures: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const requestId = randomId();
  await dynamodb.send(
    new PutCommand({
      TableName: TableName(),
      Item: {
        ...credentialKey(person.codiceFiscale),
        kind: "credential",
        ...credential,
        openConversionId: requestId,
      },
    }),
  );
  await dynamodb.send(
    new PutCommand({
      TableName: TableName(),
      Item: {
        ...conversionKey(requestId),
        id: requestId,
        codiceFiscale: person.codiceFiscale,
        holder: person,
        status: "submitted",
        channel: "online",
        identityDocument: { kind: "passport", number: "X1", issuingCountry: "US", expiryDate: "2031-01-01" },
        documents: ["request-form", "identity-document"],
        createdAt: now,
        submittedAt: now,
      },
    }),
  );
  const applications = [];
  for (const benefit of ["naspi", "assegno-unico", "dis-coll"] as const) {
    applications.push(await submitApplication(credential, { benefit }, citizen));
  }
  return { codiceFiscale: person.codiceFiscale, requestId, applications };
}

/** Fails the n-th write that accepts an application, once: a function dying mid-release. */
function crashOnApplicationRelease(n: number) {
  let seen = 0;
  const middleware =
    (next: (args: { input: Record<string, unknown> }) => Promise<unknown>) =>
    async (args: { input: Record<string, unknown> }) => {
      const key = args.input.Key as { sk?: string } | undefined;
      if (key?.sk?.startsWith("APPLICATION#") && String(args.input.UpdateExpression).includes("acceptedAt")) {
        seen++;
        if (seen === n) throw Object.assign(new Error("simulated crash"), { name: "SimulatedCrash" });
      }
      return next(args);
    };
  dynamodb.middlewareStack.add(middleware as never, { step: "initialize", name: "crashOnRelease" });
}

describe("applications released by a conversion (F11)", () => {
  afterEach(() => {
    dynamodb.middlewareStack.remove("crashOnRelease");
  });

  it("heals a release cut short: the retried decision finishes it, each application accepted once, submittedAt kept", async () => {
    const { codiceFiscale, requestId, applications } = await holderAwaitingDecision(81_001);
    expect(applications.every((a) => a.status === "suspended")).toBe(true);
    crashOnApplicationRelease(2);
    await expect(decideConversion(requestId, { decision: "approved" }, "op-1")).rejects.toThrow(
      "simulated crash",
    );
    dynamodb.middlewareStack.remove("crashOnRelease");
    expect((await getCredential(codiceFiscale))?.pinType).toBe("dispositivo");

    // The operator retries: the request is already decided, and the release is finished before answering.
    await expect(decideConversion(requestId, { decision: "approved" }, "op-1")).rejects.toMatchObject({
      statusCode: 409,
      code: "already-decided",
    });
    const { items } = await listApplications((await getCredential(codiceFiscale))!);
    expect(items).toHaveLength(3);
    for (const original of applications) {
      const now = items.find((a) => a.id === original.id)!;
      expect(now).toMatchObject({ status: "accepted", submittedAt: original.submittedAt });
      expect(now.acceptedAt).toBeDefined();
    }
  });

  it("heals on read too: listing the applications of a converted holder releases what is left", async () => {
    const { codiceFiscale, requestId } = await holderAwaitingDecision(81_002);
    crashOnApplicationRelease(1);
    await expect(decideConversion(requestId, { decision: "approved" }, "op-1")).rejects.toThrow(
      "simulated crash",
    );
    dynamodb.middlewareStack.remove("crashOnRelease");
    const { items } = await listApplications((await getCredential(codiceFiscale))!);
    expect(items.map((a) => a.status)).toEqual(["accepted", "accepted", "accepted"]);
  });

  it("parallel releases accept each application exactly once", async () => {
    const { codiceFiscale, requestId } = await holderAwaitingDecision(81_003);
    const outcomes = await Promise.allSettled(
      [0, 1, 2, 3].map(() => decideConversion(requestId, { decision: "approved" }, "op-1")),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const { items } = await listApplications((await getCredential(codiceFiscale))!);
    expect(items.every((a) => a.status === "accepted")).toBe(true);
    // Each release is one conditional write, audited once: three applications, three releases.
    const { Items = [] } = await dynamodb.send(
      new QueryCommand({
        TableName: TableName(),
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :events)",
        ExpressionAttributeValues: { ":pk": `CF#${codiceFiscale}`, ":events": "EVENT#" },
      }),
    );
    expect(Items.filter((e) => e.type === "application-released")).toHaveLength(3);
  });
});
