import { z } from "zod";
import { codiceFiscaleSchema } from "../pin-requests/pin-request.schema.ts";

const name = z.string().trim().min(1, "Required").max(60);
export const personRefSchema = z.strictObject({
  codiceFiscale: codiceFiscaleSchema,
  surname: name,
  givenName: name,
});

/** The service checks the day against its clock: at least 30 days ahead (400 validation-failed otherwise). */
const endsOnSchema = z.iso
  .date("Use the format YYYY-MM-DD")
  .meta({ description: "The last day of the delegation: at least 30 days ahead." });

/** F14, by the delegator: one trusted person, optionally until a day at least 30 days ahead. */
export const giveDelegationSchema = z.strictObject({
  delegate: personRefSchema,
  endsOn: endsOnSchema.optional(),
});

/** F14, at a branch after checking documents: also guardian (tutore, curatore, amministratore di sostegno) and parent. */
export const branchDelegationSchema = z.strictObject({
  delegator: personRefSchema,
  delegate: personRefSchema,
  kind: z.enum(["ordinary", "guardian", "parent"]),
  endsOn: endsOnSchema.optional(),
});

export const delegationSchema = z.object({
  id: z.uuid(),
  kind: z.enum(["ordinary", "guardian", "parent"]),
  delegator: z.object({
    codiceFiscale: z.string(),
    surname: z.string().optional(),
    givenName: z.string().optional(),
  }),
  delegate: z.object({ codiceFiscale: z.string(), surname: z.string(), givenName: z.string() }),
  startsOn: z.iso.date(),
  endsOn: z.iso.date().optional(),
  status: z.enum(["active", "revoked", "ended"]),
});

export const delegationListSchema = z.object({
  given: z.array(delegationSchema),
  received: z.array(delegationSchema),
});
export const delegatedSessionSchema = z.object({ accessToken: z.string(), expiresIn: z.number().int() });

export type PersonRef = z.infer<typeof personRefSchema>;
export type GiveDelegation = z.infer<typeof giveDelegationSchema>;
export type BranchDelegation = z.infer<typeof branchDelegationSchema>;
export type Delegation = z.infer<typeof delegationSchema>;
