import { cancelAppointmentSchema } from "#shared/appointments/appointment.schema";
import { cancelAppointment } from "#shared/appointments/appointment.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({ body: cancelAppointmentSchema }, async ({ body }) =>
  json(200, await cancelAppointment(body.token)),
);
