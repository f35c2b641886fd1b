import { readFileSync } from "node:fs";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import type { ImportReport } from "#shared/registry/registry-import.service";
import { invoke } from "./functions.ts";

const SEED_FILE = new URL("./registry-seed.jsonl", import.meta.url);
const SEED_KEY = "registry/incoming/local-seed.jsonl";

/**
 * Seeds the record of insured persons the way AWS loads it: the fixture is dropped in the uploads bucket's
 * incoming prefix and the import function runs on the S3 event it would get there.
 */
export async function seedRegistry(bucket: string): Promise<ImportReport> {
  // Loaded now, not at startup: the SDK clients must see the environment main.ts sets up first.
  const { s3 } = await import("#shared/platform/clients");
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: SEED_KEY, Body: readFileSync(SEED_FILE) }));
  const event = {
    Records: [
      { eventName: "ObjectCreated:Put", s3: { bucket: { name: bucket }, object: { key: SEED_KEY } } },
    ],
  } as unknown as S3Event;
  const [report] = (await invoke("registryImport", event)) as ImportReport[];
  if (!report || report.rejected > 0) throw new Error(`registry seed rejected: ${JSON.stringify(report)}`);
  return report;
}
