import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { S3Event } from "aws-lambda";
import { uploadsPrefixes } from "#shared/bucket-layout";
import { documentUploaded } from "#shared/conversion/conversion.service";
import { logger } from "#shared/platform/logger";
import { publishMetrics } from "#shared/platform/metrics";

/** Invoked by S3 for each document uploaded under `conversions/`: a faxed request is queued once its scan is in. */
export const handler = middy<S3Event, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics())
  .handler(async (event) => {
    for (const record of event.Records) {
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
      if (!key.startsWith(uploadsPrefixes.conversions)) continue;
      // `conversions/<requestId>/<document>`, nothing deeper.
      const [requestId, document, ...deeper] = key.slice(uploadsPrefixes.conversions.length).split("/");
      if (!requestId || !document || deeper.length > 0) continue;
      await documentUploaded(requestId, document);
    }
  });
