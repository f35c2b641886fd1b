import { authenticateCitizen } from "#shared/auth/access-token";
import { deletePasskey } from "#shared/passkeys/passkey.service";
import { httpHandler } from "#shared/platform/http";

export const handler = httpHandler({ auth: authenticateCitizen }, async ({ principal, pathParameters }) => {
  await deletePasskey(principal, pathParameters.id ?? "");
  return { statusCode: 204 };
});
