import { operatorOf } from "#shared/auth/external-tokens";
import { operatorRevocationSchema } from "#shared/contact-center/revocation.schema";
import { requestRevocationForCaller } from "#shared/contact-center/revocation.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: operatorOf("contact-center"), body: operatorRevocationSchema },
  async ({ body, principal }) => json(202, await requestRevocationForCaller(body, principal.operatorId)),
);
