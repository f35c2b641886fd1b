import type { Branch } from "./branch.schema.ts";

const weekdayHours = [
  ["08:30", "12:30"],
  ["14:00", "16:00"],
] satisfies Array<[string, string]>;

/**
 * The branches that take appointments (SPEC §11), defined once: the service answers from this list, the CDK app
 * validates it by its schema at synthesis (infra/constructs/branch-check.ts: a malformed entry never deploys) and
 * schedules the reminders in its time zone, the local stack validates it and prints it at start. Not parsed here:
 * each cold start of the functions that read it would pay for re-checking static data, and the time-zone check's
 * first `Intl.DateTimeFormat` loads ICU's data (the public branch list answered in ~3x its import time).
 */
export const branches: readonly Branch[] = [
  {
    id: "roma-eur",
    name: "INPS Roma Eur",
    address: { addressLines: ["Viale Aldo Ballarin, 42"], city: "Roma", postalCode: "00142" },
    timeZone: "Europe/Rome",
    opening: {
      mon: weekdayHours,
      tue: weekdayHours,
      wed: weekdayHours,
      thu: weekdayHours,
      fri: [["08:30", "12:30"]],
      sat: [["08:30", "11:30"]],
    },
    slotMinutes: 15,
    desks: 2,
    closedOn: [
      "2026-12-08",
      "2026-12-24",
      "2026-12-25",
      "2026-12-26",
      "2026-12-31",
      "2027-01-01",
      "2027-01-06",
    ],
    services: ["pin-issuance", "pin-conversion", "delegation"],
  },
  {
    id: "milano",
    name: "INPS Milano",
    address: { addressLines: ["Via Melchiorre Gioia, 22"], city: "Milano", postalCode: "20124" },
    timeZone: "Europe/Rome",
    opening: {
      mon: [["08:30", "12:30"]],
      tue: [["08:30", "12:30"]],
      wed: weekdayHours,
      thu: [["08:30", "12:30"]],
      fri: [["08:30", "12:30"]],
    },
    slotMinutes: 20,
    desks: 3,
    closedOn: ["2026-12-07", "2026-12-08", "2026-12-25", "2026-12-26", "2027-01-01", "2027-01-06"],
    services: ["pin-issuance", "pin-conversion", "delegation"],
  },
  {
    id: "napoli",
    name: "INPS Napoli",
    address: { addressLines: ["Via Alcide De Gasperi, 55"], city: "Napoli", postalCode: "80133" },
    timeZone: "Europe/Rome",
    opening: {
      mon: [["09:00", "12:00"]],
      wed: [["09:00", "12:00"]],
      fri: [["09:00", "12:00"]],
    },
    slotMinutes: 15,
    desks: 1,
    closedOn: ["2026-12-08", "2026-12-25", "2027-01-01", "2027-01-06"],
    services: ["pin-issuance", "delegation"],
  },
] satisfies Branch[];

export function branchById(id: string, list: readonly Branch[] = branches): Branch | undefined {
  return list.find((branch) => branch.id === id);
}

/** A branch as the API shows it (`GET /v1/branches`, an appointment's `branch`): no opening hours or desks. */
export function branchView(branch: Branch) {
  const { id, name, address, timeZone, services } = branch;
  return { id, name, address, timeZone, services };
}

/**
 * F18, branches: the list, from this module alone, so that the public `GET /v1/branches` bundles no store and no
 * SDK client (test/infra/bundle-contents.test.ts).
 */
export function listBranches() {
  return { items: branches.map((branch) => branchView(branch)) };
}
