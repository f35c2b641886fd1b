import { authenticatePerson, delegatorWithPin } from "#shared/auth/holder";
import { giveDelegationSchema } from "#shared/delegations/delegation.schema";
import { giveDelegation } from "#shared/delegations/delegation.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: authenticatePerson, body: giveDelegationSchema },
  async ({ body, principal }) => {
    // The delegator's names come from their PIN's record, whichever token they signed in with.
    const credential = delegatorWithPin(principal);
    const delegator = {
      codiceFiscale: credential.codiceFiscale,
      surname: credential.holder.surname,
      givenName: credential.holder.givenName,
    };
    return json(
      201,
      await giveDelegation(delegator, body.delegate, "ordinary", body.endsOn, {
        channel: "web",
        actor: "citizen",
      }),
    );
  },
);
