import { operatorOf } from "#shared/auth/external-tokens";
import { type PinRequest, pinRequestSchema } from "#shared/pin-requests/pin-request.schema";
import { submitPinRequest } from "#shared/pin-requests/pin-request.service";
import { httpHandler, json } from "#shared/platform/http";
import { idempotencyKeyOf, idempotentWithUnstored } from "#shared/platform/idempotency";

// Part A goes back to the operator who reads it out, and is never stored: a replay answers without it.
const submitByPhone = idempotentWithUnstored(
  "operator-pin-requests",
  async ({ request, operatorId }: { request: PinRequest; operatorId: string }) => {
    const { accepted, partA } = await submitPinRequest(request, {
      channel: "contact-center",
      actor: `operator:${operatorId}`,
    });
    return { result: accepted, unstored: partA };
  },
);

export const handler = httpHandler(
  { auth: operatorOf("contact-center"), body: pinRequestSchema },
  async (request) => {
    const { result, unstored } = await submitByPhone(
      idempotencyKeyOf(request),
      { request: request.body, operatorId: request.principal.operatorId },
      request.context,
    );
    return json(202, unstored === undefined ? result : { ...result, partA: unstored });
  },
);
