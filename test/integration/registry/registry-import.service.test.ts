import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { s3 } from "#shared/platform/s3-client";
import { getPersonOnRecord } from "#shared/registry/registry.store";
import { handler } from "../../../functions/jobs/registry-import.ts";
import { makeCitizenN } from "../../fixtures/citizens.ts";

const Bucket = () => process.env.UPLOADS_BUCKET!;
const context = { getRemainingTimeInMillis: () => 900_000 } as never;

function s3Event(key: string): S3Event {
  return {
    Records: [
      { s3: { bucket: { name: Bucket() }, object: { key: encodeURIComponent(key).replace(/%20/g, "+") } } },
    ],
  } as unknown as S3Event;
}

async function drop(key: string, body: string) {
  await s3.send(new PutObjectCommand({ Bucket: Bucket(), Key: key, Body: body }));
}

async function report(key: string) {
  const object = await s3.send(
    new GetObjectCommand({
      Bucket: Bucket(),
      Key: `${key.replace("registry/incoming/", "registry/reports/")}.report.json`,
    }),
  );
  return JSON.parse(await object.Body!.transformToString());
}

describe("record import (S3 → table)", () => {
  it("imports a CSV row by row, reports bad rows without their values, and re-imports idempotently", async () => {
    const [a, b, c] = [makeCitizenN(70_001), makeCitizenN(70_002), makeCitizenN(70_003)];
    const header =
      "codiceFiscale,surname,givenName,birthDate,sex,birthPlaceCode,countryCode,addressLine1,addressLine2,addressLine3,addressLine4,city,postalCode,region";
    const row = (p: typeof a, extra: Partial<Record<string, string>> = {}) =>
      [
        p.codiceFiscale,
        p.surname,
        p.givenName,
        extra.birthDate ?? p.birthDate,
        p.sex,
        p.birthPlaceCode,
        extra.countryCode ?? "FR",
        '"12, rue de la Paix"',
        "",
        "",
        "",
        extra.city ?? "Paris",
        "75002",
        "",
      ].join(",");
    const csv = [
      header,
      row(a),
      row(b, { birthDate: "1999-02-30" }), // not a date
      row(c, { countryCode: "XX" }), // not a country
      row({ ...a, codiceFiscale: b.codiceFiscale }), // codice fiscale of someone else
      `${row(c)}`,
    ].join("\r\n");
    const key = "registry/incoming/2026-11 weekly.csv";
    await drop(key, csv);

    const [first] = await handler(s3Event(key), context);
    expect(first).toMatchObject({ format: "csv", rows: 5, written: 2, unchanged: 0, rejected: 3 });
    const stored = await report(key);
    expect(stored.rejections.map((r: { line: number }) => r.line)).toEqual([3, 4, 5]);
    expect(stored.rejections[0].errors[0].path).toBe("birthDate");
    expect(stored.rejections[1].errors[0].path).toBe("residence.countryCode");
    // A report names fields, never the rejected values (personal data).
    expect(JSON.stringify(stored)).not.toContain(b.codiceFiscale);
    expect(await getPersonOnRecord(a.codiceFiscale)).toMatchObject({
      surname: a.surname,
      residence: { countryCode: "FR", addressLines: ["12, rue de la Paix"], city: "Paris" },
      source: "import:2026-11 weekly.csv",
    });
    expect(await getPersonOnRecord(b.codiceFiscale)).toBeUndefined();

    const [again] = await handler(s3Event(key), context);
    expect(again).toMatchObject({ rows: 5, written: 0, unchanged: 2, rejected: 3 });
  });

  it("imports JSON lines and updates a person whose residence changed", async () => {
    const person = makeCitizenN(70_010);
    const line = (city: string) =>
      JSON.stringify({
        ...person,
        residence: { countryCode: "CH", addressLines: ["Bahnhofstrasse 1"], city, postalCode: "8001" },
      });
    await drop("registry/incoming/a.jsonl", `${line("Zürich")}\n\nnot json\n`);
    const [first] = await handler(s3Event("registry/incoming/a.jsonl"), context);
    expect(first).toMatchObject({ format: "jsonl", rows: 2, written: 1, rejected: 1 });
    await drop("registry/incoming/b.jsonl", `${line("Winterthur")}\n`);
    const [second] = await handler(s3Event("registry/incoming/b.jsonl"), context);
    expect(second).toMatchObject({ rows: 1, written: 1 });
    expect((await getPersonOnRecord(person.codiceFiscale))?.residence.city).toBe("Winterthur");
  });

  it("ignores objects outside the incoming prefix", async () => {
    expect(await handler(s3Event("registry/reports/x.csv.report.json"), context)).toEqual([]);
  });
});
