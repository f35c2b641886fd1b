import { bookAppointment } from "#shared/appointments/appointment.service";
import { type BookAppointment, bookAppointmentSchema } from "#shared/appointments/booking.schema";
import { httpHandler, json } from "#shared/platform/http";
import { idempotencyKeyOf, idempotent } from "#shared/platform/idempotency";

const bookOnline = idempotent("appointments", (request: BookAppointment) =>
  bookAppointment(request, { channel: "web", actor: "citizen" }),
);

export const handler = httpHandler({ body: bookAppointmentSchema }, async (request) =>
  json(201, await bookOnline(idempotencyKeyOf(request), request.body, request.context)),
);
