import { uploadTriggers } from "#shared/functions";
import { invoke } from "./functions.ts";
import type { S3Notification } from "./s3.ts";

/**
 * Delivers s3rver's object-created events for `bucket` to the functions the shared definitions name, one
 * record per invocation as S3 notifications do. Failures are logged, like an async invocation's would be.
 */
export function uploadTriggerDispatcher(bucket: string) {
  return (event: S3Notification) => {
    for (const record of event.Records) {
      if (record.s3.bucket.name !== bucket) continue;
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
      for (const trigger of uploadTriggers) {
        if (!key.startsWith(trigger.prefix)) continue;
        invoke(trigger.functionName, { Records: [record] }).catch((error: Error) =>
          console.error(
            JSON.stringify({
              level: "ERROR",
              message: "upload trigger failed",
              function: trigger.functionName,
              error: error.name,
            }),
          ),
        );
      }
    }
  };
}
