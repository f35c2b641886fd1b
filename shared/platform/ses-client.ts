import { SESv2Client } from "@aws-sdk/client-sesv2";
import { bounded } from "./sdk-timeouts.ts";

/** The SES (v2) client (see dynamodb-client.ts): e-mail and PEC. */
export const ses = /* @__PURE__ */ new SESv2Client(/* @__PURE__ */ bounded(5_000));
