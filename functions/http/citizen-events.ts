import { parseAuditQuery, readTrailAsOperator } from "#shared/audit/audit.service";
import { operatorOf } from "#shared/auth/external-tokens";
import { codiceFiscaleSchema } from "#shared/credentials/person.schema";
import { ValidationError } from "#shared/platform/errors";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: operatorOf("auditor", "back-office") },
  async ({ pathParameters, query, principal }) => {
    const codiceFiscale = codiceFiscaleSchema.safeParse(pathParameters.codiceFiscale ?? "");
    if (!codiceFiscale.success) {
      throw new ValidationError([{ path: "codiceFiscale", message: "Not a valid codice fiscale" }]);
    }
    const channel = principal.groups.includes("auditor") ? "auditor" : "back-office";
    return json(
      200,
      await readTrailAsOperator(codiceFiscale.data, parseAuditQuery(query), {
        operatorId: principal.operatorId,
        channel,
      }),
    );
  },
);
