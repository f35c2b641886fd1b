/**
 * A small iCalendar (RFC 5545) writer for one event, the appointment's receipt. Times carry the branch's time
 * zone (`DTSTART;TZID=Europe/Rome:…`) with the VTIMEZONE the standard asks for, its observance read from the
 * browser's own time-zone data (Intl), so a calendar abroad shows the visit at the right hour and says where
 * that hour is. The `ics` package was the alternative: it writes only UTC or floating times and pulls in a
 * validation library of 75 KB.
 */

export interface CalendarEvent {
  /** Unique and stable: the same appointment imported twice is one event. */
  uid: string;
  /** ISO 8601 instants with an offset, as the API answers them. */
  start: string;
  end: string;
  timeZone: string;
  title: string;
  description?: string;
  location?: string;
  /** DTSTAMP: when the file was made. */
  stamp: Date;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `20261205T083000`: the wall-clock time of `instant` in `timeZone`. */
function localStamp(instant: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}${parts.month}${parts.day}T${parts.hour}${parts.minute}${parts.second}`;
}

function utcStamp(date: Date): string {
  return `${localStamp(date.getTime(), "UTC")}Z`;
}

/** The zone's offset from UTC at `instant`, in minutes. */
function offsetMinutes(instant: number, timeZone: string): number {
  const name =
    new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
      .formatToParts(new Date(instant))
      .find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const match = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!match) return 0;
  return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? 0));
}

const formatOffset = (minutes: number) =>
  `${minutes < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * The observance in force at `instant`: the last change of offset before it (searched back a year, then to
 * the minute), as STANDARD or DAYLIGHT (the larger of two offsets is daylight time). A zone without a change
 * in the year gets one STANDARD observance from 1970.
 */
function vtimezone(instant: number, timeZone: string): string[] {
  const now = offsetMinutes(instant, timeZone);
  let after = instant;
  let before = instant - DAY;
  while (offsetMinutes(before, timeZone) === now && instant - before < 370 * DAY) {
    after = before;
    before -= DAY;
  }
  const previous = offsetMinutes(before, timeZone);
  let onset = Date.UTC(1970, 0, 1);
  if (previous !== now) {
    while (after - before > MINUTE) {
      const middle = before + Math.floor((after - before) / 2 / MINUTE) * MINUTE;
      if (offsetMinutes(middle, timeZone) === now) after = middle;
      else before = middle;
    }
    onset = after;
  }
  const kind = previous < now ? "DAYLIGHT" : "STANDARD";
  // DTSTART of an observance is the local time of the onset as reckoned before it (RFC 5545 §3.6.5).
  const onsetLocal = new Date(onset + previous * MINUTE).toISOString().replace(/[-:]|\.\d+Z$/g, "");
  return [
    "BEGIN:VTIMEZONE",
    `TZID:${timeZone}`,
    `BEGIN:${kind}`,
    `DTSTART:${onsetLocal}`,
    `TZOFFSETFROM:${formatOffset(previous)}`,
    `TZOFFSETTO:${formatOffset(now)}`,
    `END:${kind}`,
    "END:VTIMEZONE",
  ];
}

/** TEXT values: backslash, semicolon, comma and newlines escaped (RFC 5545 §3.3.11). */
function text(value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, "\\n");
}

/** Lines longer than 75 octets folded with CRLF and a space, never inside a UTF-8 character (§3.1). */
function fold(line: string): string {
  const encoder = new TextEncoder();
  const pieces: string[] = [];
  let piece = "";
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > (pieces.length ? 74 : 75)) {
      pieces.push(piece);
      piece = "";
      octets = 0;
    }
    piece += char;
    octets += size;
  }
  pieces.push(piece);
  return pieces.join("\r\n ");
}

/** The whole `.ics` file: one VEVENT in a VCALENDAR, CRLF line ends. */
export function calendarFile(event: CalendarEvent): string {
  const start = Date.parse(event.start);
  const end = Date.parse(event.end);
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//INPS//PIN appointments//IT",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    ...vtimezone(start, event.timeZone),
    "BEGIN:VEVENT",
    `UID:${event.uid}`,
    `DTSTAMP:${utcStamp(event.stamp)}`,
    `DTSTART;TZID=${event.timeZone}:${localStamp(start, event.timeZone)}`,
    `DTEND;TZID=${event.timeZone}:${localStamp(end, event.timeZone)}`,
    `SUMMARY:${text(event.title)}`,
    event.description ? `DESCRIPTION:${text(event.description)}` : undefined,
    event.location ? `LOCATION:${text(event.location)}` : undefined,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return `${lines
    .filter((line): line is string => line !== undefined)
    .map(fold)
    .join("\r\n")}\r\n`;
}
