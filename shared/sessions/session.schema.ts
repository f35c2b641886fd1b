import { codiceFiscaleSchema } from "../credentials/person.schema.ts";
import * as z from "../platform/zod.ts";

/** PIN input as typed by people: spaces and hyphens are tolerated, case is not significant. */
const pinInput = z.withChecks(z.string(), z.minLength(1, "Required"), z.maxLength(64));

/** The new PIN's rules are checked by the service, which answers `400 weak-pin` with the reason. */
const newPinInput = z.withChecks(
  pinInput,
  z.meta({
    description:
      "The new 8-character PIN: A-Z and 0-9, case-insensitive, spaces and hyphens ignored. Refused with 400 " +
      "weak-pin and a reason when it is the current PIN, any 8-character run of the codice fiscale, contains " +
      "the surname or given name (3+ letters), or is in the list of weak PINs.",
    examples: ["K7Q2M9XA"],
  }),
);

export const loginSchema = z.strictObject({ codiceFiscale: codiceFiscaleSchema, pin: pinInput });

export const loginResultSchema = z.discriminatedUnion("outcome", [
  z.object({
    outcome: z.literal("authenticated"),
    accessToken: z.string(),
    expiresIn: z.withChecks(z.number(), z.int()),
    pinType: z.enum(["ordinario", "dispositivo"]),
    pinExpiresAt: z.iso.datetime(),
  }),
  z.object({
    outcome: z.literal("pin-change-required"),
    reason: z.enum(["first-access", "expired"]),
    changeToken: z.string(),
    expiresIn: z.withChecks(z.number(), z.int()),
  }),
]);

export const pinChangeSchema = z.union(
  [
    z.strictObject({
      changeToken: z.withChecks(z.string(), z.minLength(1), z.maxLength(128)),
      newPin: newPinInput,
    }),
    z.withChecks(
      z.strictObject({ currentPin: pinInput, newPin: newPinInput }),
      z.meta({
        description: "With the holder's own access token (Authorization: Bearer), which is checked first.",
      }),
    ),
  ],
  { error: "Send either changeToken and newPin, or currentPin and newPin (with your access token)" },
);

export const pinChangedSchema = z.object({
  outcome: z.literal("pin-changed"),
  pinType: z.enum(["ordinario", "dispositivo"]),
  pinExpiresAt: z.iso.datetime(),
});

export const profileSchema = z.object({
  codiceFiscale: z.string(),
  surname: z.string(),
  givenName: z.string(),
  birthDate: z.string(),
  holderKind: z.enum(["citizen", "intermediary"]),
  pinType: z.enum(["ordinario", "dispositivo"]),
  pinExpiresAt: z.iso.datetime(),
  residence: z.object({ countryCode: z.string(), city: z.string() }),
  contacts: z.object({
    mobile: z.optional(z.string()),
    email: z.optional(z.string()),
    pec: z.optional(z.string()),
  }),
});
