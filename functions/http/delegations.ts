import { authenticatePerson } from "#shared/auth/holder";
import { getCredential } from "#shared/credentials/credential.store";
import { giveDelegationSchema } from "#shared/delegations/delegation.schema";
import { giveDelegation } from "#shared/delegations/delegation.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: authenticatePerson, body: giveDelegationSchema },
  async ({ body, principal }) => {
    // A PIN holder's names come from their record; an SPID/CIE/CNS identity is known by its codice fiscale.
    const credential = principal.via === "pin" ? await getCredential(principal.codiceFiscale) : undefined;
    const delegator = credential
      ? {
          codiceFiscale: credential.codiceFiscale,
          surname: credential.holder.surname,
          givenName: credential.holder.givenName,
        }
      : { codiceFiscale: principal.codiceFiscale };
    return json(
      201,
      await giveDelegation(delegator, body.delegate, "ordinary", body.endsOn, {
        channel: "web",
        actor: "citizen",
      }),
    );
  },
);
