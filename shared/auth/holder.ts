import { recordAuditEvent } from "../audit/audit.store.ts";
import type { Credential } from "../credentials/credential.model.ts";
import { getCredential } from "../credentials/credential.store.ts";
import { delegationStillActive } from "../delegations/delegation.store.ts";
import { AppError, UnauthorizedError } from "../platform/errors.ts";
import type { HttpEvent } from "../platform/http.ts";
import { authenticateCitizen, bearerToken, type Holder, verifyAccessToken } from "./access-token.ts";
import { authenticateIdentity } from "./external-tokens.ts";

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
  return principal;
}

/** Who acts, for audit records: the holder, or the delegate acting for them. */
export function actorOf(holder: Holder): string {
  return holder.actor ? `delegate:${holder.actor.codiceFiscale}` : "citizen";
}

/** Who acts on a delegation route: the person, and their PIN when they hold an active one. */
export interface Person {
  codiceFiscale: string;
  via: "pin" | "identity";
  credential?: Credential;
}

/**
 * The `auth` step of delegation routes (F14): the person's own citizen token or a SPID/CIE/CNS identity
 * token. A delegated token is refused with 403 (a delegate cannot manage delegations); a citizen token whose
 * PIN was revoked or reissued is no token at all, so it falls through to the identity check and gets a 401.
 */
export async function authenticatePerson(event: HttpEvent): Promise<Person> {
  try {
    const { codiceFiscale, credential } = await authenticateCitizen(event);
    return { codiceFiscale, via: "pin", credential };
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
  }
  const { codiceFiscale } = await authenticateIdentity(event);
  const credential = await getCredential(codiceFiscale);
  return { codiceFiscale, via: "identity", ...(credential?.status === "active" ? { credential } : {}) };
}

/**
 * A delegator must hold an active PIN (F14: the delegate acts with it). A citizen token proves one; an
 * identity token does not, so a delegator who signed in with SPID/CIE/CNS and has none is told so.
 */
export function delegatorWithPin(person: Person): Credential {
  if (person.credential) return person.credential;
  throw new AppError(
    422,
    "delegator-without-pin",
    "No active PIN",
    "A delegator needs an active PIN for the delegate to act with.",
  );
}
