import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDb } from "../local/dynamodb.ts";
import { freePort } from "../local/ports.ts";
import { startS3 } from "../local/s3.ts";
import { createServiceTable } from "../local/table-admin.ts";

/**
 * DynamoDB Local (in memory) and s3rver in a temp folder, with the env the service's clients read. The table is
 * the service's, without its stream unless `stream` (see `createServiceTable`).
 */
export async function startBenchEmulators(options: { stream?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "pin-bench-"));
  const dynamodb = await startDynamoDb({ port: await freePort() });
  const s3 = await startS3(await freePort(), join(dir, "s3"), ["bench-letters"]);
  await createServiceTable(dynamodb.client, "bench", { stream: options.stream ?? false });
  const env = {
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    TABLE_NAME: "bench",
    LETTERS_BUCKET: "bench-letters",
    LOCAL_DATA_KEY: Buffer.alloc(32, 3).toString("base64"),
    LOG_LEVEL: "WARN",
  };
  return {
    env,
    async stop() {
      await s3.stop();
      await dynamodb.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
