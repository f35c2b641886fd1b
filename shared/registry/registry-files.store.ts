import type { Readable } from "node:stream";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { s3 } from "../platform/s3-client.ts";

/** A dropped registry file, as a stream (the file can be far larger than the function's memory). */
export async function readRegistryFile(bucket: string, key: string): Promise<Readable> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body as Readable;
}

/** Puts an import's report (pretty-printed JSON) beside the file it reports on. */
export async function putImportReport(bucket: string, key: string, report: object): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: `${JSON.stringify(report, null, 2)}\n`,
      ContentType: "application/json",
    }),
  );
}
