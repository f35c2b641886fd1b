import { type ApplicationRequest, applicationRequestSchema } from "#shared/applications/application.schema";
import { submitApplication } from "#shared/applications/application.service";
import { authenticateHolder, type Holder } from "#shared/auth/holder";
import { httpHandler, json } from "#shared/platform/http";
import { idempotencyKeyOf, idempotent } from "#shared/platform/idempotency";

const submit = idempotent(
  "applications",
  async ({ holder, input }: { holder: Holder; input: ApplicationRequest }) =>
    submitApplication(holder.credential, input, { actor: "citizen", channel: "web" }),
);

export const handler = httpHandler(
  { auth: authenticateHolder, body: applicationRequestSchema },
  async (request) =>
    json(
      201,
      await submit(
        idempotencyKeyOf(request),
        { holder: request.principal, input: request.body },
        request.context,
      ),
    ),
);
