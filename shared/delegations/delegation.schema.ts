import { codiceFiscaleSchema } from "../credentials/person.schema.ts";
import * as z from "../platform/zod.ts";

const name = z.withChecks(z.string(), z.trim(), z.minLength(1, "Required"), z.maxLength(60));
export const personRefSchema = z.strictObject({
  codiceFiscale: codiceFiscaleSchema,
  surname: name,
  givenName: name,
});

/** The service checks the day against its clock: at least 30 days ahead (400 validation-failed otherwise). */
const endsOnSchema = z.withChecks(
  z.iso.date("Use the format YYYY-MM-DD"),
  z.meta({ description: "The last day of the delegation: at least 30 days ahead." }),
);

/** F14, by the delegator: one trusted person, optionally until a day at least 30 days ahead. */
export const giveDelegationSchema = z.strictObject({
  delegate: personRefSchema,
  endsOn: z.optional(endsOnSchema),
});

/** F14, at a branch after checking documents: also guardian (tutore, curatore, amministratore di sostegno) and parent. */
export const branchDelegationSchema = z.strictObject({
  delegator: personRefSchema,
  delegate: personRefSchema,
  kind: z.enum(["ordinary", "guardian", "parent"]),
  endsOn: z.optional(endsOnSchema),
});

export const delegationSchema = z.object({
  id: z.uuid(),
  kind: z.enum(["ordinary", "guardian", "parent"]),
  delegator: z.object({
    codiceFiscale: z.string(),
    surname: z.optional(z.string()),
    givenName: z.optional(z.string()),
  }),
  delegate: z.object({ codiceFiscale: z.string(), surname: z.string(), givenName: z.string() }),
  startsOn: z.iso.date(),
  endsOn: z.optional(z.iso.date()),
  status: z.enum(["active", "revoked", "ended"]),
});

export const delegationListSchema = z.object({
  given: z.array(delegationSchema),
  received: z.array(delegationSchema),
});
export const delegatedSessionSchema = z.object({
  accessToken: z.string(),
  expiresIn: z.withChecks(z.number(), z.int()),
});

export type PersonRef = z.infer<typeof personRefSchema>;
export type GiveDelegation = z.infer<typeof giveDelegationSchema>;
export type BranchDelegation = z.infer<typeof branchDelegationSchema>;
export type Delegation = z.infer<typeof delegationSchema>;
