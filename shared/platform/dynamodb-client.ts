import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { bounded } from "./sdk-timeouts.ts";

/**
 * The DynamoDB client, created once per execution environment. Each SDK client has its own module (this one,
 * s3-client.ts, ses-client.ts, sns-client.ts, kms-client.ts), so a function's bundle holds only the clients its
 * code uses. Endpoints come from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, which is how the local
 * stack points them at the emulators. Every client is created in an expression marked `@__PURE__` (creating one
 * has no effect outside it), so that esbuild also drops a client whose module a function imports through a
 * shared module without ever calling the code that sends with it (the OpenAPI document's schemas, say).
 */
export const dynamodb = /* @__PURE__ */ createDynamoDBClient();

function createDynamoDBClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(bounded(5_000)), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
