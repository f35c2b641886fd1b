import { randomBytes, randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { exportJWK, generateKeyPair } from "jose";
import { inject } from "vitest";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/dynamodb.ts";
import { createServiceTable } from "../../local/table-admin.ts";
import { TEST_BUCKETS } from "./global-setup.ts";

// Runs before each test file's imports: the SDK clients of shared/platform (dynamodb-client.ts, s3-client.ts, ...) pick these up when created.
const tableName = `t-${randomUUID().slice(0, 8)}`;
const { privateKey } = await generateKeyPair("ES256", { extractable: true });
Object.assign(process.env, {
  AWS_ENDPOINT_URL_DYNAMODB: inject("dynamodbEndpoint"),
  AWS_ENDPOINT_URL_S3: inject("s3Endpoint"),
  LETTERS_BUCKET: TEST_BUCKETS.letters,
  UPLOADS_BUCKET: TEST_BUCKETS.uploads,
  AWS_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  TABLE_NAME: tableName,
  SENDER_EMAIL: "no-reply@pin.test",
  LOCAL_DATA_KEY: randomBytes(32).toString("base64"),
  LOCAL_SIGNING_JWK: JSON.stringify({ ...(await exportJWK(privateKey)), kid: "test" }),
});
const client = new DynamoDBClient({
  endpoint: inject("dynamodbEndpoint"),
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});
await createServiceTable(client, tableName);
client.destroy();
