import { auditEventPut } from "../audit/audit.store.ts";
import type { Branch } from "../branches/branch.schema.ts";
import { branchById, branchView } from "../branches/branches.ts";
import { bookableSlotAt } from "../branches/slot-grid.ts";
import { assertNamesMatch } from "../credentials/eligibility.ts";
import type { Recipient } from "../notifications/channels.ts";
import { appointmentConfirmation } from "../notifications/messages.ts";
import { noticeItems } from "../notifications/outbox.store.ts";
import { now, nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { AppError, ConflictError, RetryableError, UnauthorizedError } from "../platform/errors.ts";
import { pause } from "../platform/in-parallel.ts";
import { countMetric } from "../platform/metrics.ts";
import { randomId, randomString, randomToken } from "../platform/random.ts";
import { type TransactItem, TransactionCancelled, transact } from "../platform/transact.ts";
import type { Appointment } from "./appointment.schema.ts";
import {
  appointmentOfLink,
  bookedCount,
  bookingItems,
  cancellationItems,
  heldAppointmentId,
  type StoredAppointment,
} from "./appointment.store.ts";
import type { AppointmentContact, BookAppointment } from "./booking.schema.ts";

/** Appointments and their personal data are removed this long after their slot (SPEC §11). */
export const RETENTION_DAYS = 30;
/** How often parallel bookings of one slot may cancel each other before one gives up (503). */
const CONFLICT_RETRIES = 40;
const REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679";

export interface Origin {
  channel: string;
  actor: string;
}

function notOffered(path: string, detail: string): AppError {
  return new AppError(422, "slot-not-offered", "Slot not offered", detail, {
    errors: [{ path, message: detail }],
  });
}

export function appointmentView(stored: StoredAppointment, branch: Branch): Appointment {
  const { id, reference, start, end, service } = stored;
  return { id, reference, branch: branchView(branch), start, end, service };
}

export const recipientOf = (contact: AppointmentContact): Recipient =>
  "email" in contact ? { channel: "email", to: contact.email } : { channel: "sms", to: contact.mobile };

/**
 * Primary course (F18, book): the branch offers the service and the start is a bookable slot of its grid (from
 * tomorrow up to 30 days ahead, open, not closed); the names agree with the codice fiscale. One transaction
 * takes a place of the slot on condition that fewer than `desks` are taken, takes the person's hold for the
 * service on condition that they have no future appointment for it, writes the appointment, its cancel link, its
 * audit record and its confirmation (outbox). However many requests race, a slot gets exactly `desks` bookings,
 * and no booking commits without its confirmation or the confirmation without the booking.
 */
export async function bookAppointment(request: BookAppointment, origin: Origin): Promise<Appointment> {
  const branch = branchById(request.branchId);
  if (!branch) throw notOffered("branchId", "No such branch.");
  if (!branch.services.includes(request.service))
    throw notOffered("service", "The branch does not offer this service.");
  assertNamesMatch(request.person, "person");
  const at = nowMs();
  const slot = bookableSlotAt(branch, Date.parse(request.start), at);
  if (!slot)
    throw notOffered(
      "start",
      "Not a free-to-book slot of the branch: past, off its grid, on a closed day, or more than 30 days ahead.",
    );

  const id = randomId();
  const stored: StoredAppointment = {
    id,
    reference: `${randomString(REFERENCE_ALPHABET, 4)}-${randomString(REFERENCE_ALPHABET, 4)}`,
    branchId: branch.id,
    // Its ISO start carries the branch's offset, so its date part is the slot's local day.
    date: slot.start.slice(0, 10),
    start: slot.start,
    end: slot.end,
    startMs: slot.startMs,
    service: request.service,
    person: request.person,
    contact: request.contact,
    status: "booked",
    bookedAt: now().toISOString(),
    bookedBy: origin.actor,
    ttl: Math.ceil(slot.endMs / 1000) + RETENTION_DAYS * 86_400,
  };
  const token = randomToken();
  const link = `${required("WEB_ORIGIN")}/appointments/cancel?token=${encodeURIComponent(token)}`;
  const items = [
    ...bookingItems(stored, branch.desks, token, at),
    {
      Put: auditEventPut({
        codiceFiscale: stored.person.codiceFiscale,
        type: "appointment-booked",
        channel: origin.channel,
        actor: origin.actor,
        outcome: "success",
        details: { appointmentId: id, branchId: branch.id, service: stored.service, start: stored.start },
      }),
    },
    ...noticeItems({
      type: "appointment-confirmation",
      to: [recipientOf(stored.contact)],
      message: appointmentConfirmation({ ...stored, branch }, link),
    }),
  ];
  await commitBooking(items, stored, branch.desks, at);
  countMetric("AppointmentBooked", {
    channel: origin.channel === "contact-center" ? "contact-center" : "online",
  });
  return appointmentView(stored, branch);
}

const slotFull = () => new ConflictError("slot-full", "Every place of this slot is taken: choose another.");

/**
 * Sends the booking's transaction until a condition decides it. Parallel bookings of one slot cancel each other
 * ("TransactionConflict"); after each such round the slot's counter is read, and a full slot answers slot-full at
 * once rather than queueing for another try, so a crowd on one slot drains in a few rounds.
 */
async function commitBooking(items: TransactItem[], stored: StoredAppointment, desks: number, at: number) {
  const meanings = {
    conditions: {
      0: slotFull,
      1: async () => {
        const existing = await heldAppointmentId(stored.person.codiceFiscale, stored.service, at);
        return new AppError(
          409,
          "appointment-exists",
          "Conflict",
          "This person already has a future appointment for this service: cancel it first.",
          existing ? { extra: { id: existing } } : {},
        );
      },
    },
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await transact(items, meanings);
      return;
    } catch (error) {
      if (!(error instanceof TransactionCancelled)) throw error;
      if (attempt >= CONFLICT_RETRIES) throw new RetryableError();
    }
    if ((await bookedCount(stored.branchId, stored.startMs)) >= desks) throw slotFull();
    await pause(10 + Math.random() * 20 * Math.min(attempt + 1, 10));
  }
}

function invalidLink(): UnauthorizedError {
  return new UnauthorizedError(
    "invalid-token",
    "The link is not valid, was already used, or its appointment has begun.",
  );
}

/**
 * Primary course (F18, cancel): the cancel link's token names a standing appointment whose slot has not begun.
 * One transaction consumes the link, marks the appointment cancelled, gives the slot's place back and releases
 * the person's hold: of parallel uses of one link exactly one commits, so the place is freed once.
 */
export async function cancelAppointment(token: string) {
  const at = now();
  const stored = await appointmentOfLink(token, at.getTime());
  if (stored?.status !== "booked") throw invalidLink();
  await transact(
    [
      ...cancellationItems(stored, token, at.toISOString()),
      {
        Put: auditEventPut({
          codiceFiscale: stored.person.codiceFiscale,
          type: "appointment-cancelled",
          channel: "web",
          actor: "citizen",
          outcome: "success",
          details: { appointmentId: stored.id, branchId: stored.branchId, service: stored.service },
        }),
      },
    ],
    { conditions: { 0: invalidLink(), 1: invalidLink() }, conflictRetries: CONFLICT_RETRIES },
  );
  return { status: "cancelled" as const, id: stored.id, start: stored.start };
}
