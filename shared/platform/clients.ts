import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { bounded } from "./sdk-timeouts.ts";

/**
 * The DynamoDB client, created once per execution environment. Each SDK client has its own module (this one,
 * s3-client.ts, ses-client.ts, sns-client.ts, kms-client.ts), so a function's bundle holds only the clients its
 * code uses. Endpoints come from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, which is how the local
 * stack points them at the emulators.
 */
export const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient(bounded(5_000)), {
  marshallOptions: { removeUndefinedValues: true },
});
