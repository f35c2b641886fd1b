/**
 * The appointment's .ics file read back by an independent parser (Mozilla's ical.js): the branch's wall-clock
 * time under its TZID, with the VTIMEZONE the file carries, is the instant the API answered, in winter, in
 * summer and on the days the clocks change; text survives escaping and line folding.
 */
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { calendarFile } from "../../../web/src/ics.ts";

function event(start: string, end: string, extra: { description?: string; location?: string } = {}) {
  return calendarFile({
    uid: "apt-1@appointments.inps.it",
    start,
    end,
    timeZone: "Europe/Rome",
    title: "INPS, Rilascio del PIN dispositivo",
    stamp: new Date("2026-12-01T10:00:00Z"),
    ...extra,
  });
}

/** Parses the file as a calendar application would: its own VTIMEZONE registered, then the event read. */
function read(file: string) {
  const calendar = new ICAL.Component(ICAL.parse(file));
  ICAL.TimezoneService.reset();
  for (const zone of calendar.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);
  const vevent = calendar.getFirstSubcomponent("vevent")!;
  return { calendar, vevent, parsed: new ICAL.Event(vevent) };
}

describe("calendarFile", () => {
  it.each([
    ["winter", "2026-12-05T08:30:00+01:00", "2026-12-05T08:45:00+01:00", "20261205T083000", "STANDARD"],
    ["summer", "2027-06-14T14:00:00+02:00", "2027-06-14T14:15:00+02:00", "20270614T140000", "DAYLIGHT"],
    // The first working day after each change of the clocks: the offset must be the new one.
    [
      "after the spring change",
      "2027-03-29T08:30:00+02:00",
      "2027-03-29T08:45:00+02:00",
      "20270329T083000",
      "DAYLIGHT",
    ],
    [
      "after the autumn change",
      "2026-10-26T08:30:00+01:00",
      "2026-10-26T08:45:00+01:00",
      "20261026T083000",
      "STANDARD",
    ],
  ])("%s: the branch's local time under TZID is the API's instant", (_, start, end, local, kind) => {
    const file = event(start, end);
    expect(file).toContain(`DTSTART;TZID=Europe/Rome:${local}\r\n`);
    const { calendar, parsed } = read(file);
    expect(parsed.startDate.toUnixTime()).toBe(Date.parse(start) / 1000);
    expect(parsed.endDate.toUnixTime()).toBe(Date.parse(end) / 1000);
    expect(parsed.startDate.zone.tzid).toBe("Europe/Rome");
    expect(calendar.getFirstSubcomponent("vtimezone")?.getFirstSubcomponent(kind.toLowerCase())).toBeTruthy();
  });

  it("carries the clock change of the year before the event: 29 March 2027, 02:00 → 03:00", () => {
    const file = event("2027-04-01T09:00:00+02:00", "2027-04-01T09:15:00+02:00");
    expect(file).toMatch(
      /BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:\+0100\r\nTZOFFSETTO:\+0200\r\n/,
    );
  });

  it("escapes and folds text, and the parser reads it back whole", () => {
    const description =
      "Codice di prenotazione AB12-CD34; porta un documento d'identità valido, e la tessera.\nGrazie";
    const location =
      "INPS Roma Eur, Viale Aldo Ballarin, 42, 00142 Roma — sportello veloce, piano terra, ingresso à destra";
    const file = event("2026-12-05T08:30:00+01:00", "2026-12-05T08:45:00+01:00", { description, location });
    for (const line of file.split("\r\n"))
      expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    expect(file.endsWith("END:VCALENDAR\r\n")).toBe(true);
    // RFC 5545 §3.3.11: what a lenient parser might let through, a strict one would split on.
    expect(file.replace(/\r\n /g, "")).toContain(
      "DESCRIPTION:Codice di prenotazione AB12-CD34\\; porta un documento d'identità valido\\, e la tessera.\\nGrazie",
    );
    const { vevent, parsed } = read(file);
    expect(parsed.description).toBe(description);
    expect(parsed.location).toBe(location);
    expect(parsed.uid).toBe("apt-1@appointments.inps.it");
    expect(vevent.getFirstPropertyValue("dtstamp")?.toString()).toBe("2026-12-01T10:00:00Z");
  });
});
