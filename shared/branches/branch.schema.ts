import * as z from "../platform/zod.ts";

/** What a citizen can book a branch visit for (SPEC §11): a dispositivo PIN, a conversion, a delegation. */
export const appointmentServices = ["pin-issuance", "pin-conversion", "delegation"] as const;
export const appointmentServiceSchema = z.enum(appointmentServices);
export type AppointmentService = z.infer<typeof appointmentServiceSchema>;

export const weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof weekdays)[number];

const clockTime = z.withChecks(z.string(), z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use HH:MM (24 h)"));
/** One opening interval of a day, local time, `[from, to)`. */
const interval = z.withChecks(
  z.tuple([clockTime, clockTime]),
  z.refine(([from, to]) => from < to, "An interval ends after it starts"),
);

export const addressSchema = z.object({
  addressLines: z.withChecks(z.array(z.withChecks(z.string(), z.minLength(1))), z.minLength(1)),
  city: z.withChecks(z.string(), z.minLength(1)),
  postalCode: z.withChecks(z.string(), z.regex(/^\d{5}$/, "An Italian CAP, five digits")),
});

/**
 * A branch as data (SPEC §11): where it is, when it opens (local time of `timeZone`), how long a slot lasts,
 * how many desks serve each slot, the days it is closed and what it offers. The service, the CDK app and the
 * local stack all read the one list in branches.ts.
 */
export const branchSchema = z.withChecks(
  z.strictObject({
    id: z.withChecks(z.string(), z.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "lower-case words joined by '-'")),
    name: z.withChecks(z.string(), z.minLength(1)),
    address: addressSchema,
    /** An IANA time zone; the CDK app requires the one the jobs are scheduled in (Europe/Rome). */
    timeZone: z.withChecks(z.string(), z.refine(isTimeZone, "An IANA time zone, e.g. Europe/Rome")),
    opening: z.partialRecord(z.enum(weekdays), z.array(interval)),
    slotMinutes: z.withChecks(z.int(), z.minimum(5), z.maximum(120)),
    desks: z.withChecks(z.int(), z.minimum(1), z.maximum(50)),
    closedOn: z.array(z.iso.date()),
    services: z.withChecks(z.array(appointmentServiceSchema), z.minLength(1)),
  }),
  z.refine(
    (branch) =>
      Object.values(branch.opening).every((day) =>
        (day ?? []).every(([from, to]) => (minutes(to) - minutes(from)) % branch.slotMinutes === 0),
      ),
    "Every opening interval holds a whole number of slots",
  ),
  z.refine(
    (branch) =>
      Object.values(branch.opening).every((day) =>
        (day ?? []).every((current, i, all) => i === 0 || (all[i - 1]?.[1] ?? "") <= current[0]),
      ),
    "A day's intervals are in order and do not overlap",
  ),
);

export const branchListSchema = z.withChecks(
  z.array(branchSchema),
  z.refine((list) => new Set(list.map((b) => b.id)).size === list.length, "Branch ids are unique"),
);

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Minutes since midnight of an `HH:MM` time. */
export function minutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

export type Branch = z.infer<typeof branchSchema>;

/** `GET /v1/branches` */
export const branchViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  address: addressSchema,
  timeZone: z.string(),
  services: z.array(appointmentServiceSchema),
});
export const branchesPageSchema = z.object({ items: z.array(branchViewSchema) });

/** `?from=YYYY-MM-DD&days=n&service=` of `GET /v1/branches/{id}/slots`. */
export const slotQuerySchema = z.strictObject({
  from: z.optional(z.iso.date("Use the format YYYY-MM-DD")),
  days: z._default(z.withChecks(z.coerce.number(), z.int(), z.minimum(1), z.maximum(31)), 7),
  service: z.optional(appointmentServiceSchema),
});
export type SlotQuery = z.infer<typeof slotQuerySchema>;

export const slotSchema = z.object({
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  free: z.int(),
});
export const slotsPageSchema = z.object({ items: z.array(slotSchema) });
export type Slot = z.infer<typeof slotSchema>;
