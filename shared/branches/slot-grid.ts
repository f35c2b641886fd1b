import { TZDate } from "@date-fns/tz";
import { type Branch, minutes, type Weekday, weekdays } from "./branch.schema.ts";

/** How far ahead a slot can be booked, in calendar days of the branch (SPEC §11: tomorrow up to 30 days ahead). */
export const BOOKING_HORIZON_DAYS = 30;

/** One slot of a branch's grid: its instants, and its local start and end in ISO 8601 with the day's offset. */
export interface GridSlot {
  start: string;
  end: string;
  startMs: number;
  endMs: number;
}

/** `date` plus `days` calendar days (YYYY-MM-DD); pure calendar arithmetic, no time zone involved. */
export function plusDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  // getUTCDay: 0 is Sunday; `weekdays` starts on Monday.
  return weekdays[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7] as Weekday;
}

/** The calendar day (YYYY-MM-DD) of an instant in the branch's time zone. */
export function localDate(branch: Branch, atMs: number): string {
  const local = new TZDate(atMs, branch.timeZone);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
}

/** The instant of a wall-clock time of a local day, in ISO 8601 with that instant's own offset (DST-aware). */
function wallClock(branch: Branch, date: string, minuteOfDay: number): { iso: string; ms: number } {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const local = new TZDate(y, m - 1, d, Math.floor(minuteOfDay / 60), minuteOfDay % 60, branch.timeZone);
  return { iso: local.toISOString().replace(".000", ""), ms: local.getTime() };
}

/** Every slot of a local day, in start order; none on a closed day or a day the branch does not open. */
export function slotsOfDay(branch: Branch, date: string): GridSlot[] {
  if (branch.closedOn.includes(date)) return [];
  const intervals = branch.opening[weekdayOf(date)] ?? [];
  return intervals.flatMap(([from, to]) => {
    const out: GridSlot[] = [];
    for (let m = minutes(from); m + branch.slotMinutes <= minutes(to); m += branch.slotMinutes) {
      const start = wallClock(branch, date, m);
      const end = wallClock(branch, date, m + branch.slotMinutes);
      out.push({ start: start.iso, end: end.iso, startMs: start.ms, endMs: end.ms });
    }
    return out;
  });
}

/** The first and last bookable days at `nowMs`: tomorrow and 30 days ahead, in the branch's calendar. */
export function bookableWindow(branch: Branch, nowMs: number): { first: string; last: string } {
  const today = localDate(branch, nowMs);
  return { first: plusDays(today, 1), last: plusDays(today, BOOKING_HORIZON_DAYS) };
}

/** The bookable slots of `days` days from `from`, clipped to the bookable window; past ones left out. */
export function bookableSlots(branch: Branch, from: string, days: number, nowMs: number): GridSlot[] {
  const { first, last } = bookableWindow(branch, nowMs);
  const out: GridSlot[] = [];
  for (let i = 0; i < days; i++) {
    const date = plusDays(from, i);
    if (date < first) continue;
    if (date > last) break;
    out.push(...slotsOfDay(branch, date).filter((slot) => slot.startMs > nowMs));
  }
  return out;
}

/** The bookable slot starting at `startMs`, or undefined when the grid offers none then (off grid, closed, out of window). */
export function bookableSlotAt(branch: Branch, startMs: number, nowMs: number): GridSlot | undefined {
  const date = localDate(branch, startMs);
  return bookableSlots(branch, date, 1, nowMs).find((slot) => slot.startMs === startMs);
}
