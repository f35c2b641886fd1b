import { GetCommand, paginateQuery } from "@aws-sdk/lib-dynamodb";
import type { AppointmentService } from "../branches/branch.schema.ts";
import { hashToken } from "../credentials/pin-hash.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import type { TransactItem } from "../platform/transact.ts";
import type { AppointmentContact } from "./booking.schema.ts";

/**
 * An appointment is one item in its branch-day partition (`BRANCH#<id>#DAY#<date>`, sorted by start), so a day's
 * list is one Query and the reminder job reads tomorrow's partitions. Beside it, written in the same transaction:
 * - the slot's counter (`BRANCH#<id>` / `SLOT#<start>`), taken on condition that fewer than `desks` are booked;
 * - the person's hold for the service (`CF#<cf>` / `APPOINTMENT#<service>`), one future appointment each;
 * - a pointer by id (`APPOINTMENT#<id>`), for check-in;
 * - the cancel link's grant, under the token's SHA-256 (the token exists only in the confirmation message).
 * All of them expire by TTL 30 days after the slot.
 */
export interface StoredAppointment {
  id: string;
  reference: string;
  branchId: string;
  /** The slot's local day at the branch, YYYY-MM-DD. */
  date: string;
  start: string;
  end: string;
  startMs: number;
  service: AppointmentService;
  person: { codiceFiscale: string; surname: string; givenName: string };
  contact: AppointmentContact;
  status: "booked" | "cancelled";
  bookedAt: string;
  bookedBy: string;
  checkedInAt?: string;
  checkedInBy?: string;
  remindedAt?: string;
  cancelledAt?: string;
  ttl: number;
}

export type ItemKey = { pk: string; sk: string };

const slotKey = (branchId: string, startMs: number) => ({
  pk: `BRANCH#${branchId}`,
  sk: `SLOT#${new Date(startMs).toISOString()}`,
});
const holdKey = (codiceFiscale: string, service: string) => ({
  pk: `CF#${codiceFiscale}`,
  sk: `APPOINTMENT#${service}`,
});
const dayPk = (branchId: string, date: string) => `BRANCH#${branchId}#DAY#${date}`;
export const appointmentKey = (a: Pick<StoredAppointment, "branchId" | "date" | "startMs" | "id">) => ({
  pk: dayPk(a.branchId, a.date),
  sk: `APPOINTMENT#${new Date(a.startMs).toISOString()}#${a.id}`,
});
const pointerKey = (id: string) => ({ pk: `APPOINTMENT#${id}`, sk: "APPOINTMENT" });
const linkKey = (token: string) => ({ pk: `APPOINTMENT-LINK#${hashToken(token)}`, sk: "TOKEN" });

/**
 * The booking's own items, in this order (their positions are the cancellation reasons' indexes): the slot
 * counter, the person's hold, the appointment, its pointer, the cancel link.
 */
export function bookingItems(
  appointment: StoredAppointment,
  desks: number,
  cancelToken: string,
  nowMs: number,
) {
  const TableName = required("TABLE_NAME");
  const { ttl } = appointment;
  const key = appointmentKey(appointment);
  const items: TransactItem[] = [
    {
      Update: {
        TableName,
        Key: slotKey(appointment.branchId, appointment.startMs),
        UpdateExpression: "SET kind = :kind, #ttl = :ttl ADD booked :one",
        ConditionExpression: "attribute_not_exists(booked) OR booked < :desks",
        ExpressionAttributeNames: { "#ttl": "ttl" },
        ExpressionAttributeValues: { ":kind": "appointment-slot", ":ttl": ttl, ":one": 1, ":desks": desks },
      },
    },
    {
      Put: {
        TableName,
        Item: {
          ...holdKey(appointment.person.codiceFiscale, appointment.service),
          kind: "appointment-hold",
          appointmentId: appointment.id,
          startMs: appointment.startMs,
          ttl,
        },
        // An appointment whose slot has begun no longer holds the service.
        ConditionExpression: "attribute_not_exists(pk) OR startMs <= :now",
        ExpressionAttributeValues: { ":now": nowMs },
      },
    },
    {
      Put: {
        TableName,
        Item: { ...key, kind: "appointment", ...appointment },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
    {
      Put: {
        TableName,
        Item: { ...pointerKey(appointment.id), kind: "appointment-pointer", key, ttl },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
    {
      Put: {
        TableName,
        Item: {
          ...linkKey(cancelToken),
          kind: "appointment-link",
          key,
          expiresAtMs: appointment.startMs,
          ttl,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  ];
  return items;
}

/** The id of the person's future appointment for a service, if any. */
export async function heldAppointmentId(
  codiceFiscale: string,
  service: string,
  nowMs: number,
): Promise<string | undefined> {
  const { Item } = await dynamodb.send(
    new GetCommand({
      TableName: required("TABLE_NAME"),
      Key: holdKey(codiceFiscale, service),
      ConsistentRead: true,
    }),
  );
  return Item && (Item.startMs as number) > nowMs ? (Item.appointmentId as string) : undefined;
}

/** Booked places of one slot, read strongly. */
export async function bookedCount(branchId: string, startMs: number): Promise<number> {
  return ((await getItem(slotKey(branchId, startMs)))?.booked as number | undefined) ?? 0;
}

/** Booked places per slot start (epoch ms) of a branch between two instants. */
export async function bookedCounts(
  branchId: string,
  fromMs: number,
  toMs: number,
): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for await (const page of paginateQuery(
    { client: dynamodb },
    {
      TableName: required("TABLE_NAME"),
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
      ExpressionAttributeValues: {
        ":pk": `BRANCH#${branchId}`,
        ":from": slotKey(branchId, fromMs).sk,
        ":to": slotKey(branchId, toMs).sk,
      },
      ProjectionExpression: "sk, booked",
    },
  )) {
    for (const item of page.Items ?? []) {
      counts.set(Date.parse((item.sk as string).slice("SLOT#".length)), item.booked as number);
    }
  }
  return counts;
}

/** A branch's appointments of one local day, in start order (cancelled ones included). */
export async function appointmentsOfDay(branchId: string, date: string): Promise<StoredAppointment[]> {
  const out: StoredAppointment[] = [];
  for await (const page of paginateQuery(
    { client: dynamodb },
    {
      TableName: required("TABLE_NAME"),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": dayPk(branchId, date), ":prefix": "APPOINTMENT#" },
      ConsistentRead: true,
    },
  )) {
    out.push(...((page.Items ?? []) as StoredAppointment[]));
  }
  return out;
}

async function getItem(key: ItemKey): Promise<Record<string, unknown> | undefined> {
  const { Item } = await dynamodb.send(
    new GetCommand({ TableName: required("TABLE_NAME"), Key: key, ConsistentRead: true }),
  );
  return Item;
}

export async function getAppointment(id: string): Promise<StoredAppointment | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const pointer = await getItem(pointerKey(id));
  return pointer ? ((await getItem(pointer.key as ItemKey)) as StoredAppointment | undefined) : undefined;
}

/** The appointment a live cancel link points at; undefined for an unknown, used or expired link. */
export async function appointmentOfLink(
  token: string,
  nowMs: number,
): Promise<StoredAppointment | undefined> {
  const grant = await getItem(linkKey(token));
  if (!grant || (grant.expiresAtMs as number) <= nowMs) return undefined;
  return (await getItem(grant.key as ItemKey)) as StoredAppointment | undefined;
}

/**
 * The cancellation's items, in this order: the link consumed (only if still there), the appointment marked
 * cancelled (only if booked), the slot's place given back, the person's hold released. Of parallel uses of one
 * link exactly one commits, so the place is freed once.
 */
export function cancellationItems(appointment: StoredAppointment, token: string, at: string): TransactItem[] {
  const TableName = required("TABLE_NAME");
  return [
    {
      Delete: {
        TableName,
        Key: linkKey(token),
        ConditionExpression: "attribute_exists(pk) AND expiresAtMs > :now",
        ExpressionAttributeValues: { ":now": Date.parse(at) },
      },
    },
    {
      Update: {
        TableName,
        Key: appointmentKey(appointment),
        UpdateExpression: "SET #status = :cancelled, cancelledAt = :at",
        ConditionExpression: "#status = :booked",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":cancelled": "cancelled", ":booked": "booked", ":at": at },
      },
    },
    {
      Update: {
        TableName,
        Key: slotKey(appointment.branchId, appointment.startMs),
        UpdateExpression: "ADD booked :minusOne",
        ConditionExpression: "booked > :zero",
        ExpressionAttributeValues: { ":minusOne": -1, ":zero": 0 },
      },
    },
    {
      Delete: {
        TableName,
        Key: holdKey(appointment.person.codiceFiscale, appointment.service),
        ConditionExpression: "appointmentId = :id",
        ExpressionAttributeValues: { ":id": appointment.id },
      },
    },
  ];
}

/** Marks the arrival, on condition that the appointment stands and nobody checked it in before. */
export function checkInUpdate(appointment: StoredAppointment, operatorId: string, at: string): TransactItem {
  return {
    Update: {
      TableName: required("TABLE_NAME"),
      Key: appointmentKey(appointment),
      UpdateExpression: "SET checkedInAt = :at, checkedInBy = :by",
      ConditionExpression: "#status = :booked AND attribute_not_exists(checkedInAt)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":at": at, ":by": `operator:${operatorId}`, ":booked": "booked" },
    },
  };
}

/** Records the reminder as queued, on condition that the appointment stands and was not reminded yet. */
export function reminderMark(appointment: StoredAppointment, at: string): TransactItem {
  return {
    Update: {
      TableName: required("TABLE_NAME"),
      Key: appointmentKey(appointment),
      UpdateExpression: "SET remindedAt = :at",
      ConditionExpression: "#status = :booked AND attribute_not_exists(remindedAt)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":at": at, ":booked": "booked" },
    },
  };
}
