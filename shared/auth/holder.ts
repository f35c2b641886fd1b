import type { Credential } from "../credentials/credential.model.ts";
import type { HttpEvent } from "../platform/http.ts";
import { currentCredential } from "../sessions/profile.service.ts";
import { authenticateCitizen, type CitizenPrincipal } from "./access-token.ts";

export interface Holder extends CitizenPrincipal {
  /** The holder's credential as it is now: PIN type and state come from here, not from the token. */
  credential: Credential;
}

/** The `auth` step of citizen routes that act on the holder's current credential. */
export async function authenticateHolder(event: HttpEvent): Promise<Holder> {
  const principal = await authenticateCitizen(event);
  return { ...principal, credential: await currentCredential(principal) };
}
