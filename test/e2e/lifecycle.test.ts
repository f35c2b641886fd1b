import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { pinRequestBody } from "../fixtures/requests.ts";
import {
  api,
  clearOutbox,
  endpoints,
  outbox,
  postJson,
  putOnRecord,
  readLogs,
  runJob,
  setClock,
} from "./helpers.ts";
import { partBsFromBatch, type RequestBody } from "./journeys.ts";

const NEW_PIN = "K7QW2M9X";

function s3(): S3Client {
  const e = endpoints();
  return new S3Client({ endpoint: e.s3, region: e.region, credentials: e.credentials, forcePathStyle: true });
}

async function listKeys(prefix = "batches/"): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3().send(
      new ListObjectsV2Command({ Bucket: endpoints().lettersBucket, Prefix: prefix, ContinuationToken }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return keys;
}

/** Part A as the holder reads it in the SMS sent to `mobile`. */
async function partAFromSms(mobile: string): Promise<string> {
  // Notices to the same number arrive on their own time (the outbox): the last SMS with a PIN half.
  const sms = (await outbox()).sms.filter((m) => m.to === mobile && /[0-9A-F]{8}/.test(m.text));
  const match = /([0-9A-F]{8})/.exec(sms.at(-1)?.text ?? "");
  expect(match, "part A SMS").not.toBeNull();
  return match![1]!;
}

/** Part B as the holder reads it on the printed letter: from the PDF page the manifest points to. */
async function partBFromLetter(prefix: string, person: RequestBody): Promise<string> {
  const partB = (await partBsFromBatch(prefix, [person])).get(person.codiceFiscale);
  expect(partB, "part B on the letter").toMatch(/^[0-9A-F]{8}$/);
  return partB!;
}

describe("PIN lifecycle over the local stack", () => {
  beforeEach(async () => {
    await setClock(0);
    await clearOutbox();
  });
  afterAll(() => setClock(0));

  it("request → SMS part A → letter → first access → login → /v1/me → expiry → renewal", async () => {
    const body = pinRequestBody();
    await putOnRecord(body);
    const requested = await postJson("/v1/pin-requests", body);
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({
      partASentTo: { channel: "sms" },
      letter: { expectedWithinDays: 15 },
    });
    expect(JSON.stringify(requested.body)).not.toContain(body.contacts.mobile);

    const partA = await partAFromSms(body.contacts.mobile);
    const job = await runJob("letter-batch");
    expect(job.status).toBe(200);
    expect(job.body.letters).toBeGreaterThanOrEqual(1);
    const keys = await listKeys(job.body.prefix);
    expect(keys).toEqual(
      expect.arrayContaining([
        `${job.body.prefix}letters-0001.pdf`,
        `${job.body.prefix}manifest.json`,
        `${job.body.prefix}manifest.csv`,
        `${job.body.prefix}summary.json`,
      ]),
    );
    const partB = await partBFromLetter(job.body.prefix, body);

    // A wrong half is an ordinary failure; the whole 16-character PIN (typed with spaces) opens first access.
    const first = await postJson("/v1/sessions", {
      codiceFiscale: body.codiceFiscale.toLowerCase(),
      pin: `${partA.slice(0, 4)} ${partA.slice(4)}-${partB.toLowerCase()}`,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ outcome: "pin-change-required", reason: "first-access" });

    const weak = await postJson("/v1/pin-changes", {
      changeToken: first.body.changeToken,
      newPin: "12345678",
    });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatchObject({ code: "weak-pin" });

    const changed = await postJson("/v1/pin-changes", {
      changeToken: first.body.changeToken,
      newPin: NEW_PIN,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ outcome: "pin-changed", pinType: "ordinario" });

    const reused = await postJson("/v1/pin-changes", {
      changeToken: first.body.changeToken,
      newPin: "Z8RT4KP2",
    });
    expect(reused.status).toBe(401);
    const initialAgain = await postJson("/v1/sessions", {
      codiceFiscale: body.codiceFiscale,
      pin: partA + partB,
    });
    expect(initialAgain.status).toBe(401);

    const login = await postJson("/v1/sessions", {
      codiceFiscale: body.codiceFiscale,
      pin: NEW_PIN.toLowerCase(),
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ outcome: "authenticated", expiresIn: 900, pinType: "ordinario" });

    const jwks = await api("/.well-known/jwks.json");
    expect(jwks.body.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256" });
    expect(jwks.body.keys[0].d).toBeUndefined();

    const me = await api("/v1/me", { headers: { authorization: `Bearer ${login.body.accessToken}` } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      codiceFiscale: body.codiceFiscale,
      pinType: "ordinario",
      holderKind: "citizen",
    });
    expect(me.body.contacts.mobile).not.toBe(body.contacts.mobile);
    expect(me.body.contacts.mobile.slice(-4)).toBe(body.contacts.mobile.slice(-4));

    const noToken = await api("/v1/me");
    expect(noToken.status).toBe(401);

    await setClock(181 * 86_400);
    const expired = await postJson("/v1/sessions", { codiceFiscale: body.codiceFiscale, pin: NEW_PIN });
    expect(expired.body).toMatchObject({ outcome: "pin-change-required", reason: "expired" });
    const same = await postJson("/v1/pin-changes", {
      changeToken: expired.body.changeToken,
      newPin: NEW_PIN,
    });
    expect(same.status).toBe(400);
    expect(same.body).toMatchObject({ code: "weak-pin", reason: "same-as-current" });
    const renewed = await postJson("/v1/pin-changes", {
      changeToken: expired.body.changeToken,
      newPin: "Z8RT4KP2",
    });
    expect(renewed.status).toBe(200);
    const after = await postJson("/v1/sessions", { codiceFiscale: body.codiceFiscale, pin: "Z8RT4KP2" });
    expect(after.body.outcome).toBe("authenticated");

    const logs = readLogs();
    for (const secret of [
      partA,
      partB,
      NEW_PIN,
      "Z8RT4KP2",
      login.body.accessToken,
      first.body.changeToken,
    ]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toContain(body.contacts.mobile);
    expect(logs).not.toContain(body.contacts.email);
  });
});
