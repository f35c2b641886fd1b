import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialKey } from "#shared/credentials/credential.model";
import { pinRequestBody } from "../fixtures/requests.ts";
import {
  api,
  apiBytes,
  clearOutbox,
  endpoints,
  operatorToken,
  postJson,
  setClock,
  settledOutbox,
  waitForOutbox,
} from "./helpers.ts";
import { activeHolders, linkTokenSentTo, type RequestBody, s3Client, tableClient } from "./journeys.ts";

const PIN = "CV4NQ8ZT";
const passport = { kind: "passport", number: "YB7654321", issuingCountry: "US", expiryDate: "2031-01-31" };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082",
  "hex",
);

async function login(person: RequestBody): Promise<string> {
  const answer = await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: PIN });
  expect(answer.body.outcome).toBe("authenticated");
  return answer.body.accessToken as string;
}

interface Upload {
  document: string;
  url: string;
  fields: Record<string, string>;
  fieldsByContentType: Record<string, Record<string, string>>;
  maxBytes: number;
  contentTypes: string[];
}

/**
 * A browser-style multipart POST straight to S3 with the presigned fields for the file's type, as the web
 * client sends it (or other fields, to try what the policy allows).
 */
async function upload(
  target: Upload,
  bytes: Buffer,
  contentType: string,
  fields = target.fieldsByContentType[contentType] ?? target.fields,
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("Content-Type", contentType);
  form.append("file", new Blob([new Uint8Array(bytes)], { type: contentType }), "scan");
  return fetch(target.url, { method: "POST", body: form });
}

describe("conversion to dispositivo (F10) and applications (F11)", () => {
  let people: RequestBody[];
  const tokens = new Map<string, string>();
  beforeAll(async () => {
    await setClock(0);
    people = Array.from({ length: 5 }, () => pinRequestBody());
    await activeHolders(people, PIN);
    for (const p of people) tokens.set(p.codiceFiscale, await login(p));
  });
  afterAll(() => setClock(0));
  const auth = (p: RequestBody) => bearer(tokens.get(p.codiceFiscale)!);

  it("online: open, form, upload straight to S3, submit, queue, one of four approvals, applications released", async () => {
    const holder = people[0]!;
    const suspended = await postJson(
      "/v1/applications",
      { benefit: "naspi", details: { weeks: 12 } },
      {
        ...auth(holder),
        "idempotency-key": `app-${holder.codiceFiscale}`,
      },
    );
    expect(suspended.status).toBe(201);
    expect(suspended.body).toMatchObject({ benefit: "naspi", status: "suspended" });
    expect(suspended.body.protocolNumber).toMatch(/^INPS-\d{4}-\d{10}$/);
    const replay = await postJson(
      "/v1/applications",
      { benefit: "naspi", details: { weeks: 12 } },
      {
        ...auth(holder),
        "idempotency-key": `app-${holder.codiceFiscale}`,
      },
    );
    expect(replay.body).toEqual(suspended.body);

    const expired = await postJson(
      "/v1/conversion-requests",
      { identityDocument: { ...passport, expiryDate: "2021-01-01" } },
      auth(holder),
    );
    expect(expired.status).toBe(422);
    expect(expired.body.code).toBe("document-expired");

    const opened = await postJson("/v1/conversion-requests", { identityDocument: passport }, auth(holder));
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ status: "awaiting-documents", channel: "online" });
    const uploads = new Map<string, Upload>(opened.body.uploads.map((u: Upload) => [u.document, u]));
    expect([...uploads.keys()].sort()).toEqual(["identity-document", "request-form"]);
    expect(uploads.get("request-form")!.maxBytes).toBe(10 * 1024 * 1024);
    const id = opened.body.id as string;

    const twice = await postJson("/v1/conversion-requests", { identityDocument: passport }, auth(holder));
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: "conversion-open", id });

    const form = await apiBytes(`/v1/conversion-requests/${id}/form`, { headers: auth(holder) });
    expect(form.status).toBe(200);
    expect(form.headers.get("content-type")).toBe("application/pdf");
    const formBytes = form.bytes;
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(formBytes)), {
      mergePages: true,
    });
    expect(text).toContain(holder.codiceFiscale);
    expect(text).toContain("YB7654321");

    const early = await api(`/v1/conversion-requests/${id}/submit`, {
      method: "POST",
      headers: auth(holder),
    });
    expect(early.status).toBe(422);
    expect(early.body.code).toBe("documents-missing");
    expect(early.body.documents.sort()).toEqual(["identity-document", "request-form"]);

    const tooBig = await upload(
      uploads.get("identity-document")!,
      Buffer.alloc(10 * 1024 * 1024 + 1, 0x25),
      "application/pdf",
    );
    expect(tooBig.status).toBe(400);
    expect(await tooBig.text()).toContain("EntityTooLarge");
    const scanUpload = uploads.get("identity-document")!;
    const pngFields = scanUpload.fieldsByContentType["image/png"]!;
    expect(
      (await upload(scanUpload, PNG, "image/png", { ...pngFields, key: "conversions/elsewhere/x" })).status,
    ).toBe(403);
    // Each policy takes its one type: HTML, or a type other than the policy's, is refused by S3 itself.
    for (const fields of [pngFields, scanUpload.fieldsByContentType["application/pdf"]!]) {
      const html = await upload(scanUpload, Buffer.from("<script>alert(1)</script>"), "text/html", fields);
      expect(html.status).toBe(403);
    }
    expect((await upload(scanUpload, PNG, "application/pdf", pngFields)).status).toBe(403);

    expect((await upload(uploads.get("request-form")!, formBytes, "application/pdf")).status).toBe(204);
    // A text file that claims to be a PNG is refused at submit.
    expect(
      (await upload(uploads.get("identity-document")!, Buffer.from("not an image"), "image/png")).status,
    ).toBe(204);
    const fake = await api(`/v1/conversion-requests/${id}/submit`, { method: "POST", headers: auth(holder) });
    expect(fake.status).toBe(422);
    expect(fake.body.documents).toEqual(["identity-document"]);
    expect((await upload(uploads.get("identity-document")!, PNG, "image/png")).status).toBe(204);
    const submitted = await api(`/v1/conversion-requests/${id}/submit`, {
      method: "POST",
      headers: auth(holder),
    });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toEqual({ id, status: "submitted" });
    // Checked copies: one per document, those of the failed submits deleted.
    const copies = await s3Client().send(
      new ListObjectsV2Command({ Bucket: endpoints().uploadsBucket, Prefix: `checked-conversions/${id}/` }),
    );
    expect((copies.Contents ?? []).map((o) => o.Key!.split("/")[2]).sort()).toEqual([
      "identity-document",
      "request-form",
    ]);
    // The presigned POSTs still run: the holder replaces both documents after submit, with other bytes and types.
    expect((await upload(scanUpload, formBytes, "application/pdf")).status).toBe(204);
    expect((await upload(uploads.get("request-form")!, PNG, "image/png")).status).toBe(204);

    const stranger = await api(`/v1/conversion-requests/${id}`, { headers: auth(people[1]!) });
    expect(stranger.status).toBe(404);

    const backOffice = bearer(await operatorToken("back-office", "bo-fabio"));
    const queue = await api("/v1/operator/conversion-requests?status=submitted&limit=200", {
      headers: backOffice,
    });
    expect(queue.status).toBe(200);
    const item = queue.body.items.find((i: { id: string }) => i.id === id);
    expect(item.holder).toMatchObject({
      codiceFiscale: holder.codiceFiscale,
      surname: holder.surname,
      birthDate: holder.birthDate,
    });
    // The back office still gets what was checked at submit, with the checked type.
    const scan = item.documents.find((d: { document: string }) => d.document === "identity-document");
    expect(scan).toMatchObject({ contentType: "image/png", bytes: PNG.length });
    const scanReply = await fetch(scan.url);
    expect(scanReply.headers.get("content-type")).toBe("image/png");
    expect(scanReply.headers.get("content-disposition")).toMatch(/^inline/);
    expect(Buffer.from(await scanReply.arrayBuffer())).toEqual(PNG);
    const signed = item.documents.find((d: { document: string }) => d.document === "request-form");
    expect(signed).toMatchObject({ contentType: "application/pdf", bytes: formBytes.length });
    const signedReply = await fetch(signed.url);
    expect(signedReply.headers.get("content-type")).toBe("application/pdf");
    expect(signedReply.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(Buffer.from(await signedReply.arrayBuffer())).toEqual(Buffer.from(formBytes));

    await clearOutbox();
    const decisions = await Promise.all(
      [0, 1, 2, 3].map(() =>
        postJson(`/v1/operator/conversion-requests/${id}/decision`, { decision: "approved" }, backOffice),
      ),
    );
    expect(decisions.map((d) => d.status).sort()).toEqual([200, 409, 409, 409]);
    expect(decisions.filter((d) => d.status === 409).every((d) => d.body.code === "already-decided")).toBe(
      true,
    );
    await waitForOutbox((b) =>
      b.sms.some((m) => m.to === holder.contacts.mobile && /dispositivo/.test(m.text)),
    );
    expect(
      (await settledOutbox()).sms.filter(
        (m) => m.to === holder.contacts.mobile && /dispositivo/.test(m.text),
      ),
    ).toHaveLength(1);

    const status = await api(`/v1/conversion-requests/${id}`, { headers: auth(holder) });
    expect(status.body).toMatchObject({ id, status: "approved", channel: "online" });
    const apps = await api("/v1/applications", { headers: auth(holder) });
    expect(apps.body.items).toHaveLength(1);
    expect(apps.body.items[0]).toMatchObject({
      id: suspended.body.id,
      status: "accepted",
      submittedAt: suspended.body.submittedAt,
    });
    expect(apps.body.items[0].acceptedAt > suspended.body.submittedAt).toBe(true);
    const me = await api("/v1/me", { headers: auth(holder) });
    expect(me.body.pinType).toBe("dispositivo");
    const accepted = await postJson("/v1/applications", { benefit: "bonus-nido" }, auth(holder));
    expect(accepted.body.status).toBe("accepted");
    const again = await postJson("/v1/conversion-requests", { identityDocument: passport }, auth(holder));
    expect(again.body.code).toBe("already-dispositivo");
  });

  it("rejects with a reason only, tells the holder why, and lets them try again", async () => {
    const holder = people[1]!;
    const opened = await postJson("/v1/conversion-requests", { identityDocument: passport }, auth(holder));
    for (const target of opened.body.uploads as Upload[])
      expect((await upload(target, PNG, "image/png")).status).toBe(204);
    expect(
      (
        await api(`/v1/conversion-requests/${opened.body.id}/submit`, {
          method: "POST",
          headers: auth(holder),
        })
      ).status,
    ).toBe(200);
    const backOffice = bearer(await operatorToken("back-office"));
    const path = `/v1/operator/conversion-requests/${opened.body.id}/decision`;
    const bare = await postJson(path, { decision: "rejected" }, backOffice);
    expect(bare.status).toBe(400);
    expect(bare.body.errors[0].path).toBe("reason");
    await clearOutbox();
    const rejected = await postJson(path, { decision: "rejected", reason: "Document illegible" }, backOffice);
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: "rejected", reason: "Document illegible" });
    await waitForOutbox((b) =>
      b.emails.some((m) => m.to === holder.contacts.email && m.text.includes("Document illegible")),
    );
    const apps = await postJson("/v1/applications", { benefit: "dis-coll" }, auth(holder));
    expect(apps.body.status).toBe("suspended");
    const retry = await postJson("/v1/conversion-requests", { identityDocument: passport }, auth(holder));
    expect(retry.status).toBe(201);
  });

  it("fax: the back office records it, the scan's upload queues it", async () => {
    const holder = people[2]!;
    const backOffice = bearer(await operatorToken("back-office"));
    const fax = await postJson(
      "/v1/operator/conversion-requests",
      { codiceFiscale: holder.codiceFiscale, receivedAt: "2026-11-20T09:30:00Z", identityDocument: passport },
      backOffice,
    );
    expect(fax.status).toBe(201);
    expect(fax.body).toMatchObject({ channel: "fax", status: "awaiting-documents" });
    expect(fax.body.uploads.map((u: Upload) => u.document)).toEqual(["fax"]);
    expect(
      (await upload(fax.body.uploads[0], Buffer.from("%PDF-1.4 fax scan"), "application/pdf")).status,
    ).toBe(204);
    let status = "";
    for (let i = 0; i < 50 && status !== "submitted"; i++) {
      status = (await api(`/v1/conversion-requests/${fax.body.id}`, { headers: auth(holder) })).body.status;
      if (status !== "submitted") await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe("submitted");
    const queue = await api("/v1/operator/conversion-requests?limit=200", { headers: backOffice });
    expect(
      queue.body.items.some(
        (i: { id: string; channel: string }) => i.id === fax.body.id && i.channel === "fax",
      ),
    ).toBe(true);
    expect(
      (await api("/v1/operator/conversion-requests", { headers: bearer(await operatorToken("branch")) }))
        .status,
    ).toBe(403);
  });

  it("branch: converts at once in person, closes the open online request, refuses a delegate", async () => {
    const holder = people[3]!;
    const opened = await postJson("/v1/conversion-requests", { identityDocument: passport }, auth(holder));
    const branch = bearer(await operatorToken("branch", "br-gino"));
    const body = {
      codiceFiscale: holder.codiceFiscale,
      identityDocument: passport,
      presentedBy: { kind: "holder" },
    };
    const delegate = await postJson(
      "/v1/operator/branch-conversions",
      { ...body, presentedBy: { kind: "delegate" } },
      branch,
    );
    expect(delegate.status).toBe(403);
    expect(delegate.body.code).toBe("delegate-not-allowed");
    const converted = await postJson("/v1/operator/branch-conversions", body, branch);
    expect(converted.status).toBe(200);
    expect(converted.body).toEqual({ pinType: "dispositivo" });
    const closed = await api(`/v1/conversion-requests/${opened.body.id}`, { headers: auth(holder) });
    expect(closed.body.status).toBe("approved");
    const twice = await postJson("/v1/operator/branch-conversions", body, branch);
    expect(twice.body.code).toBe("already-dispositivo");
  });

  it("does not convert a PIN reissued since the request: the approval closes it as rejected, with its reason, told to the holder", async () => {
    const holder = people[4]!;
    const opened = await postJson("/v1/conversion-requests", { identityDocument: passport }, auth(holder));
    expect(opened.status).toBe(201);
    for (const target of opened.body.uploads as Upload[])
      expect((await upload(target, PNG, "image/png")).status).toBe(204);
    const submit = `/v1/conversion-requests/${opened.body.id}/submit`;
    expect((await api(submit, { method: "POST", headers: auth(holder) })).status).toBe(200);

    await clearOutbox();
    const recovery = {
      codiceFiscale: holder.codiceFiscale,
      mobile: holder.contacts.mobile,
      email: holder.contacts.email,
    };
    expect((await postJson("/v1/recoveries", recovery)).status).toBe(202);
    const link = await linkTokenSentTo(holder.contacts.email);
    expect((await postJson("/v1/recoveries/confirm", { token: link })).status).toBe(200);

    await clearOutbox();
    const backOffice = bearer(await operatorToken("back-office", "bo-fabio"));
    const path = `/v1/operator/conversion-requests/${opened.body.id}/decision`;
    const decided = await postJson(path, { decision: "approved" }, backOffice);
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      status: "rejected",
      reason: expect.stringMatching(/revoked or reissued/),
    });
    await waitForOutbox((b) =>
      b.emails.some((m) => m.to === holder.contacts.email && m.text.includes("revoked or reissued")),
    );
    const { Item } = await tableClient().send(
      new GetCommand({ TableName: endpoints().tableName, Key: credentialKey(holder.codiceFiscale) }),
    );
    expect(Item).toMatchObject({ pinType: "ordinario" });
    expect(Item?.openConversionId).toBeUndefined();
    expect((await postJson(path, { decision: "approved" }, backOffice)).body.code).toBe("already-decided");
  });

  it("refuses anonymous callers and citizens on back-office routes, before reading the body", async () => {
    expect((await postJson("/v1/conversion-requests", { bogus: 1 })).status).toBe(401);
    expect((await postJson("/v1/operator/conversion-requests", { bogus: 1 }, auth(people[4]!))).status).toBe(
      401,
    );
    expect((await api("/v1/applications")).status).toBe(401);
  });
});
