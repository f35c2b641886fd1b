import { KMSClient } from "@aws-sdk/client-kms";
import { bounded } from "./sdk-timeouts.ts";

/** The KMS client (see dynamodb-client.ts): part B's key and the access-token signing key. */
export const kms = /* @__PURE__ */ new KMSClient(/* @__PURE__ */ bounded(5_000));
