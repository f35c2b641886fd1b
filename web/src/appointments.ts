/**
 * Branch appointments (F18) as the pages see them: the branches, their free slots grouped by the branch's local
 * day, the booking body, and the .ics file of a booked appointment. Slot times arrive as ISO 8601 with the
 * branch's offset (`2026-12-05T08:30:00+01:00`), so the branch's wall-clock day and time are read from the
 * string itself, whatever the reader's own time zone.
 */
import { type Answer, call } from "./api.ts";
import { h, live } from "./dom.ts";
import { input, radios } from "./forms.ts";
import { lang, t } from "./i18n.ts";
import { calendarFile } from "./ics.ts";

export type BranchView = Answer<"branchList">["items"][number];
export type Slot = Answer<"branchSlots">["items"][number];
export type Booked = Answer<"appointments">;
export type AppointmentService = Booked["service"];
export type Address = BranchView["address"];

const appointmentServices: readonly AppointmentService[] = ["pin-issuance", "pin-conversion", "delegation"];

export const defaultTimeZone = "Europe/Rome";

export function isService(value: string | null): value is AppointmentService {
  return appointmentServices.includes(value as AppointmentService);
}

export function serviceName(service: string): string {
  return isService(service) ? t(`appointments.service.${service}`) : service;
}

export function addressText(address: Address | undefined): string {
  return address ? `${address.addressLines.join(", ")}, ${address.postalCode} ${address.city}` : "";
}

/** "Rather do it at a counter? Book a branch appointment", the service chosen: for pages whose task a branch does too. */
export function branchVisitNote(service: AppointmentService): HTMLElement {
  return h(
    "p",
    { class: "branch-visit" },
    t("appointments.visitIntro"),
    " ",
    h("a", { href: `/appointments/?service=${service}` }, t("appointments.visitLink")),
  );
}

export async function loadBranches(): Promise<BranchView[]> {
  return (await call<{ items: BranchView[] }>("GET", "/v1/branches")).items;
}

/** `YYYY-MM-DD` of today in `timeZone`, moved by `days`. */
export function localDate(timeZone: string, days = 0, now = new Date()): string {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone }).format(now);
  const date = new Date(`${today}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The branch's free slots from tomorrow to 30 days ahead, each day with at least one. */
export async function freeDays(
  branch: BranchView,
  service: AppointmentService,
): Promise<Map<string, Slot[]>> {
  const { items } = await call<{ items: Slot[] }>(
    "GET",
    `/v1/branches/${encodeURIComponent(branch.id)}/slots`,
    {
      query: { from: localDate(branch.timeZone, 1), days: 30, service },
    },
  );
  const days = new Map<string, Slot[]>();
  for (const slot of items) {
    if (slot.free <= 0) continue;
    const day = slot.start.slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), slot]);
  }
  return days;
}

/** `08:30`: the branch's wall-clock time of an instant given with its offset. */
export function wallClock(iso: string): string {
  return iso.slice(11, 16);
}

const locale = () => (lang() === "it" ? "it-IT" : "en-GB");

/** `sabato 5 dicembre 2026` of a `YYYY-MM-DD` day (a calendar day: no time zone can move it). */
export function dayName(day: string): string {
  return new Intl.DateTimeFormat(locale(), {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(`${day}T12:00:00Z`));
}

/** `sabato 5 dicembre 2026, 08:30–08:45` in the branch's time. */
export function slotText(slot: { start: string; end: string }): string {
  return `${dayName(slot.start.slice(0, 10))}, ${wallClock(slot.start)}–${wallClock(slot.end)}`;
}

export interface BookingState {
  service: string;
  branchId: string;
  day: string;
  start: string;
  person: { codiceFiscale: string; surname: string; givenName: string };
  contactKind: string;
  contact: { email: string; mobile: string };
  [key: string]: unknown;
}

export function emptyBooking(service = ""): BookingState {
  return {
    service,
    branchId: "",
    day: "",
    start: "",
    person: { codiceFiscale: "", surname: "", givenName: "" },
    contactKind: "email",
    contact: { email: "", mobile: "" },
  };
}

/** Where the confirmation goes: e-mail or mobile, and the one field of the kind chosen, redrawn in place. */
export function contactChoice(state: BookingState): HTMLElement[] {
  const field = live(() =>
    state.contactKind === "mobile"
      ? input(state, {
          path: "contact.mobile",
          label: "person.mobile",
          hint: "person.mobileHint",
          type: "tel",
          autocomplete: "tel",
          required: true,
        })
      : input(state, {
          path: "contact.email",
          label: "person.email",
          type: "email",
          autocomplete: "email",
          required: true,
        }),
  );
  return [
    radios(state, {
      path: "contactKind",
      label: "appointments.contactKind",
      hint: "appointments.contactHint",
      required: true,
      inline: true,
      options: [
        { value: "email", label: t("person.email") },
        { value: "mobile", label: t("person.mobile") },
      ],
      onChange: field.redraw,
    }),
    field.element,
  ];
}

/** The body of `POST /v1/appointments` (and of the contact center's booking): one contact, the one chosen. */
export function bookingBody(state: BookingState) {
  const contact =
    state.contactKind === "mobile"
      ? { mobile: state.contact.mobile.replace(/[\s().-]/g, "") }
      : { email: state.contact.email.trim() };
  return {
    branchId: state.branchId,
    start: state.start,
    service: state.service,
    person: {
      codiceFiscale: state.person.codiceFiscale.trim().toUpperCase(),
      surname: state.person.surname.trim(),
      givenName: state.person.givenName.trim(),
    },
    contact,
  };
}

/** The receipt's calendar file, built from the booking's answer, as a `blob:` URL to download. */
export function calendarUrl(booked: Booked): string {
  const { branch } = booked;
  const file = calendarFile({
    uid: `${booked.id}@appointments.inps.it`,
    start: booked.start,
    end: booked.end,
    timeZone: branch.timeZone,
    title: t("appointments.icsTitle", { service: serviceName(booked.service) }),
    description: t("appointments.icsDescription", { reference: booked.reference }),
    location: `${branch.name}, ${addressText(branch.address)}`,
    stamp: new Date(),
  });
  return URL.createObjectURL(new Blob([file], { type: "text/calendar;charset=utf-8" }));
}
