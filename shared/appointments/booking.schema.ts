import { appointmentServiceSchema } from "../branches/branch.schema.ts";
import { emailSchema } from "../credentials/contacts.ts";
import { mobileSchema } from "../credentials/mobile.ts";
import { personRefSchema } from "../delegations/delegation.schema.ts";
import * as z from "../platform/zod.ts";

/*
 * The booking bodies, in a module of their own: they are the only appointment schemas with a mobile number, and
 * the phone library and its metadata it brings (about 80 KB) belong only in the functions that book.
 */

/** Where the confirmation (with the cancel link) and the reminder go: one e-mail address or one mobile number. */
export const appointmentContactSchema = z.union(
  [z.strictObject({ email: emailSchema }), z.strictObject({ mobile: mobileSchema })],
  { error: "Give either email or mobile" },
);

/** `POST /v1/appointments` and `POST /v1/operator/appointments` (SPEC §11). */
export const bookAppointmentSchema = z.strictObject({
  branchId: z.withChecks(z.string(), z.minLength(1), z.maxLength(64)),
  start: z.withChecks(
    z.iso.datetime({ offset: true, error: "An ISO 8601 date and time with its offset" }),
    z.meta({
      description: "A slot's start as `GET /v1/branches/{id}/slots` gives it, e.g. 2027-01-12T08:30:00+01:00",
    }),
  ),
  service: appointmentServiceSchema,
  person: personRefSchema,
  contact: appointmentContactSchema,
});

export type BookAppointment = z.infer<typeof bookAppointmentSchema>;
export type AppointmentContact = z.infer<typeof appointmentContactSchema>;
