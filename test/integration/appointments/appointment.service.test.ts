import { afterEach, describe, expect, it, vi } from "vitest";
import { bookAppointment, cancelAppointment } from "#shared/appointments/appointment.service";
import { sendAppointmentReminders } from "#shared/appointments/appointment-reminders.service";
import type { BookAppointment } from "#shared/appointments/booking.schema";
import { checkIn, listDay, listSlots } from "#shared/appointments/branch-desk.service";
import { setClockOffsetSeconds } from "#shared/platform/clock";
import type { Citizen } from "../../fixtures/citizens.ts";
import { emfLinesOf } from "../../fixtures/emf.ts";
import { auditTypes, mockDelivery, nextCitizen, noticesTo, wholeTable } from "../holders.ts";

mockDelivery();
const web = { channel: "web", actor: "citizen" };
const codeOf = (o: PromiseSettledResult<unknown>) =>
  o.status === "fulfilled" ? "booked" : (o.reason as { code: string }).code;

/** The free slots of a branch in the bookable window, as the public route lists them. */
async function freeSlots(branchId = "roma-eur") {
  const { items } = await listSlots(branchId, { days: 31 });
  return items.filter((s) => s.free > 0);
}

function booking(person: Citizen, start: string, overrides: Partial<BookAppointment> = {}): BookAppointment {
  return {
    branchId: "roma-eur",
    start,
    service: "pin-issuance",
    person: { codiceFiscale: person.codiceFiscale, surname: person.surname, givenName: person.givenName },
    contact: { email: `${person.codiceFiscale.toLowerCase()}@example.org` },
    ...overrides,
  };
}

/** The cancel link's token, read from the confirmation queued for `email`. */
async function cancelTokenFor(email: string): Promise<string> {
  const [notice] = (await noticesTo(email)).filter((n) => n.type === "appointment-confirmation");
  const token = /\/appointments\/cancel\?token=([\w-]+)/.exec(notice?.message.text ?? "")?.[1];
  if (!token) throw new Error(`no cancel link to ${email}`);
  return token;
}

afterEach(() => {
  setClockOffsetSeconds(0);
  vi.restoreAllMocks();
});

/** The AppointmentBooked counts written to stdout (CloudWatch embedded metric format) while `fn` runs. */
const bookedMetricsOf = async (fn: () => Promise<unknown>) =>
  (await emfLinesOf(fn)).filter((line) => "AppointmentBooked" in line);

describe("branch appointments (F18) on DynamoDB Local", () => {
  it("gives a slot exactly `desks` bookings however many race for it, the rest slot-full", async () => {
    // Prepare
    const slot = (await freeSlots())[3]!;
    const people = Array.from({ length: 12 }, () => nextCitizen(60_000));

    // Act
    let outcomes: PromiseSettledResult<unknown>[] = [];
    const metrics = await bookedMetricsOf(async () => {
      outcomes = await Promise.allSettled(people.map((p) => bookAppointment(booking(p, slot.start), web)));
    });

    // Assess
    const codes = outcomes.map(codeOf);
    expect(codes.filter((c) => c === "booked")).toHaveLength(2);
    expect(codes.filter((c) => c === "slot-full")).toHaveLength(10);
    // One count per committed booking, by channel, and nothing that names a person or an appointment.
    expect(metrics.map((m) => [m.AppointmentBooked, m.channel])).toEqual([
      [1, "online"],
      [1, "online"],
    ]);
    expect(JSON.stringify(metrics)).not.toMatch(new RegExp(people.map((p) => p.codiceFiscale).join("|")));
    const after = (await listSlots("roma-eur", { from: slot.start.slice(0, 10), days: 1 })).items;
    expect(after.find((s) => s.start === slot.start)?.free).toBe(0);
    const day = await listDay("roma-eur", slot.start.slice(0, 10), "op-1");
    expect(day.items.filter((a) => a.start === slot.start)).toHaveLength(2);
  });

  it("holds one future appointment per codice fiscale and service: of parallel bookings one wins, the other names it", async () => {
    // Prepare
    const person = nextCitizen(60_100);
    const [a, b, c] = await freeSlots();

    // Act
    const outcomes = await Promise.allSettled(
      [a!, b!].map((s) => bookAppointment(booking(person, s.start), web)),
    );
    const other = await bookAppointment(booking(person, c!.start, { service: "delegation" }), web);

    // Assess
    expect(outcomes.map(codeOf).sort()).toEqual(["appointment-exists", "booked"]);
    const won = outcomes.find((o) => o.status === "fulfilled") as PromiseFulfilledResult<{ id: string }>;
    const lost = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ statusCode: 409, options: { extra: { id: won.value.id } } });
    expect(other.service).toBe("delegation");
  });

  it("cancels once by the mailed link, even used twice at once: the place and the hold are freed once", async () => {
    // Prepare
    const person = nextCitizen(60_200);
    const slot = (await freeSlots())[5]!;
    const booked = await bookAppointment(booking(person, slot.start), web);
    const email = `${person.codiceFiscale.toLowerCase()}@example.org`;
    const token = await cancelTokenFor(email);

    // Act
    const outcomes = await Promise.allSettled([cancelAppointment(token), cancelAppointment(token)]);

    // Assess
    expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value.status : o.reason.code)).sort()).toEqual([
      "cancelled",
      "invalid-token",
    ]);
    const after = (await listSlots("roma-eur", { from: slot.start.slice(0, 10), days: 1 })).items;
    expect(after.find((s) => s.start === slot.start)?.free).toBe(2);
    await expect(checkIn(booked.id, "op-1")).rejects.toMatchObject({ code: "appointment-cancelled" });
    await expect(bookAppointment(booking(person, slot.start), web)).resolves.toMatchObject({
      start: slot.start,
    });
    expect(await auditTypes(person.codiceFiscale)).toEqual(
      expect.arrayContaining(["appointment-booked", "appointment-cancelled"]),
    );
    // The token lives in the confirmation's outbox item, which delivers it, and nowhere else.
    const stored = (JSON.parse(await wholeTable()) as Array<{ kind?: string }>).filter(
      (i) => i.kind !== "outbox",
    );
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it("reminds each standing appointment the day before, once however often the job runs", async () => {
    // Prepare: two bookings on the last bookable day, one cancelled; the clock moved to the evening before.
    const slots = await freeSlots();
    const lastDay = slots.at(-1)!.start.slice(0, 10);
    const [first, second] = slots.filter((s) => s.start.startsWith(lastDay));
    const [kept, dropped] = [nextCitizen(60_300), nextCitizen(60_300)];
    await bookAppointment(booking(kept, first!.start), web);
    await bookAppointment(booking(dropped, second!.start), web);
    await cancelAppointment(await cancelTokenFor(`${dropped.codiceFiscale.toLowerCase()}@example.org`));
    const eveningBefore = Date.parse(first!.start) - 15 * 3_600_000;
    setClockOffsetSeconds((eveningBefore - Date.now()) / 1000);

    // Act
    await Promise.all([sendAppointmentReminders(), sendAppointmentReminders()]);
    await sendAppointmentReminders();

    // Assess
    const reminders = async (p: Citizen) =>
      (await noticesTo(`${p.codiceFiscale.toLowerCase()}@example.org`)).filter(
        (n) => n.type === "appointment-reminder",
      );
    const sent = await reminders(kept);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.message.text).toContain("INPS Roma Eur");
    expect(await reminders(dropped)).toHaveLength(0);
  });

  it("checks a person in once; a second check-in is already-checked-in, an unknown id not-found", async () => {
    const person = nextCitizen(60_400);
    const slot = (await freeSlots())[7]!;
    const booked = await bookAppointment(
      booking(person, slot.start, { contact: { mobile: "+393331234567" } }),
      {
        channel: "contact-center",
        actor: "operator:op-2",
      },
    );

    const outcomes = await Promise.allSettled([checkIn(booked.id, "op-1"), checkIn(booked.id, "op-1")]);

    expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value.status : o.reason.code)).sort()).toEqual([
      "already-checked-in",
      "checked-in",
    ]);
    const day = await listDay("roma-eur", slot.start.slice(0, 10), "op-1");
    expect(day.items.find((a) => a.id === booked.id)).toMatchObject({
      status: "checked-in",
      person: { surname: person.surname },
    });
    // The appointment and its personal data expire 30 days after the slot, as do its counter, hold and pointer.
    const items = (
      JSON.parse(await wholeTable()) as Array<{ kind: string; ttl?: number; id?: string }>
    ).filter((i) => i.kind === "appointment" && i.id === booked.id);
    expect(items).toHaveLength(1);
    expect(items[0]?.ttl).toBe(Math.ceil(Date.parse(slot.end) / 1000) + 30 * 86_400);
    await expect(checkIn("00000000-0000-4000-8000-000000000000", "op-1")).rejects.toMatchObject({
      statusCode: 404,
    });
    expect(await auditTypes(person.codiceFiscale)).toEqual(
      expect.arrayContaining(["appointment-booked", "appointment-checked-in", "appointment-listed"]),
    );
  });

  it("refuses a slot the branch does not offer (422 slot-not-offered) and names that disagree with the codice fiscale", async () => {
    const person = nextCitizen(60_500);
    const slot = (await freeSlots())[0]!;
    const offGrid = new Date(Date.parse(slot.start) + 7 * 60_000).toISOString();
    const past = new Date(Date.now() - 86_400_000).toISOString();
    const farAhead = new Date(Date.parse(slot.start) + 40 * 86_400_000).toISOString();
    for (const request of [
      booking(person, offGrid),
      booking(person, past),
      booking(person, farAhead),
      booking(person, slot.start, { branchId: "atlantide" }),
      booking(person, slot.start, { branchId: "napoli", service: "pin-conversion" }),
    ]) {
      await expect(bookAppointment(request, web)).rejects.toMatchObject({
        statusCode: 422,
        code: "slot-not-offered",
      });
    }
    await expect(
      bookAppointment(booking({ ...person, surname: "Zzyzx" }, slot.start), web),
    ).rejects.toMatchObject({ code: "codice-fiscale-mismatch" });
    await expect(listSlots("atlantide", { days: 1 })).rejects.toMatchObject({ statusCode: 404 });
    await expect(listSlots("roma-eur", { from: "2020-01-01", days: 1 })).rejects.toMatchObject({
      statusCode: 422,
      code: "date-out-of-range",
    });
  });
});
