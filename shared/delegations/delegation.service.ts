import { auditEventPut, recordAuditEvent } from "../audit/audit.store.ts";
import { issueAccessToken } from "../auth/access-token.ts";
import { getCredential, romeDate } from "../credentials/credential.store.ts";
import { assertNamesMatch } from "../credentials/eligibility.ts";
import { delegationNotice } from "../notifications/messages.ts";
import { noticeItems } from "../notifications/outbox.store.ts";
import { addDays, now, nowMs } from "../platform/clock.ts";
import { AppError, ConflictError, NotFoundError, ValidationError } from "../platform/errors.ts";
import { randomId } from "../platform/random.ts";
import { type TransactItem, TransactionCancelled, transact } from "../platform/transact.ts";
import type { Delegation, PersonRef } from "./delegation.schema.ts";
import {
  delegateSlotTake,
  delegationPuts,
  delegationRevokes,
  delegationsOf,
  delegationView,
  delegatorSlotTake,
  endsAtMs,
  freeSlots,
  getDelegation,
  isActive,
  pruneEndedSlots,
  type StoredDelegation,
} from "./delegation.store.ts";

/** Active ordinary delegations one delegate may hold (circolare 127/2021); guardians and parents excepted. */
export const MAX_ORDINARY_PER_DELEGATE = 3;
/** An end date, when given, is at least this far ahead. */
export const MIN_DURATION_DAYS = 30;
/** Ended and revoked delegations are removed by TTL this long after they end (the audit trail stays). */
const RETENTION_DAYS = 30;
const DELEGATED_SESSION_SECONDS = 15 * 60;

export interface Origin {
  channel: string;
  actor: string;
}

function notFound(): NotFoundError {
  return new NotFoundError("No such delegation.");
}

function ttlAfter(endMs: number): number | undefined {
  return endMs === Number.MAX_SAFE_INTEGER ? undefined : Math.ceil(endMs / 1000) + RETENTION_DAYS * 86_400;
}

/**
 * Primary course (F14, give): one trusted person for the delegator, with an optional end date at least 30
 * days ahead. The delegation, its two listing copies, the delegator's one slot and the delegate's count are
 * written in one transaction, each limit a condition: however many parallel requests, a delegator has one
 * active delegate and a delegate at most three ordinary delegations (guardians and parents do not count).
 */
export async function giveDelegation(
  delegator: PersonRef | { codiceFiscale: string },
  delegate: PersonRef,
  kind: Delegation["kind"],
  endsOn: string | undefined,
  origin: Origin,
): Promise<Delegation> {
  if (delegate.codiceFiscale === delegator.codiceFiscale) {
    throw new AppError(422, "self-delegation", "Not to oneself", "A person cannot delegate themselves.", {
      errors: [{ path: "delegate.codiceFiscale", message: "The delegate must be another person" }],
    });
  }
  assertNamesMatch(delegate, "delegate");
  if ("surname" in delegator) assertNamesMatch(delegator, "delegator");
  const today = romeDate(now());
  if (endsOn !== undefined && endsOn < romeDate(addDays(now(), MIN_DURATION_DAYS))) {
    throw new ValidationError([{ path: "endsOn", message: `At least ${MIN_DURATION_DAYS} days ahead` }]);
  }
  const ordinary = kind === "ordinary";
  if (ordinary) await pruneEndedSlots(delegate.codiceFiscale);

  const id = randomId();
  const endMs = endsAtMs(endsOn);
  const stored: StoredDelegation = {
    id,
    kind,
    delegator,
    delegate,
    startsOn: today,
    ...(endsOn ? { endsOn } : {}),
    status: "active",
    createdAt: now().toISOString(),
    createdBy: origin.actor,
  };
  const items = delegationPuts(stored, ttlAfter(endMs));
  if (ordinary) {
    items.push(
      delegatorSlotTake(delegator.codiceFiscale, id, endMs),
      delegateSlotTake(delegate.codiceFiscale, id, endMs, MAX_ORDINARY_PER_DELEGATE),
    );
  }
  // Last, so the limits keep their positions among the cancellation reasons.
  items.push(...(await announcement(stored, "given", origin)));
  // Parallel requests on the same slot items conflict; each is sent again until its condition decides.
  await transact(items, {
    conditions: ordinary
      ? {
          3: () =>
            new ConflictError(
              "delegate-exists",
              "The delegator already has an active delegate: revoke it first.",
            ),
          4: () =>
            new ConflictError(
              "delegation-limit",
              `The delegate already holds ${MAX_ORDINARY_PER_DELEGATE} active delegations.`,
            ),
        }
      : {},
    conflictRetries: 12,
  });
  return delegationView(stored);
}

/**
 * What a delegation given or ended writes in its own transaction besides itself: each party's audit record and,
 * for a party with a PIN, the notice to their contacts (outbox, docs/product/README.md#architecture), so neither is told of a change that
 * did not happen nor left untold of one that did.
 */
async function announcement(
  stored: StoredDelegation,
  event: "given" | "revoked",
  origin: Origin,
): Promise<TransactItem[]> {
  const message = delegationNotice(event, stored.kind, stored.endsOn);
  const parties = [stored.delegator.codiceFiscale, stored.delegate.codiceFiscale];
  const credentials = await Promise.all(parties.map((party) => getCredential(party)));
  return parties.flatMap((party, i) => {
    const credential = credentials[i];
    return [
      {
        Put: auditEventPut({
          codiceFiscale: party,
          type: event === "given" ? "delegation-given" : "delegation-revoked",
          channel: origin.channel,
          actor: origin.actor,
          outcome: "success",
          details: {
            delegationId: stored.id,
            kind: stored.kind,
            role: party === stored.delegator.codiceFiscale ? "delegator" : "delegate",
          },
        }),
      },
      ...(credential ? noticeItems({ type: `delegation-${event}`, to: credential.contacts, message }) : []),
    ];
  });
}

/** F14: the delegations a person gave and received, each with its live status. */
export async function listDelegations(codiceFiscale: string) {
  const [given, received] = await Promise.all([
    delegationsOf(codiceFiscale, "GIVEN"),
    delegationsOf(codiceFiscale, "RECEIVED"),
  ]);
  return { given: given.map(delegationView), received: received.map(delegationView) };
}

/**
 * Primary course (F14, end): the delegator revokes or the delegate renounces, at any time. The three copies
 * are marked revoked in one transaction and the limits freed; the delegation's tokens stop at their next use.
 */
export async function endDelegation(id: string, codiceFiscale: string, origin: Origin): Promise<void> {
  const stored = await getDelegation(id);
  if (
    !stored ||
    (stored.delegator.codiceFiscale !== codiceFiscale && stored.delegate.codiceFiscale !== codiceFiscale)
  ) {
    throw notFound();
  }
  if (stored.status === "revoked") return;
  const items = [
    ...delegationRevokes(stored, now().toISOString(), ttlAfter(nowMs())),
    ...(await announcement({ ...stored, status: "revoked" }, "revoked", origin)),
  ];
  try {
    await transact(items);
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedAt(0)) return; // ended by the other party meanwhile
    throw error;
  }
  if (stored.kind === "ordinary") await freeSlots(stored);
}

/**
 * Primary course (F14, act on behalf): the delegate, with their own token, gets a 15-minute access token
 * for the delegator carrying the RFC 8693 `act` claim. The delegator must hold an active PIN.
 */
export async function startDelegatedSession(id: string, delegate: string) {
  const stored = await getDelegation(id);
  if (!stored || stored.delegate.codiceFiscale !== delegate) throw notFound();
  if (!isActive(stored))
    throw new ConflictError("delegation-ended", "The delegation was revoked or has ended.");
  const credential = await getCredential(stored.delegator.codiceFiscale);
  if (credential?.status !== "active") {
    throw new AppError(
      422,
      "delegator-without-pin",
      "No active PIN",
      "The delegator has no active PIN to act with.",
    );
  }
  const accessToken = await issueAccessToken(
    {
      codiceFiscale: credential.codiceFiscale,
      credentialId: credential.credentialId,
      pinType: credential.pinType,
      actor: { codiceFiscale: delegate, delegationId: id },
    },
    DELEGATED_SESSION_SECONDS,
  );
  for (const [party, role] of [
    [credential.codiceFiscale, "delegator"],
    [delegate, "delegate"],
  ] as const) {
    await recordAuditEvent({
      codiceFiscale: party,
      type: "delegated-session-started",
      channel: "web",
      actor: `delegate:${delegate}`,
      outcome: "success",
      details: { delegationId: id, role },
    });
  }
  return { accessToken, expiresIn: DELEGATED_SESSION_SECONDS };
}
