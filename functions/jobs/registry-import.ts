import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { S3Event } from "aws-lambda";
import { uploadsPrefixes } from "#shared/bucket-layout";
import { logger } from "#shared/platform/logger";
import { publishMetrics } from "#shared/platform/metrics";
import { type ImportReport, importRegistryFile } from "#shared/registry/registry-import.service";

/** Invoked by S3 for each file dropped under `registry/incoming/`; a failure is retried, then dead-lettered. */
export const handler = middy<S3Event, ImportReport[]>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics())
  .handler(async (event) => {
    const reports: ImportReport[] = [];
    for (const record of event.Records) {
      // S3 event keys are URL-encoded, with spaces as '+'.
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
      if (!key.startsWith(uploadsPrefixes.registryIncoming)) continue;
      reports.push(await importRegistryFile(record.s3.bucket.name, key));
    }
    return reports;
  });
