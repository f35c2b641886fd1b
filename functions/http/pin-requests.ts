import { type PinRequest, pinRequestSchema } from "#shared/pin-requests/pin-request.schema";
import { submitPinRequest } from "#shared/pin-requests/pin-request.service";
import { httpHandler, json } from "#shared/platform/http";
import { idempotencyKeyOf, idempotent } from "#shared/platform/idempotency";

const submitOnline = idempotent("pin-requests", async (request: PinRequest) => {
  const { accepted } = await submitPinRequest(request, { channel: "web", actor: "citizen" });
  return accepted;
});

export const handler = httpHandler({ body: pinRequestSchema }, async (request) =>
  json(202, await submitOnline(idempotencyKeyOf(request), request.body, request.context)),
);
