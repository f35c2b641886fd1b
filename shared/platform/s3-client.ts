import { S3Client } from "@aws-sdk/client-s3";
import { bounded } from "./sdk-timeouts.ts";

/**
 * The S3 client (see dynamodb-client.ts). s3rver and most local S3 emulators only speak path-style addressing.
 * Checksums only where S3 requires them: emulators do not all understand the SDK's default aws-chunked CRC.
 * Idle time only: a large letter file uploads for as long as it keeps sending.
 *
 * Created by a factory call marked pure, so that esbuild drops the client, and the SDK's S3 package with it
 * (about 120 KB), from a function that imports a module using S3 but never calls the code that does (the
 * conversion service's reads, in the functions without a `conversions:*` binding).
 */
export const s3 = /* @__PURE__ */ createS3Client();

function createS3Client(): S3Client {
  return new S3Client({
    ...bounded(10_000),
    forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}
