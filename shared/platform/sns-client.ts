import { SNSClient } from "@aws-sdk/client-sns";
import { bounded } from "./sdk-timeouts.ts";

/** The SNS client (see dynamodb-client.ts): SMS straight to phone numbers. */
export const sns = /* @__PURE__ */ new SNSClient(/* @__PURE__ */ bounded(5_000));
