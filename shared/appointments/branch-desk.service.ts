import { auditEventPut, recordAuditEvents } from "../audit/audit.store.ts";
import type { Branch, Slot, SlotQuery } from "../branches/branch.schema.ts";
import { branchById } from "../branches/branches.ts";
import { bookableSlots, bookableWindow, localDate } from "../branches/slot-grid.ts";
import { now, nowMs } from "../platform/clock.ts";
import { AppError, ConflictError, NotFoundError } from "../platform/errors.ts";
import { transact } from "../platform/transact.ts";
import type { DayEntry } from "./appointment.schema.ts";
import { appointmentsOfDay, bookedCounts, checkInUpdate, getAppointment } from "./appointment.store.ts";

function knownBranch(id: string | undefined): Branch {
  const branch = branchById(id ?? "");
  if (!branch) throw new NotFoundError("No such branch.");
  return branch;
}

/**
 * Primary course (F18, slots): the branch's grid for the days asked (from tomorrow, at most 30 days ahead), each
 * slot with its free places read from the slots' counters in one Query. A `from` in the past or beyond the
 * window is a 422; days past the window are left out.
 */
export async function listSlots(branchId: string | undefined, query: SlotQuery): Promise<{ items: Slot[] }> {
  const branch = knownBranch(branchId);
  if (query.service && !branch.services.includes(query.service)) {
    throw new AppError(
      422,
      "slot-not-offered",
      "Slot not offered",
      "The branch does not offer this service.",
      {
        errors: [{ path: "service", message: "Not offered at this branch" }],
      },
    );
  }
  const at = nowMs();
  const window = bookableWindow(branch, at);
  const from = query.from ?? window.first;
  if (from < localDate(branch, at) || from > window.last) {
    throw new AppError(
      422,
      "date-out-of-range",
      "Date out of range",
      `Slots can be booked from ${window.first} to ${window.last}.`,
      { errors: [{ path: "from", message: `Between ${window.first} and ${window.last}` }] },
    );
  }
  const slots = bookableSlots(branch, from, query.days, at);
  const first = slots[0];
  const last = slots.at(-1);
  if (!first || !last) return { items: [] };
  const booked = await bookedCounts(branch.id, first.startMs, last.startMs);
  return {
    items: slots.map(({ start, end, startMs }) => ({
      start,
      end,
      free: Math.max(0, branch.desks - (booked.get(startMs) ?? 0)),
    })),
  };
}

/**
 * Primary course (F18, the branch's day): the standing appointments of one day in start order, with names and
 * service. The read is audited on each listed person's trail, with the operator.
 */
export async function listDay(branchId: string | undefined, date: string, operatorId: string) {
  const branch = knownBranch(branchId);
  const standing = (await appointmentsOfDay(branch.id, date)).filter((a) => a.status === "booked");
  const items: DayEntry[] = standing.map((a) => ({
    id: a.id,
    reference: a.reference,
    start: a.start,
    end: a.end,
    service: a.service,
    person: a.person,
    status: a.checkedInAt ? "checked-in" : "booked",
    ...(a.checkedInAt ? { checkedInAt: a.checkedInAt } : {}),
  }));
  await recordAuditEvents(
    standing.map((a) => ({
      codiceFiscale: a.person.codiceFiscale,
      type: "appointment-listed",
      channel: "branch",
      actor: `operator:${operatorId}`,
      outcome: "success",
      details: { appointmentId: a.id, branchId: branch.id, date },
    })),
    now().toISOString(),
  );
  return { branchId: branch.id, date, items };
}

/** Primary course (F18, check-in): the operator marks the person's arrival, once; a second mark is a 409. */
export async function checkIn(id: string | undefined, operatorId: string) {
  const stored = await getAppointment(id ?? "");
  if (!stored) throw new NotFoundError("No such appointment.");
  const cancelled = () => new ConflictError("appointment-cancelled", "The appointment was cancelled.");
  if (stored.status === "cancelled") throw cancelled();
  const at = now().toISOString();
  await transact(
    [
      checkInUpdate(stored, operatorId, at),
      {
        Put: auditEventPut({
          codiceFiscale: stored.person.codiceFiscale,
          type: "appointment-checked-in",
          channel: "branch",
          actor: `operator:${operatorId}`,
          outcome: "success",
          details: { appointmentId: stored.id, branchId: stored.branchId, service: stored.service },
        }),
      },
    ],
    {
      conditions: {
        0: async () =>
          (await getAppointment(stored.id))?.status === "cancelled"
            ? cancelled()
            : new ConflictError("already-checked-in", "The person's arrival was already recorded."),
      },
      conflictRetries: 10,
    },
  );
  return { id: stored.id, status: "checked-in" as const, checkedInAt: at };
}
