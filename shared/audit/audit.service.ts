import { addDays, now } from "../platform/clock.ts";
import { ValidationError } from "../platform/errors.ts";
import { toFieldErrors } from "../platform/http.ts";
import { type AuditPage, type AuditQuery, auditQuerySchema } from "./audit.schema.ts";
import { auditKeys, queryTrail, recordAuditEvent } from "./audit.store.ts";

/** How far back a holder sees their own security activity (docs/product/http-api.md#f16-audit). */
export const OWN_ACTIVITY_DAYS = 90;

export function parseAuditQuery(query: Record<string, string | undefined>): AuditQuery {
  const parsed = auditQuerySchema.safeParse(query);
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  return parsed.data;
}

// A date alone means the whole day: `from` at its start, `to` at its end.
const lowerBound = (from: string) =>
  from.length === 10 ? `${from}T00:00:00.000Z` : new Date(from).toISOString();
const upperBound = (to: string) => (to.length === 10 ? `${to}T23:59:59.999Z` : new Date(to).toISOString());

function decodeCursor(cursor: string, codiceFiscale: string): Record<string, string> {
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { sk?: unknown };
    if (typeof key.sk !== "string" || !key.sk.startsWith(auditKeys.skPrefix)) throw new Error("cursor");
    return { pk: auditKeys.pk(codiceFiscale), sk: key.sk };
  } catch {
    throw new ValidationError([{ path: "cursor", message: "Not a cursor this list returned" }]);
  }
}

/** One page of a holder's trail, newest first, within `[from, to]`. */
export async function readAuditTrail(codiceFiscale: string, query: AuditQuery): Promise<AuditPage> {
  const from = `${auditKeys.skPrefix}${query.from ? lowerBound(query.from) : ""}`;
  const to = `${auditKeys.skPrefix}${query.to ? upperBound(query.to) : "~"}`;
  // A window that ends before it starts holds nothing (and DynamoDB refuses a BETWEEN the wrong way round).
  if (from > to) return { items: [] };
  const { Items, LastEvaluatedKey } = await queryTrail(codiceFiscale, {
    from,
    to: `${to}~`,
    limit: query.limit,
    startKey: query.cursor ? decodeCursor(query.cursor, codiceFiscale) : undefined,
  });
  return {
    items: Items.map((item) => ({
      at: item.at as string,
      type: item.type as string,
      channel: item.channel as string,
      actor: item.actor as string,
      outcome: item.outcome as "success" | "failure" | "refused",
      details: (item.details as Record<string, string | number | boolean>) ?? {},
    })),
    ...(LastEvaluatedKey
      ? { nextCursor: Buffer.from(JSON.stringify({ sk: LastEvaluatedKey.sk })).toString("base64url") }
      : {}),
  };
}

/**
 * Primary course (F16, operator): read a page of a holder's trail, and record the read itself in that trail
 * with the operator, before answering: no one reads a trail without leaving a trace.
 */
export async function readTrailAsOperator(
  codiceFiscale: string,
  query: AuditQuery,
  operator: { operatorId: string; channel: string },
): Promise<AuditPage> {
  await recordAuditEvent({
    codiceFiscale,
    type: "audit-read",
    channel: operator.channel,
    actor: `operator:${operator.operatorId}`,
    outcome: "success",
    details: { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) },
  });
  return readAuditTrail(codiceFiscale, query);
}

/** F16, holder: their own activity of the last 90 days. */
export async function readOwnActivity(codiceFiscale: string, query: AuditQuery): Promise<AuditPage> {
  const floor = addDays(now(), -OWN_ACTIVITY_DAYS).toISOString();
  const from = query.from && lowerBound(query.from) > floor ? query.from : floor;
  return readAuditTrail(codiceFiscale, { ...query, from });
}
