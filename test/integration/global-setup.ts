import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startDynamoDb } from "../../local/dynamodb.ts";
import { freePort } from "../../local/ports.ts";
import { startS3 } from "../../local/s3.ts";

declare module "vitest" {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    s3Endpoint: string;
  }
}

export const TEST_BUCKETS = { letters: "it-letters", uploads: "it-uploads" };

/** One in-memory DynamoDB Local and one s3rver for the integration run; both stopped (Java exited) at the end. */
export default async function setup(project: TestProject) {
  const dynamodb = await startDynamoDb({ port: await freePort() });
  const s3Dir = mkdtempSync(join(tmpdir(), "pin-it-s3-"));
  const s3 = await startS3(await freePort(), s3Dir, Object.values(TEST_BUCKETS));
  project.provide("dynamodbEndpoint", dynamodb.endpoint);
  project.provide("s3Endpoint", s3.endpoint);
  return async () => {
    await s3.stop();
    await dynamodb.stop();
    rmSync(s3Dir, { recursive: true, force: true });
  };
}
