import { bookAppointment } from "#shared/appointments/appointment.service";
import { type BookAppointment, bookAppointmentSchema } from "#shared/appointments/booking.schema";
import { operatorOf } from "#shared/auth/external-tokens";
import { httpHandler, json } from "#shared/platform/http";
import { idempotencyKeyOf, idempotent } from "#shared/platform/idempotency";

const bookByPhone = idempotent(
  "operator-appointments",
  ({ request, operatorId }: { request: BookAppointment; operatorId: string }) =>
    bookAppointment(request, { channel: "contact-center", actor: `operator:${operatorId}` }),
);

export const handler = httpHandler(
  { auth: operatorOf("contact-center"), body: bookAppointmentSchema },
  async (request) =>
    json(
      201,
      await bookByPhone(
        idempotencyKeyOf(request),
        { request: request.body, operatorId: request.principal.operatorId },
        request.context,
      ),
    ),
);
