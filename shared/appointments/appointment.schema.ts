import { appointmentServiceSchema, branchViewSchema } from "../branches/branch.schema.ts";
import * as z from "../platform/zod.ts";

export const appointmentSchema = z.object({
  id: z.uuid(),
  /** Short code to quote at the desk. */
  reference: z.string(),
  branch: branchViewSchema,
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  service: appointmentServiceSchema,
});

export const cancelAppointmentSchema = z.strictObject({
  token: z.withChecks(z.string(), z.minLength(16), z.maxLength(128)),
});
export const cancelledSchema = z.object({
  status: z.literal("cancelled"),
  id: z.uuid(),
  start: z.iso.datetime({ offset: true }),
});

/** `?date=YYYY-MM-DD` of the branch's day list. */
export const dayListQuerySchema = z.strictObject({ date: z.iso.date("Use the format YYYY-MM-DD") });

export const dayEntrySchema = z.object({
  id: z.uuid(),
  reference: z.string(),
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  service: appointmentServiceSchema,
  person: z.object({ codiceFiscale: z.string(), surname: z.string(), givenName: z.string() }),
  status: z.enum(["booked", "checked-in"]),
  checkedInAt: z.optional(z.iso.datetime()),
});
export const dayListSchema = z.object({
  branchId: z.string(),
  date: z.iso.date(),
  items: z.array(dayEntrySchema),
});

export const checkedInSchema = z.object({
  id: z.uuid(),
  status: z.literal("checked-in"),
  checkedInAt: z.iso.datetime(),
});

export type Appointment = z.infer<typeof appointmentSchema>;
export type DayEntry = z.infer<typeof dayEntrySchema>;
