import { describe, expect, it } from "vitest";
import type { Branch } from "#shared/branches/branch.schema";
import { branches } from "#shared/branches/branches";
import { bookableSlotAt, bookableSlots, bookableWindow, slotsOfDay } from "#shared/branches/slot-grid";

/** A branch open every day, Sundays included, so the grid can be read on the daylight-saving Sundays. */
const everyDay: Branch = {
  ...branches[0]!,
  id: "test-every-day",
  opening: Object.fromEntries(
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["08:30", "09:30"]]]),
  ),
  slotMinutes: 30,
  closedOn: ["2027-04-05"],
};

const starts = (date: string) =>
  slotsOfDay(everyDay, date).map((s) => [s.start, new Date(s.startMs).toISOString()]);

describe("slot grid in Europe/Rome", () => {
  it("keeps the local hours across the last Sunday of March (CET to CEST): the offset and the UTC instant change", () => {
    expect(starts("2027-03-27")).toEqual([
      ["2027-03-27T08:30:00+01:00", "2027-03-27T07:30:00.000Z"],
      ["2027-03-27T09:00:00+01:00", "2027-03-27T08:00:00.000Z"],
    ]);
    expect(starts("2027-03-28")).toEqual([
      ["2027-03-28T08:30:00+02:00", "2027-03-28T06:30:00.000Z"],
      ["2027-03-28T09:00:00+02:00", "2027-03-28T07:00:00.000Z"],
    ]);
    expect(slotsOfDay(everyDay, "2027-03-28")[1]?.end).toBe("2027-03-28T09:30:00+02:00");
  });

  it("keeps the local hours across the last Sunday of October (CEST to CET)", () => {
    expect(starts("2026-10-24")[0]).toEqual(["2026-10-24T08:30:00+02:00", "2026-10-24T06:30:00.000Z"]);
    expect(starts("2026-10-25")[0]).toEqual(["2026-10-25T08:30:00+01:00", "2026-10-25T07:30:00.000Z"]);
    expect(starts("2026-10-26")[0]).toEqual(["2026-10-26T08:30:00+01:00", "2026-10-26T07:30:00.000Z"]);
  });

  it("offers nothing on a closed day or a day without opening hours, and splits each interval into whole slots", () => {
    const roma = branches.find((b) => b.id === "roma-eur")!;
    expect(slotsOfDay(everyDay, "2027-04-05")).toEqual([]);
    expect(slotsOfDay(roma, "2027-01-10")).toEqual([]); // a Sunday
    const monday = slotsOfDay(roma, "2027-01-11");
    expect(monday).toHaveLength(16 + 8); // 08:30-12:30 and 14:00-16:00 in 15 minutes
    expect(monday.map((s) => s.start)).toContain("2027-01-11T14:00:00+01:00");
    expect(monday.map((s) => s.start)).not.toContain("2027-01-11T12:30:00+01:00");
  });

  it("offers from tomorrow to 30 days ahead in the branch's calendar, and finds a slot only on the grid", () => {
    // 23:30 in Rome on 27 March 2027 is still the 27th there (22:30 UTC).
    const now = Date.parse("2027-03-27T22:30:00Z");
    expect(bookableWindow(everyDay, now)).toEqual({ first: "2027-03-28", last: "2027-04-26" });
    const offered = bookableSlots(everyDay, "2027-03-20", 60, now);
    expect(offered[0]?.start).toBe("2027-03-28T08:30:00+02:00");
    expect(offered.at(-1)?.start).toBe("2027-04-26T09:00:00+02:00");
    expect(offered).toHaveLength(29 * 2); // 30 days, one of them closed
    expect(bookableSlotAt(everyDay, Date.parse("2027-03-28T06:30:00Z"), now)?.end).toBe(
      "2027-03-28T09:00:00+02:00",
    );
    expect(bookableSlotAt(everyDay, Date.parse("2027-03-28T06:45:00Z"), now)).toBeUndefined(); // off grid
    expect(bookableSlotAt(everyDay, Date.parse("2027-03-27T07:30:00Z"), now)).toBeUndefined(); // today
    expect(bookableSlotAt(everyDay, Date.parse("2027-04-27T06:30:00Z"), now)).toBeUndefined(); // day 31
    expect(bookableSlotAt(everyDay, Date.parse("2027-04-05T06:30:00Z"), now)).toBeUndefined(); // closed
  });
});
