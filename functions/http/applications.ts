import { type ApplicationRequest, applicationRequestSchema } from "#shared/applications/application.schema";
import { submitApplication } from "#shared/applications/application.service";
import { actorOf, authenticateHolderOrDelegate } from "#shared/auth/holder";
import { getCredential } from "#shared/credentials/credential.store";
import { httpHandler, json } from "#shared/platform/http";
import { idempotencyKeyOf, idempotent } from "#shared/platform/idempotency";

// Replays are recognised by the holder and the body alone (not by the credential's changing state).
const submit = idempotent(
  "applications",
  async ({
    codiceFiscale,
    actor,
    body,
  }: {
    codiceFiscale: string;
    actor: string;
    body: ApplicationRequest;
  }) => {
    const credential = (await getCredential(codiceFiscale))!;
    return submitApplication(credential, body, { actor, channel: "web" });
  },
);

export const handler = httpHandler(
  { auth: authenticateHolderOrDelegate, body: applicationRequestSchema },
  async (request) => {
    const key = idempotencyKeyOf(request);
    const { codiceFiscale } = request.principal;
    return json(
      201,
      await submit(
        key && `${codiceFiscale}:${key}`,
        { codiceFiscale, actor: actorOf(request.principal), body: request.body },
        request.context,
      ),
    );
  },
);
