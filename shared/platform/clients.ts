import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * Every call is bounded: a connection within a second, and a call that hears nothing from the service for
 * `silentMs` fails with a TimeoutError, which the SDK retries (four attempts in all for DynamoDB, three for
 * the others). The SDK's own default leaves a silent socket waiting five minutes, far past any function's
 * timeout.
 */
const bounded = (silentMs: number) => ({
  requestHandler: { connectionTimeout: 1_000, socketTimeout: silentMs },
});

/**
 * SDK clients, created once per execution environment. Endpoints come from the SDK's own
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, which is how the local stack points them at the emulators.
 */
export const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient(bounded(5_000)), {
  marshallOptions: { removeUndefinedValues: true },
});
// s3rver and most local S3 emulators only speak path-style addressing.
// Checksums only where S3 requires them: emulators do not all understand the SDK's default aws-chunked CRC.
// Idle time only: a large letter file uploads for as long as it keeps sending.
export const s3 = new S3Client({
  ...bounded(10_000),
  forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined,
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});
export const ses = new SESv2Client(bounded(5_000));
export const sns = new SNSClient(bounded(5_000));
export const kms = new KMSClient(bounded(5_000));
