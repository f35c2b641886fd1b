import { recordAuditEvent } from "../audit/audit.store.ts";
import type { Credential } from "../credentials/credential.model.ts";
import { delegationStillActive } from "../delegations/delegation.store.ts";
import { UnauthorizedError } from "../platform/errors.ts";
import type { HttpEvent } from "../platform/http.ts";
import { currentCredential } from "../sessions/profile.service.ts";
import {
  authenticateCitizen,
  bearerToken,
  type CitizenPrincipal,
  verifyAccessToken,
} from "./access-token.ts";
import { authenticateIdentity } from "./external-tokens.ts";

export interface Holder extends CitizenPrincipal {
  /** The holder's credential as it is now: PIN type and state come from here, not from the token. */
  credential: Credential;
}

/** The `auth` step of citizen routes that act on the holder's own credential (no delegate may). */
export async function authenticateHolder(event: HttpEvent): Promise<Holder> {
  const principal = await authenticateCitizen(event);
  return { ...principal, credential: await currentCredential(principal) };
}

/**
 * The `auth` step of the few routes a delegate may use for the delegator (F14: the profile, applications,
 * a conversion request's status). A delegated token works only while its delegation stands, checked on every
 * use; each use is recorded in both trails, with the delegate as actor.
 */
export async function authenticateHolderOrDelegate(event: HttpEvent): Promise<Holder> {
  const principal = await verifyAccessToken(bearerToken(event));
  if (principal.actor) {
    const { delegationId, codiceFiscale: delegate } = principal.actor;
    if (!(await delegationStillActive(delegationId, principal.codiceFiscale, delegate))) {
      throw new UnauthorizedError(
        "invalid-token",
        "The delegation behind this token was revoked or has ended.",
      );
    }
    const route = event.routeKey ?? `${event.requestContext?.http?.method} ${event.rawPath}`;
    await Promise.all(
      [
        [principal.codiceFiscale, "delegator"],
        [delegate, "delegate"],
      ].map(([codiceFiscale, role]) =>
        recordAuditEvent({
          codiceFiscale: codiceFiscale!,
          type: "acted-on-behalf",
          channel: "web",
          actor: `delegate:${delegate}`,
          outcome: "success",
          details: { delegationId, route, role: role! },
        }),
      ),
    );
  }
  return { ...principal, credential: await currentCredential(principal) };
}

/** Who acts, for audit records: the holder, or the delegate acting for them. */
export function actorOf(holder: Holder): string {
  return holder.actor ? `delegate:${holder.actor.codiceFiscale}` : "citizen";
}

/**
 * The `auth` step of delegation routes (F14): the person's own citizen token or a SPID/CIE/CNS identity
 * token. A delegated token is refused with 403 (a delegate cannot manage delegations).
 */
export async function authenticatePerson(
  event: HttpEvent,
): Promise<{ codiceFiscale: string; via: "pin" | "identity" }> {
  try {
    const principal = await authenticateCitizen(event);
    return { codiceFiscale: principal.codiceFiscale, via: "pin" };
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
  }
  const identity = await authenticateIdentity(event);
  return { codiceFiscale: identity.codiceFiscale, via: "identity" };
}
