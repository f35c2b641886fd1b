import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCitizenN } from "../fixtures/citizens.ts";
import {
  api,
  clearOutbox,
  operatorToken,
  outbox,
  postJson,
  type Reply,
  runJob,
  setClock,
  settledOutbox,
  waitForOutbox,
} from "./helpers.ts";

interface SlotItem {
  start: string;
  end: string;
  free: number;
}

let n = 81_000 + Math.floor(Math.random() * 500) * 40;
const person = () => {
  const c = makeCitizenN(n++);
  return { codiceFiscale: c.codiceFiscale, surname: c.surname, givenName: c.givenName };
};
const emailOf = (p: { codiceFiscale: string }) => `${p.codiceFiscale.toLowerCase()}@appointments.example.org`;
const book = (start: string, who = person(), extra: Record<string, unknown> = {}, headers = {}) =>
  postJson(
    "/v1/appointments",
    {
      branchId: "roma-eur",
      start,
      service: "pin-issuance",
      person: who,
      contact: { email: emailOf(who) },
      ...extra,
    },
    headers,
  );
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const isProblem = (reply: Reply) => reply.headers.get("content-type")?.startsWith("application/problem+json");

async function freeSlots(): Promise<SlotItem[]> {
  const reply = await api("/v1/branches/roma-eur/slots?days=31");
  expect(reply.status).toBe(200);
  return (reply.body.items as SlotItem[]).filter((s) => s.free === 2);
}

async function cancelToken(email: string): Promise<string> {
  const box = await waitForOutbox((b) =>
    b.emails.some((e) => e.to === email && e.text.includes("cancel?token=")),
  );
  const mail = box.emails.find((e) => e.to === email && e.text.includes("cancel?token="))!;
  expect(mail.text).toMatch(/\d{2}:\d{2}/); // the time, in the branch's zone
  return /\/appointments\/cancel\?token=([\w-]+)/.exec(mail.text)![1]!;
}

describe("branch appointments (F18) over HTTP", () => {
  let slots: SlotItem[];
  beforeAll(async () => {
    await setClock(0);
    await clearOutbox();
    slots = await freeSlots();
    expect(slots.length).toBeGreaterThan(20);
  });
  afterAll(() => setClock(0));

  it("lists the branches and their slots in Rome time with the offset, from tomorrow", async () => {
    const branches = await api("/v1/branches");
    expect(branches.body.items.map((b: { id: string }) => b.id)).toEqual(
      expect.arrayContaining(["roma-eur", "milano", "napoli"]),
    );
    expect(slots[0]!.start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\+0[12]:00$/);
    expect(Date.parse(slots[0]!.start)).toBeGreaterThan(Date.now());
  });

  it("gives forty parallel bookings of one slot (desks = 2) exactly two 201, the rest 409 slot-full", async () => {
    const slot = slots[0]!;
    const replies = await Promise.all(Array.from({ length: 40 }, () => book(slot.start)));
    const statuses = replies.map((r) => `${r.status} ${r.body.code ?? ""}`.trim());
    expect(statuses.filter((s) => s === "201")).toHaveLength(2);
    expect(statuses.filter((s) => s === "409 slot-full")).toHaveLength(38);
    const after = await api(`/v1/branches/roma-eur/slots?from=${slot.start.slice(0, 10)}&days=1`);
    expect(after.body.items.find((s: SlotItem) => s.start === slot.start).free).toBe(0);
  });

  it("books one appointment per codice fiscale and service, even asked twice at once; a retry with its Idempotency-Key answers the same", async () => {
    const who = person();
    const [a, b] = await Promise.all([book(slots[1]!.start, who), book(slots[2]!.start, who)]);
    const [won, lost] = a.status === 201 ? [a, b] : [b, a];
    expect(won.status).toBe(201);
    expect(lost.status).toBe(409);
    expect(lost.body).toMatchObject({ code: "appointment-exists", id: won.body.id });

    const key = { "idempotency-key": `appt-${who.codiceFiscale}` };
    const first = await book(slots[3]!.start, who, { service: "delegation" }, key);
    const again = await book(slots[3]!.start, who, { service: "delegation" }, key);
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(first.body).toMatchObject({
      branch: { id: "roma-eur", timeZone: "Europe/Rome" },
      start: slots[3]!.start,
    });
  });

  it("cancels by the mailed link once, even used twice at once: the place comes back once", async () => {
    const who = person();
    const slot = slots[4]!;
    expect((await book(slot.start, who)).status).toBe(201);
    const token = await cancelToken(emailOf(who));

    const replies = await Promise.all([0, 1].map(() => postJson("/v1/appointments/cancel", { token })));

    expect(replies.map((r) => r.status).sort()).toEqual([200, 401]);
    const after = await api(`/v1/branches/roma-eur/slots?from=${slot.start.slice(0, 10)}&days=1`);
    expect(after.body.items.find((s: SlotItem) => s.start === slot.start).free).toBe(2);
  });

  it("answers bad input with 4xx problems: past, off grid, unknown branch, past 30 days, malformed start", async () => {
    const slot = slots[5]!;
    const cases: Array<[Reply, number]> = [
      [await book(new Date(Date.now() - 86_400_000).toISOString()), 422],
      [await book(new Date(Date.parse(slot.start) + 5 * 60_000).toISOString()), 422],
      [await book(slot.start, person(), { branchId: "atlantide" }), 422],
      [await book(new Date(Date.parse(slot.start) + 35 * 86_400_000).toISOString()), 422],
      [await book("tomorrow at nine"), 400],
      [await book(slot.start, person(), { service: "passport" }), 400],
      [await api("/v1/branches/atlantide/slots"), 404],
      [await api("/v1/branches/roma-eur/slots?from=2099-01-01"), 422],
      [await api("/v1/branches/roma-eur/slots?from=01/02/2027"), 400],
    ];
    for (const [reply, status] of cases) {
      expect(reply.status).toBe(status);
      expect(isProblem(reply)).toBe(true);
    }
    expect(cases.slice(0, 4).map(([r]) => r.body.code)).toEqual(Array(4).fill("slot-not-offered"));
  });

  it("lets the contact center book for a caller and the branch list the day and check the person in once", async () => {
    const [contactCenter, branch] = [await operatorToken("contact-center"), await operatorToken("branch")];
    const who = person();
    const slot = slots[6]!;
    const booked = await postJson(
      "/v1/operator/appointments",
      {
        branchId: "roma-eur",
        start: slot.start,
        service: "pin-conversion",
        person: who,
        contact: { email: emailOf(who) },
      },
      bearer(contactCenter),
    );
    expect(booked.status).toBe(201);

    const day = await api(`/v1/operator/branches/roma-eur/appointments?date=${slot.start.slice(0, 10)}`, {
      headers: bearer(branch),
    });
    const starts = day.body.items.map((a: { start: string }) => a.start);
    expect(starts).toEqual([...starts].sort());
    expect(day.body.items.find((a: { id: string }) => a.id === booked.body.id)).toMatchObject({
      person: who,
      service: "pin-conversion",
      status: "booked",
    });

    const checkIn = () =>
      api(`/v1/operator/appointments/${booked.body.id}/check-in`, {
        method: "POST",
        headers: bearer(branch),
      });
    expect((await checkIn()).status).toBe(200);
    const second = await checkIn();
    expect([second.status, second.body.code]).toEqual([409, "already-checked-in"]);
    const wrongGroup = await api(`/v1/operator/appointments/${booked.body.id}/check-in`, {
      method: "POST",
      headers: bearer(contactCenter),
    });
    expect(wrongGroup.status).toBe(403);
  });

  it("sends the reminder the day before once, however often the job runs", async () => {
    const who = person();
    const slot = slots.at(-1)!;
    expect((await book(slot.start, who)).status).toBe(201);
    await settledOutbox();
    await setClock((Date.parse(slot.start) - 15 * 3_600_000 - Date.now()) / 1000);

    for (const run of [runJob("appointment-reminders"), runJob("appointment-reminders")])
      expect((await run).status).toBe(200);
    expect((await runJob("appointment-reminders")).status).toBe(200);

    await settledOutbox();
    const reminders = (await outbox()).emails.filter(
      (e) => e.to === emailOf(who) && /Promemoria/.test(e.subject),
    );
    expect(reminders).toHaveLength(1);
  });
});
