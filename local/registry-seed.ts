import { readFileSync } from "node:fs";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { uploadsPrefixes } from "#shared/bucket-layout";
import type { ImportReport } from "#shared/registry/registry-import.service";
import { waitFor } from "./ports.ts";

const SEED_FILE = new URL("./registry-seed.jsonl", import.meta.url);
const SEED_KEY = `${uploadsPrefixes.registryIncoming}local-seed.jsonl`;
const REPORT_KEY = `${uploadsPrefixes.registryReports}local-seed.jsonl.report.json`;

/**
 * Seeds the record of insured persons the way AWS loads it: the fixture is dropped in the uploads bucket's
 * incoming prefix, the bucket notification runs the import function, and its report says how it went.
 */
export async function seedRegistry(bucket: string): Promise<ImportReport> {
  // Loaded now, not at startup: the SDK clients must see the environment main.ts sets up first.
  const { s3 } = await import("#shared/platform/s3-client");
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: REPORT_KEY }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: SEED_KEY, Body: readFileSync(SEED_FILE) }));
  let report: ImportReport | undefined;
  await waitFor(
    async () => {
      const object = await s3
        .send(new GetObjectCommand({ Bucket: bucket, Key: REPORT_KEY }))
        .catch(() => undefined);
      if (object?.Body) report = JSON.parse(await object.Body.transformToString()) as ImportReport;
      return report !== undefined;
    },
    30_000,
    "registry seed",
  );
  if (!report || report.rejected > 0) throw new Error(`registry seed rejected: ${JSON.stringify(report)}`);
  return report;
}
